"""Where the app's own files live: templates, static files, migrations, seeds, benchmarks.

In a checkout they sit at the top of the repository; a built wheel carries them inside the
package, under forecast/_data/ (the build maps them there), so an installed app finds them too.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def resource(name: str) -> str:
    """Return the folder of one kind of file: templates, migrations, seeds or bench."""
    shipped = PACKAGE / "_data" / name
    if shipped.is_dir():
        return str(shipped)
    return str(PACKAGE.parent / name)
