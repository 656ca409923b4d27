"""What the browser tests and their fixtures share: the Chromium flags, the seeded model, paths."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INTEGRATION = ROOT / "tests" / "integration"
CHROMIUM = os.environ.get("TOGGL_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("TOGGL_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")
MEMBERS = 40
# No network, no updates, no first-run UI: the page must render from the file alone.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


with_simulator = _load("toggl_with_simulator", ROOT / "tests" / "simulator" / "with_simulator.py")
large_organization = _load("toggl_large_organization", INTEGRATION / "large_organization.py")
