"""The collection's metadata stays consistent with its plugins.

- meta/runtime.yml's action group `toggl` lists every module in plugins/modules, and nothing
  else, so `module_defaults: {group/trackops.toggl.toggl: ...}` reaches every module.
- galaxy.yml names the collection trackops.toggl under GPL-3.0-or-later.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
MODULES_DIR = ROOT / "plugins" / "modules"


def _load(relpath: str) -> dict:
    with (ROOT / relpath).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict), f"{relpath} must be a YAML mapping"
    return data


def _modules() -> list[str]:
    if not MODULES_DIR.is_dir():
        return []
    return sorted(path.stem for path in MODULES_DIR.glob("*.py") if path.name != "__init__.py")


@pytest.fixture(scope="module")
def runtime() -> dict:
    return _load("meta/runtime.yml")


@pytest.fixture(scope="module")
def galaxy() -> dict:
    return _load("galaxy.yml")


def test_there_are_modules():
    assert _modules(), "plugins/modules holds no module"


def test_modules_are_named_toggl_something():
    assert [name for name in _modules() if not name.startswith("toggl_")] == []


def test_action_group_lists_exactly_the_modules(runtime):
    group = runtime.get("action_groups", {}).get("toggl")
    assert isinstance(group, list), "meta/runtime.yml lacks action_groups.toggl"
    entries = [entry for entry in group if isinstance(entry, str)]
    duplicates = sorted({name for name in entries if entries.count(name) > 1})
    assert duplicates == [], f"listed more than once in action group toggl: {duplicates}"
    modules = set(_modules())
    missing = sorted(modules - set(entries))
    unknown = sorted(set(entries) - modules)
    assert missing == [], f"modules missing from action group toggl in meta/runtime.yml: {missing}"
    assert unknown == [], f"action group toggl lists modules that do not exist: {unknown}"


def test_requires_ansible(runtime):
    assert runtime.get("requires_ansible") == ">=2.18.0"


def test_galaxy_identity(galaxy):
    assert galaxy["namespace"] == "trackops"
    assert galaxy["name"] == "toggl"
    assert galaxy["license"] == ["GPL-3.0-or-later"]
    assert "license_file" not in galaxy, "galaxy.yml may set license or license_file, not both"
    assert re.fullmatch(r"\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?", str(galaxy["version"])), galaxy["version"]
    assert galaxy["readme"] == "README.md"
    assert galaxy.get("dependencies") == {}


def test_galaxy_tags_are_valid(galaxy):
    # Galaxy accepts at most 20 tags, each lowercase alphanumeric or underscore.
    tags = galaxy.get("tags") or []
    assert "toggl" in tags
    assert len(tags) <= 20
    assert [tag for tag in tags if not re.fullmatch(r"[a-z0-9_]{1,64}", tag)] == []


def test_build_ignores_development_files(galaxy):
    ignored = set(galaxy.get("build_ignore") or [])
    assert {".venv", ".build", "tests/output", "Makefile", "*.tar.gz"} <= ignored
