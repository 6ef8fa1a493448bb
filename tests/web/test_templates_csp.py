"""Templates keep to the Content-Security-Policy: no inline styles or scripts (style-src and
script-src are 'self'), so nothing a page draws is blocked in the browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "templates").rglob("*.html"))
INLINE = re.compile(
    r"""<style\b|<script\b(?![^>]*\bsrc=)|\sstyle\s*=|\son[a-z]+\s*=\s*["']""", re.IGNORECASE
)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.name))
def test_a_template_has_no_inline_style_script_or_handler(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    found = [m.group(0) for m in INLINE.finditer(text)]
    assert not found, f"{template}: inline {found} would be blocked by the CSP"


def test_the_check_finds_what_it_looks_for() -> None:
    assert INLINE.search('<svg style="x">') and INLINE.search("<script>alert(1)</script>")
    assert INLINE.search("<a onclick='x'>") and not INLINE.search('<script src="/a.js"></script>')
