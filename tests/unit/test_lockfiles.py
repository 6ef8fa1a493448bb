"""The lock files pin every dependency pyproject.toml declares (make lock regenerates them)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    """Return a requirement's normalised project name (PEP 503)."""
    name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip())
    assert name, requirement
    return re.sub(r"[-_.]+", "-", name.group(0)).lower()


def _pinned(lock: Path) -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ \\\n]+)", lock.read_text(), re.M)
    return {_name(name): version for name, version in pins}


def test_every_declared_dependency_is_pinned_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    dev = {_name(r) for r in project["optional-dependencies"]["dev"]}
    app_lock, dev_lock = ROOT / "requirements/app.txt", ROOT / "requirements/dev.txt"
    missing_app = runtime - set(_pinned(app_lock))
    missing_dev = (runtime | dev) - set(_pinned(dev_lock))
    assert not missing_app and not missing_dev, (
        f"not in the lock: {sorted(missing_app | missing_dev)}; run `make lock`"
    )
    for lock in (app_lock, dev_lock):
        hashed = re.findall(r"^\S+==\S+ \\\n +--hash=sha256:[0-9a-f]{64}", lock.read_text(), re.M)
        assert len(hashed) == len(_pinned(lock)), f"{lock.name}: every pin carries its hashes"
    # The runtime pins agree between the two files: the wheel check installs what tests ran on.
    shared = set(_pinned(app_lock)) & set(_pinned(dev_lock))
    assert {n: _pinned(app_lock)[n] for n in shared} == {n: _pinned(dev_lock)[n] for n in shared}
