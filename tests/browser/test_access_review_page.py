"""The access review page in headless Chromium: what a reviewer sees, and sorting by a click.

The page comes from a real run of playbooks/access_review.yml against the simulator (see
conftest.py). Two ways in: `chromium --dump-dom` (the page as the browser built it, scripts
run, from the file alone) and selenium with Debian's chromedriver for real clicks and typing.
"""

from __future__ import annotations

import subprocess

import pytest
from browser_support import CHROMIUM_FLAGS, MEMBERS, large_organization
from selenium.webdriver.common.by import By

NAME, EMAIL, RATE = 0, 1, 11
HOSTILE = large_organization.SPECIAL_NAMES[2]
# The rows the page must show: one per member and workspace reached (one for a member with none).
EXPECTED_ROWS = sum(max(1, len(large_organization.workspace_ids_of(user_id))) for user_id in range(1, MEMBERS + 1))
VISIBLE_ROWS = """
return Array.from(document.querySelectorAll('#access tbody tr'))
  .filter(function (row) { return !row.hidden; })
  .map(function (row) { return Array.from(row.cells).map(function (cell) { return cell.textContent; }); });
"""


@pytest.fixture(scope="module")
def page(driver, review_page):
    driver.get(review_page.as_uri())
    return driver


def visible_rows(driver):
    return driver.execute_script(VISIBLE_ROWS)


def heading(driver, text):
    return driver.find_element(By.XPATH, "//table[@id='access']/thead//th[button[normalize-space()='%s']]" % text)


def console_errors(driver):
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def test_the_browser_builds_the_page_from_the_file_alone(chromium, review_page, tmp_path):
    completed = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", review_page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    dom = completed.stdout
    # The inline script ran, so the Content-Security-Policy let it (by its hash).
    assert 'data-ready="true"' in dom
    assert f"{EXPECTED_ROWS} of {EXPECTED_ROWS} rows shown" in dom
    assert "<title>Access review: Acme</title>" in dom
    # The hostile name is text in the DOM, not an element.
    assert "Mallory &lt;img src=x onerror=alert(1)&gt;" in dom
    assert "<img" not in dom


def test_the_page_shows_every_member_with_their_access(page):
    assert page.title == "Access review: Acme"
    assert page.find_element(By.ID, "count-people").text == str(MEMBERS)
    statuses = [large_organization.status_of(user_id) for user_id in range(1, MEMBERS + 1)]
    for status in ("joined", "invited", "inactive"):
        assert page.find_element(By.ID, f"count-{status}").text == str(statuses.count(status))
    rows = visible_rows(page)
    assert len(rows) == EXPECTED_ROWS
    assert {row[EMAIL] for row in rows} == {large_organization.email_of(u) for u in range(1, MEMBERS + 1)}
    assert [row[NAME] for row in rows if row[EMAIL] == "person0002@example.com"] == [HOSTILE]
    assert page.find_elements(By.TAG_NAME, "img") == []
    bob = [row for row in rows if row[EMAIL] == "person0010@example.com"]
    assert [(row[7], row[8], row[RATE], row[12]) for row in bob] == [("Acme HQ", "admin", "43", "25.5")]
    assert console_errors(page) == []


def test_clicking_a_heading_sorts_by_that_column(page):
    rate = heading(page, "Rate")
    rate.find_element(By.TAG_NAME, "button").click()
    assert rate.get_attribute("aria-sort") == "ascending"
    rates = [row[RATE] for row in visible_rows(page)]
    numbers = [float(value) for value in rates if value]
    assert numbers and numbers == sorted(numbers)
    # As numbers (45 before 100 would also hold as text), empty cells last.
    assert rates == [value for value in rates if value] + [""] * rates.count("")

    rate.find_element(By.TAG_NAME, "button").click()
    assert rate.get_attribute("aria-sort") == "descending"
    rates = [row[RATE] for row in visible_rows(page)]
    assert [float(value) for value in rates if value] == sorted(numbers, reverse=True)
    assert rates[-1] == ""

    name = heading(page, "Name")
    name.find_element(By.TAG_NAME, "button").click()
    assert name.get_attribute("aria-sort") == "ascending"
    assert rate.get_attribute("aria-sort") is None
    names = [row[NAME] for row in visible_rows(page)]
    assert names == sorted(names, key=str.casefold)
    assert names[0] == large_organization.SPECIAL_NAMES[3] and names[-1] == large_organization.SPECIAL_NAMES[4]
    name.find_element(By.TAG_NAME, "button").click()
    assert [row[NAME] for row in visible_rows(page)] == sorted(names, key=str.casefold, reverse=True)
    assert console_errors(page) == []


def test_the_filter_box_shows_only_matching_rows(page):
    box = page.find_element(By.ID, "filter")
    box.send_keys("invited")
    rows = visible_rows(page)
    invited = [u for u in range(1, MEMBERS + 1) if large_organization.status_of(u) == "invited"]
    assert invited and sorted({row[EMAIL] for row in rows}) == [large_organization.email_of(u) for u in invited]
    assert page.find_element(By.ID, "shown").text == f"{len(rows)} of {EXPECTED_ROWS} rows shown"
    box.clear()
    box.send_keys(" ")  # an input event with no words: every row again
    assert len(visible_rows(page)) == EXPECTED_ROWS


FITS = """
var width = document.documentElement.clientWidth;
var cells = Array.from(document.querySelectorAll('th, td, dd, h1, h2, p'));
var cut = cells.filter(function (cell) { return cell.getBoundingClientRect().right > width + 0.5; })
  .map(function (cell) { return cell.tagName + ': ' + cell.textContent.slice(0, 60); });
return {width: width, inner: window.innerWidth, scroll: document.documentElement.scrollWidth,
        tables: Array.from(document.querySelectorAll('table')).map(function (table) {
          return [table.id, table.getBoundingClientRect().right]; }),
        cut: cut.slice(0, 10)};
"""


def test_the_page_fits_a_1400_px_window(driver, review_page):
    """Every table and cell within the window's width: long values wrap in their cell, nothing is
    cut off at the right and there is no horizontal scrolling."""
    size = driver.get_window_size()
    try:
        driver.set_window_size(1400, 900)
        driver.get(review_page.as_uri())
        fit = driver.execute_script(FITS)
        assert fit["inner"] == 1400
        assert fit["scroll"] <= fit["width"], fit
        assert {table for table, _right in fit["tables"]} == {"access", "changes", "findings", "groups"}
        assert all(right <= fit["width"] for _table, right in fit["tables"]), fit
        assert fit["cut"] == [], fit
        headings = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#access thead th")]
        assert headings[-3:] == ["Change", "What changed", "Findings"]
        # The long changes are there, wrapped rather than cut.
        changed = driver.find_element(By.XPATH, "//table[@id='changes']/tbody/tr[td[1]='changed']/td[5]")
        assert "Very-Long-Group-Name-Without-Any-Spaces-In-It-0001" in changed.text
        assert changed.size["height"] > 2 * 18  # on several lines
        assert console_errors(driver) == []
    finally:
        driver.set_window_size(size["width"], size["height"])
