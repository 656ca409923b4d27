"""Browser tests: the access review page as a reviewer sees it, in Debian's headless Chromium.

`make browser` runs them after `make browser-deps` has installed the `chromium` and
`chromium-driver` packages (when /usr/bin/chromium or /usr/bin/chromedriver is missing).

Fixtures
--------
review_page (session)
    The path of access-review.html as playbooks/access_review.yml wrote it, against a simulator
    seeded with 40 members of the generated organization (tests/integration/large_organization.py:
    every status, rates, groups, and names a page must escape), carried forward from a review of
    the same organization in which some members had groups with long names (so the page shows
    every section and column, and long changes).
chromium (session)
    The Chromium binary; the tests fail (not skip) when it is missing, naming the make target.
driver (module)
    A selenium WebDriver for that Chromium, through Debian's chromedriver: the two come from the
    same source package, so their versions always match, and nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from browser_support import (
    CHROMEDRIVER,
    CHROMIUM,
    CHROMIUM_FLAGS,
    MEMBERS,
    ROOT,
    large_organization,
    with_simulator,
)


def _require(path: str, package: str) -> str:
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(f"{path} is missing: install Debian's {package} package (make browser-deps)", pytrace=False)
    return path


@pytest.fixture(scope="session")
def chromium() -> str:
    return _require(CHROMIUM, "chromium")


@pytest.fixture(scope="session")
def review_page(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("access-review")
    seed_path = directory / "seed.json"
    seed_path.write_text(json.dumps(large_organization.large_organization_seed(MEMBERS)), encoding="utf-8")
    simulator = with_simulator.Simulator(
        ["--seed", str(seed_path)], python=sys.executable, log_path=directory / "simulator.log"
    )
    simulator.start()
    try:
        env = {key: value for key, value in os.environ.items() if not key.startswith("TOGGL_")}
        env.update(
            TOGGL_API_URL=simulator.api_url,
            TOGGL_API_TOKEN="tok-owner",
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_LOCAL_TEMP=str(directory / "ansible-local"),
        )
        reports = directory / "reports"

        def review(*extra):
            completed = subprocess.run(
                [
                    str(Path(sys.executable).parent / "ansible-playbook"),
                    "-i",
                    str(ROOT / "playbooks" / "inventory.yml"),
                    str(ROOT / "playbooks" / "access_review.yml"),
                    "-e",
                    f"toggl_organization={large_organization.ORGANIZATION}",
                    "-e",
                    f"toggl_report_dir={reports}",
                    *extra,
                ],
                cwd=directory,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert completed.returncode == 0, completed.stdout + completed.stderr

        # Carried forward from a previous review, so that the page has every section and column;
        # in that review some members were in groups with long names ("What changed" must wrap).
        review()
        previous = directory / "previous.json"
        previous.write_text(earlier_review(reports / "access-review.json"), encoding="utf-8")
        review("-e", f"toggl_access_review_previous={previous}")
    finally:
        simulator.stop()
    return reports / "access-review.html"


LONG_GROUPS = ["Finance and Controlling (EMEA) - Quarterly Close", "Very-Long-Group-Name-Without-Any-Spaces-In-It-0001"]


def earlier_review(path: Path) -> str:
    """The review at ``path`` with long group names on every fifth row, its rows' SHA-256 taken again."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for index, row in enumerate(data["rows"]):
        if index % 5 == 0:
            row["groups"] = LONG_GROUPS
    canonical = json.dumps(data["rows"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    data["evidence"]["rows_sha256"] = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return json.dumps(data)


@pytest.fixture(scope="module")
def driver(chromium, tmp_path_factory):
    _require(CHROMEDRIVER, "chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument("--user-data-dir=%s" % tmp_path_factory.mktemp("chromium-profile"))
    options.add_argument("--window-size=1600,1000")
    # The browser console, to see a Content-Security-Policy refusal or a script error.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # With the driver's path given, selenium does not look for (or download) a driver.
    service = Service(executable_path=CHROMEDRIVER, log_output=subprocess.DEVNULL)
    browser = webdriver.Chrome(options=options, service=service)
    browser.set_page_load_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()
