"""The collection's metadata stays consistent with its plugins.

- meta/runtime.yml's action group `toggl` lists every module in plugins/modules, and nothing
  else, so `module_defaults: {group/trackops.toggl.toggl: ...}` reaches every module.
- galaxy.yml names the collection trackops.toggl under GPL-3.0-or-later.
- The requirements files, the execution environment's definition, meta/runtime.yml, the roles and
  the docs (README.md, docs/awx.md) name the same versions: the ansible-core that
  requires_ansible claims and the one CI tests on, requests, ansible-runner, ansible-builder,
  Flask, Python.
"""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
MODULES_DIR = ROOT / "plugins" / "modules"


def _load(relpath: str) -> dict:
    with (ROOT / relpath).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict), f"{relpath} must be a YAML mapping"
    return data


def _modules() -> list[str]:
    """The modules that talk to Toggl (not the controller-side utilities, see _utilities)."""
    if not MODULES_DIR.is_dir():
        return []
    return sorted(
        path.stem for path in MODULES_DIR.glob("*.py") if path.name != "__init__.py" and path.stem not in _utilities()
    )


def _utilities() -> list[str]:
    """Controller-side utilities: an action plugin of the module's name does the work (the module
    is its documentation). They take no Toggl connection options, so they are outside the action
    group, and their names say what they do (report_files)."""
    actions = MODULES_DIR.parent / "action"
    return sorted(path.stem for path in actions.glob("*.py") if path.name != "__init__.py")


def test_utilities_are_documented_and_not_named_toggl():
    for name in _utilities():
        assert (MODULES_DIR / (name + ".py")).is_file(), "action plugin %s has no documentation module" % name
        assert not name.startswith("toggl_"), name


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


# --- one version, said the same way everywhere -------------------------------------------------

# `make compat`'s requirements: the oldest ansible-core that requires_ansible claims.
COMPAT_REQUIREMENTS = "tests/requirements-ansible-2.18.txt"


def _requirements(relpath: str) -> dict[str, SpecifierSet]:
    """{name: specifier} of a pip requirements file, following its `-r` includes."""
    path = ROOT / relpath
    found: dict[str, SpecifierSet] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r"):
            included = (path.parent / line[2:].strip()).resolve().relative_to(ROOT)
            found.update(_requirements(str(included)))
            continue
        requirement = Requirement(line)
        assert requirement.name.lower() not in found, f"{relpath} names {requirement.name} twice"
        found[requirement.name.lower()] = requirement.specifier
    return found


def _lower_bound(specifier: SpecifierSet) -> Version:
    (bound,) = [Version(spec.version) for spec in specifier if spec.operator in (">=", "==")]
    return bound


def _release_line(specifier: SpecifierSet) -> str:
    """'2.19' for >=2.19,<2.20: the one minor release line the specifier admits."""
    lower = _lower_bound(specifier)
    line = f"{lower.major}.{lower.minor}"
    upper = [spec for spec in specifier if spec.operator == "<"]
    assert [spec.version for spec in upper] == [f"{lower.major}.{lower.minor + 1}"], f"{specifier} is not one line"
    return line


def _text(relpath: str) -> str:
    # The docs wrap lines anywhere: compare with the whitespace squashed.
    return " ".join((ROOT / relpath).read_text(encoding="utf-8").split())


@pytest.fixture(scope="module")
def execution_environment() -> dict:
    return _load("execution-environment.yml")


@pytest.fixture(scope="module")
def claimed_oldest(runtime) -> Version:
    """The lower bound of requires_ansible, the oldest ansible-core the collection claims."""
    match = re.fullmatch(r">=(\d+\.\d+\.\d+)", runtime["requires_ansible"])
    assert match, f"requires_ansible {runtime['requires_ansible']!r} should be a lower bound only"
    return Version(match.group(1))


def test_compat_tests_the_oldest_ansible_core_that_requires_ansible_claims(claimed_oldest):
    assert str(_requirements(COMPAT_REQUIREMENTS)["ansible-core"]) == f"=={claimed_oldest}"


def test_roles_claim_the_same_oldest_ansible_core(claimed_oldest):
    for meta in sorted(ROOT.glob("roles/*/meta/main.yml")):
        info = yaml.safe_load(meta.read_text(encoding="utf-8"))["galaxy_info"]
        assert str(info["min_ansible_version"]) == f"{claimed_oldest.major}.{claimed_oldest.minor}", meta


def test_ci_and_the_execution_environment_use_one_ansible_core_line(claimed_oldest, execution_environment):
    tested = _requirements("test-requirements.txt")["ansible-core"]
    shipped = Requirement(execution_environment["dependencies"]["ansible_core"]["package_pip"])
    assert shipped.name == "ansible-core"
    assert shipped.specifier == tested, "the EE ships the ansible-core CI tests"
    assert _lower_bound(tested) >= claimed_oldest, "CI tests a release requires_ansible does not claim"


def test_ci_and_the_execution_environment_use_one_ansible_runner_line(execution_environment):
    shipped = Requirement(execution_environment["dependencies"]["ansible_runner"]["package_pip"])
    assert shipped.name == "ansible-runner"
    assert shipped.specifier == _requirements("test-requirements.txt")["ansible-runner"]
    _release_line(shipped.specifier)


def test_compat_requirements_are_the_main_ones_but_ansible_core():
    compat, main = _requirements(COMPAT_REQUIREMENTS), _requirements("test-requirements.txt")
    runtime = _requirements("requirements.txt")
    assert {name: compat[name] for name in runtime} == runtime, f"{COMPAT_REQUIREMENTS} must include requirements.txt"
    shared = set(compat) - set(runtime) - {"ansible-core"}
    assert shared <= set(main), f"{COMPAT_REQUIREMENTS} names what test-requirements.txt does not"
    assert {name: compat[name] for name in shared} == {name: main[name] for name in shared}


def test_the_simulator_package_asks_for_the_flask_the_tests_use():
    project = tomllib.loads((ROOT / "tests" / "simulator" / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (flask,) = [Requirement(line) for line in project["dependencies"] if Requirement(line).name.lower() == "flask"]
    assert flask.specifier == _requirements("test-requirements.txt")["flask"]
    readme = _text("README.md")
    python = _lower_bound(SpecifierSet(project["requires-python"]))
    assert f"It needs Python {python.major}.{python.minor}+ and Flask" in readme


def test_readme_names_the_versions_of_the_requirements(claimed_oldest, execution_environment):
    readme = _text("README.md")
    oldest = f"{claimed_oldest.major}.{claimed_oldest.minor}"
    tested = _release_line(_requirements("test-requirements.txt")["ansible-core"])
    requests = _lower_bound(_requirements("requirements.txt")["requests"])
    # ansible-core's own Requires-Python: the controller's Python, for every release it installs.
    python = _lower_bound(SpecifierSet(importlib.metadata.metadata("ansible-core")["Requires-Python"]))
    assert (
        f"Needs ansible-core {oldest} or later (CI tests {tested}, and {claimed_oldest} with `make compat`), "
        f"Python {python.major}.{python.minor} or later and `requests` {requests} or later on the controller."
    ) in readme
    assert f"on ansible-core {claimed_oldest}, the oldest release `requires_ansible` claims" in readme
    assert f"Everything else runs on ansible-core {tested}." in readme


def test_docs_describe_the_execution_environment_as_defined(execution_environment):
    dependencies = execution_environment["dependencies"]
    python = dependencies["python_interpreter"]["package_system"].removeprefix("python")
    core = _release_line(Requirement(dependencies["ansible_core"]["package_pip"]).specifier)
    runner = _release_line(Requirement(dependencies["ansible_runner"]["package_pip"]).specifier)
    builder = _lower_bound(_requirements("test-requirements.txt")["ansible-builder"]).major
    assert execution_environment["version"] == builder, "the definition's format is the ansible-builder CI runs"
    assert (
        f"(ansible-builder {builder}: UBI 9, Python {python}, ansible-core {core}, ansible-runner {runner} "
        "and the collection)"
    ) in _text("README.md")
    assert (
        f"(ansible-builder {builder} format): UBI 9 with Python {python}, ansible-core {core}, "
        f"ansible-runner {runner}, and"
    ) in _text("docs/awx.md")
    assert execution_environment["images"]["base_image"]["name"].startswith("registry.access.redhat.com/ubi9/")


def test_galaxy_version_is_the_last_release_or_newer(galaxy):
    changelog = _load("changelogs/changelog.yaml")
    releases = sorted(Version(version) for version in changelog.get("releases") or {})
    assert releases, "changelogs/changelog.yaml has no release"
    assert Version(str(galaxy["version"])) >= releases[-1]
