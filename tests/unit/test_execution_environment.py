"""The execution environment: meta/execution-environment.yml and the repository's execution-environment.yml.

No container engine runs here, so the image itself is not built. Instead this runs what
`make ee-context` runs, `ansible-builder create`, on the repository's definition (copied beside a
freshly built collection tarball, where `make ee-context` puts it) and checks the build context
it writes. Then it replays the two image build steps that concern this collection, with the
scripts from that context: the galaxy stage's `ansible-galaxy collection install` (from the
context's _build directory, as the image's /build), and the builder stage's introspection, which
reads meta/execution-environment.yml of every installed collection and must find requests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
EE_FILE = ROOT / "execution-environment.yml"
# Where `make ee-context` puts the collection tarball (relative to execution-environment.yml).
TARBALL_IN_REPO = ".build/ee/trackops-toggl.tar.gz"


def _load(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _run(args, cwd, env=None):
    completed = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 0, f"{args} failed:\n{completed.stdout}\n{completed.stderr}"
    return completed


def _requirement_lines(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


@pytest.fixture(scope="module")
def galaxy() -> dict:
    return _load(ROOT / "galaxy.yml")


@pytest.fixture(scope="module")
def definition() -> dict:
    return _load(EE_FILE)


@pytest.fixture(scope="module")
def context(tmp_path_factory) -> Path:
    """The build context `ansible-builder create` writes for the repository's definition."""
    work = tmp_path_factory.mktemp("ee")
    _run([BIN / "ansible-galaxy", "collection", "build", "--output-path", work / "dist", ROOT], cwd=work)
    (tarball,) = (work / "dist").glob("trackops-toggl-*.tar.gz")
    project = work / "project"
    (project / TARBALL_IN_REPO).parent.mkdir(parents=True)
    shutil.copy2(tarball, project / TARBALL_IN_REPO)
    shutil.copy2(EE_FILE, project / EE_FILE.name)
    _run(
        [BIN / "ansible-builder", "create", "--file", EE_FILE.name, "--context", "context"]
        + ["--output-filename", "Containerfile"],
        cwd=project,
    )
    return project / "context"


@pytest.fixture(scope="module")
def installed_collections(context, tmp_path_factory) -> Path:
    """The galaxy stage, replayed: install the context's requirements.yml from _build (the image's /build)."""
    target = tmp_path_factory.mktemp("usr-share-ansible") / "collections"
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(target), ANSIBLE_GALAXY_DISABLE_GPG_VERIFY="1")
    _run(
        [BIN / "ansible-galaxy", "collection", "install", "-r", "requirements.yml", "--collections-path", target],
        cwd=context / "_build",
        env=env,
    )
    return target


# --- the collection's own metadata -------------------------------------------------------------


def test_collection_declares_its_python_requirements():
    meta = _load(ROOT / "meta" / "execution-environment.yml")
    assert meta["version"] == 1
    dependencies = meta["dependencies"]
    # Paths are relative to the collection root; requests is the only runtime dependency.
    assert dependencies["python"] == "requirements.txt"
    assert [line.split(">=")[0] for line in _requirement_lines(ROOT / dependencies["python"])] == ["requests"]
    # No system packages: a declared bindep file would have to exist.
    assert "system" not in dependencies
    assert not (ROOT / "bindep.txt").exists()


def test_definition_is_version_3_with_this_collection(definition):
    assert definition["version"] == 3
    assert definition["additional_build_files"] == [{"src": TARBALL_IN_REPO, "dest": "collections"}]
    assert definition["dependencies"]["galaxy"] == {
        "collections": [{"name": "collections/trackops-toggl.tar.gz", "type": "file"}]
    }
    # ansible-core 2.19 runs only on Python 3.11 or newer.
    interpreter = definition["dependencies"]["python_interpreter"]
    assert interpreter["python_path"] == "/usr/bin/" + interpreter["package_system"]
    assert tuple(map(int, interpreter["package_system"].removeprefix("python").split("."))) >= (3, 11)
    assert definition["dependencies"]["ansible_core"]["package_pip"] == "ansible-core>=2.19,<2.20"
    assert definition["dependencies"]["ansible_runner"]["package_pip"] == "ansible-runner>=2.4,<2.5"


# --- the build context -------------------------------------------------------------------------


def test_context_holds_the_containerfile_and_build_scripts(context, definition):
    containerfile = (context / "Containerfile").read_text(encoding="utf-8")
    assert f'ARG EE_BASE_IMAGE="{definition["images"]["base_image"]["name"]}"' in containerfile
    assert 'ARG PYCMD="/usr/bin/python3.12"' in containerfile
    assert 'ARG ANSIBLE_INSTALL_REFS="ansible-core>=2.19,<2.20 ansible-runner>=2.4,<2.5"' in containerfile
    for stage in ("FROM $EE_BASE_IMAGE AS base", "FROM base AS galaxy", "FROM base AS builder", "FROM base AS final"):
        assert stage in containerfile
    # The galaxy stage installs from the copied context, the builder stage introspects what it installed.
    assert "COPY _build /build\nWORKDIR /build" in containerfile
    assert "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" in containerfile
    assert "RUN $PYCMD /output/scripts/introspect.py introspect" in containerfile
    assert "LABEL ansible-execution-environment=true" in containerfile
    scripts = {path.name for path in (context / "_build" / "scripts").iterdir()}
    assert {"introspect.py", "assemble", "install-from-bindep", "check_ansible", "check_galaxy"} <= scripts


def test_context_holds_the_collection_tarball(context, galaxy):
    assert _load(context / "_build" / "requirements.yml") == {
        "collections": [{"name": "collections/trackops-toggl.tar.gz", "type": "file"}]
    }
    tarball = context / "_build" / "collections" / "trackops-toggl.tar.gz"
    with tarfile.open(tarball) as archive:
        names = set(archive.getnames())
        manifest = json.load(archive.extractfile("MANIFEST.json"))
        shipped_requirements = archive.extractfile("requirements.txt").read().decode("utf-8")
    info = manifest["collection_info"]
    assert (info["namespace"], info["name"], info["version"]) == ("trackops", "toggl", galaxy["version"])
    assert {"meta/execution-environment.yml", "meta/runtime.yml", "playbooks/files/toggl_credential_type.yml"} <= names
    assert shipped_requirements == (ROOT / "requirements.txt").read_text(encoding="utf-8")
    # The repository's definition refers to files of the checkout; it does not belong in the collection.
    assert "execution-environment.yml" not in names


def test_galaxy_stage_installs_the_collection(installed_collections, galaxy):
    collection = installed_collections / "ansible_collections" / "trackops" / "toggl"
    manifest = json.loads((collection / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["collection_info"]["version"] == galaxy["version"]
    assert (collection / "plugins" / "modules" / "toggl_workspace.py").is_file()


def test_builder_stage_finds_the_python_requirements(context, installed_collections, tmp_path):
    """The image's pip requirements, as the builder stage computes them from the installed collections."""
    pip_file, bindep_file = tmp_path / "requirements.txt", tmp_path / "bindep.txt"
    introspect = context / "_build" / "scripts" / "introspect.py"
    _run(
        [sys.executable, introspect, "introspect", installed_collections]
        + [f"--write-pip={pip_file}", f"--write-bindep={bindep_file}"],
        cwd=tmp_path,
    )
    expected = [line + "  # from collection trackops.toggl" for line in _requirement_lines(ROOT / "requirements.txt")]
    assert pip_file.read_text(encoding="utf-8").splitlines() == expected
    assert not bindep_file.exists(), "the collection declares no system packages"
