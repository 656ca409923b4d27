"""docs/collection holds the plugin and role documentation as antsibull-docs generates it now.

The pages are generated from the modules' DOCUMENTATION / EXAMPLES / RETURN (and roles'
meta/argument_specs.yml) by `make docs` (.ci/generate_docs.py) and committed, so a change to a
module's documentation must come with its regenerated page. This regenerates them into a
temporary directory and compares file by file.
"""

from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "collection"
GENERATOR = ROOT / ".ci" / "generate_docs.py"
MODULES = ROOT / "plugins" / "modules"


def _files(directory: Path) -> dict[str, str]:
    return {
        str(path.relative_to(directory)): path.read_text(encoding="utf-8")
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_docs_are_current(tmp_path):
    generated_dir = tmp_path / "collection"
    completed = subprocess.run(
        [sys.executable, str(GENERATOR), str(generated_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, "antsibull-docs could not document the collection:\n%s\n%s" % (
        completed.stdout,
        completed.stderr,
    )
    generated = _files(generated_dir)
    committed = _files(COMMITTED) if COMMITTED.is_dir() else {}
    missing = sorted(set(generated) - set(committed))
    stale = sorted(set(committed) - set(generated))
    changed = sorted(name for name in set(generated) & set(committed) if generated[name] != committed[name])
    first_diff = ""
    if changed:
        name = changed[0]
        lines = difflib.unified_diff(
            committed[name].splitlines(),
            generated[name].splitlines(),
            "docs/collection/" + name,
            "generated",
            lineterm="",
        )
        first_diff = "\n".join(list(lines)[:40])
    assert not (missing or stale or changed), (
        "docs/collection is out of date: run make docs and commit the result\n"
        f"  missing: {missing}\n  no longer generated: {stale}\n  changed: {changed}\n{first_diff}"
    )


def test_every_module_has_a_page():
    # Also true when the test above is, but names the module when a page was never generated.
    modules = sorted(path.stem for path in MODULES.glob("*.py") if path.name != "__init__.py")
    pages = sorted(path.name for path in COMMITTED.glob("*_module.rst"))
    assert pages == sorted(module + "_module.rst" for module in modules), "run make docs"
    index = (COMMITTED / "index.rst").read_text(encoding="utf-8")
    assert [module for module in modules if f"<{module}_module.rst>" not in index] == []
