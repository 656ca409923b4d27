"""Generate the plugin and role documentation of trackops.toggl with antsibull-docs.

Usage: python .ci/generate_docs.py [DEST]    (default: docs/collection; `make docs`)

Writes one reStructuredText page per module (and per role with meta/argument_specs.yml) plus an
index.rst into DEST, in antsibull-docs' "simplified-rst" format: plain RST that GitHub renders
and a reviewer can diff, where the "ansible-docsite" format needs the Ansible Sphinx site. DEST
is made to hold exactly what antsibull-docs writes (--cleanup everything), so keep it for
generated files only. tests/unit/test_docs_current.py runs this into a temporary directory and
fails when the committed pages differ.

antsibull-docs reads the collection through ansible-doc, so trackops.toggl must resolve to this
checkout: ANSIBLE_COLLECTIONS_PATH is set to .build/collections (where `make link` and
tests/conftest.py put a link to the checkout) unless it already finds it.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEST = ROOT / "docs" / "collection"
LINK = ROOT / ".build" / "collections" / "ansible_collections" / "trackops" / "toggl"

ANTSIBULL_DOCS_ARGS = [
    "collection",
    "--use-current",
    # docs/collection/<page>.rst rather than docs/collection/collections/trackops/toggl/<page>.rst.
    "--squash-hierarchy",
    "--output-format",
    "simplified-rst",
    # The pages change only when the documentation does, not with the tool's version.
    "--no-add-antsibull-docs-version",
    "--cleanup",
    "everything",
    "--fail-on-error",
]


def _collections_path():
    paths = [path for path in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep) if path]
    for path in paths:
        candidate = Path(path) / "ansible_collections" / "trackops" / "toggl"
        if candidate.exists() and candidate.resolve() == ROOT:
            return os.pathsep.join(paths)
    if not (LINK.exists() and LINK.resolve() == ROOT):
        LINK.parent.mkdir(parents=True, exist_ok=True)
        if LINK.is_symlink():
            LINK.unlink()
        LINK.symlink_to(os.path.relpath(ROOT, LINK.parent), target_is_directory=True)
    return os.pathsep.join([str(ROOT / ".build" / "collections"), *paths])


def main(argv):
    if len(argv) > 2:
        sys.stderr.write(__doc__)
        return 2
    dest = Path(argv[1]).resolve() if len(argv) == 2 else DEFAULT_DEST
    dest.mkdir(parents=True, exist_ok=True)
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=_collections_path())
    # antsibull-docs runs `ansible-doc` and `ansible` from PATH: take the ones beside this Python.
    env["PATH"] = os.pathsep.join([str(bin_dir), env.get("PATH", "")])
    command = [str(bin_dir / "antsibull-docs"), *ANTSIBULL_DOCS_ARGS, "--dest-dir", str(dest), "trackops.toggl"]
    completed = subprocess.run(command, env=env, cwd=ROOT, check=False)
    if completed.returncode != 0:
        sys.stderr.write("antsibull-docs failed with exit code %d\n" % completed.returncode)
        return completed.returncode
    shown = dest.relative_to(ROOT) if dest.is_relative_to(ROOT) else dest
    print("Documentation of trackops.toggl written to %s" % shown)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
