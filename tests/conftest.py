"""Make `trackops.toggl` resolve to this checkout for every test run, with or without make.

`make` exports ANSIBLE_COLLECTIONS_PATH=.build/collections, where
ansible_collections/trackops/toggl is a symlink to the repository root. When pytest is started
another way, this initial conftest creates that link and sets the variable, before
pytest-ansible (`--ansible-unit-inject-only`, see pyproject.toml) reads it in pytest_configure
to make `ansible_collections.trackops.toggl...` importable in unit tests. ansible-playbook runs
started by the integration tests inherit it as well.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLLECTIONS_DIR = ROOT / ".build" / "collections"


def _resolves_here(collections_dir: str) -> bool:
    candidate = Path(collections_dir) / "ansible_collections" / "trackops" / "toggl"
    return candidate.exists() and candidate.resolve() == ROOT


def _ensure_collections_path() -> None:
    paths = [p for p in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep) if p]
    if any(_resolves_here(p) for p in paths):
        return
    link = COLLECTIONS_DIR / "ansible_collections" / "trackops" / "toggl"
    if not _resolves_here(str(COLLECTIONS_DIR)):
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink():
            link.unlink()
        link.symlink_to(os.path.relpath(ROOT, link.parent), target_is_directory=True)
    os.environ["ANSIBLE_COLLECTIONS_PATH"] = os.pathsep.join([str(COLLECTIONS_DIR), *paths])


_ensure_collections_path()
