"""trackops.toggl.access_review_rows, access_review_csv and access_review_html."""

import base64
import csv
import hashlib
import io
from html.parser import HTMLParser

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.trackops.toggl.plugins.filter.access_review_csv import FilterModule as CsvFilters
from ansible_collections.trackops.toggl.plugins.filter.access_review_csv import access_review_csv
from ansible_collections.trackops.toggl.plugins.filter.access_review_html import FilterModule as HtmlFilters
from ansible_collections.trackops.toggl.plugins.filter.access_review_html import access_review_html
from ansible_collections.trackops.toggl.plugins.filter.access_review_rows import FilterModule as RowFilters
from ansible_collections.trackops.toggl.plugins.filter.access_review_rows import access_review_rows

COLUMNS = [
    "name",
    "email",
    "user_id",
    "organization_role",
    "status",
    "two_factor",
    "groups",
    "workspace",
    "workspace_role",
    "workspace_status",
    "via_groups",
    "rate",
    "labor_cost",
    "currency",
]
# The CSV adds the review's own columns: since the previous review, findings, and the decision.
CSV_COLUMNS = COLUMNS + ["change", "changes", "findings", "decision"]
HOSTILE = 'Mallory "M" <img src=x onerror=alert(1)>, <script>alert(2)</script>'


def workspace(ws_id, name, role="user", status="joined", rate=None, labor_cost=None, groups=(), **extra):
    return dict(
        workspace_id=ws_id,
        name=name,
        role=role,
        status=status,
        rate=rate,
        labor_cost=labor_cost,
        groups=list(groups),
        **extra,
    )


def member(user_id, name, email, status="joined", admin=False, owner=False, groups=(), workspaces=(), two_factor=False):
    return {
        "user_id": user_id,
        "name": name,
        "email": email,
        "status": status,
        "admin": admin,
        "owner": owner,
        "two_factor_enabled": two_factor,
        "groups": list(groups),
        "workspaces": list(workspaces),
    }


# As toggl_organization_info returns them: sorted by name, but not the way rows sort.
USERS = [
    member(
        1, "olive Owner", "owner@example.com", admin=True, owner=True, workspaces=[workspace(100, "Acme HQ", "admin")]
    ),
    member(2, "Alice Admin", "alice@example.com", admin=True, groups=["Engineering"], two_factor=True),
    member(
        3,
        "Bob Builder",
        "bob@example.com",
        workspaces=[
            workspace(101, "Acme Labs", "projectlead", groups=["Engineering"]),
            workspace(100, "Acme HQ", rate=50.0, labor_cost=30.5, default_currency="EUR"),
        ],
    ),
    member(
        4, HOSTILE, "mallory@example.com", status="invited", workspaces=[workspace(100, "Acme HQ", status="invited")]
    ),
    member(5, "=SUM(A1:A9)", "sum@example.com", status="inactive", groups=["@ops", "-x"]),
]


def test_the_filters_are_registered_under_their_names():
    assert RowFilters().filters() == {"access_review_rows": access_review_rows}
    assert CsvFilters().filters() == {"access_review_csv": access_review_csv}
    assert HtmlFilters().filters() == {"access_review_html": access_review_html}


# -- rows ---------------------------------------------------------------------------------------


def test_one_row_per_person_and_workspace_sorted_by_name_then_workspace():
    rows = access_review_rows(USERS)
    assert [(row["name"], row["workspace"]) for row in rows] == [
        ("=SUM(A1:A9)", None),
        ("Alice Admin", None),
        ("Bob Builder", "Acme HQ"),
        ("Bob Builder", "Acme Labs"),
        (HOSTILE, "Acme HQ"),
        ("olive Owner", "Acme HQ"),
    ]
    assert all(list(row) == COLUMNS[:8] + ["workspace_id"] + COLUMNS[8:] for row in rows)


def test_a_row_carries_the_person_and_the_workspace_access():
    rows = access_review_rows(USERS)
    bob_hq = rows[2]
    assert bob_hq == {
        "name": "Bob Builder",
        "email": "bob@example.com",
        "user_id": 3,
        "organization_role": "member",
        "status": "joined",
        "two_factor": False,
        "groups": [],
        "workspace": "Acme HQ",
        "workspace_id": 100,
        "workspace_role": "user",
        "workspace_status": "joined",
        "via_groups": [],
        "rate": 50.0,
        "labor_cost": 30.5,
        "currency": "EUR",
    }
    assert (rows[3]["workspace_role"], rows[3]["via_groups"], rows[3]["currency"]) == (
        "projectlead",
        ["Engineering"],
        None,
    )
    # A member without workspaces still appears, with their organization access.
    alice = rows[1]
    assert (alice["organization_role"], alice["groups"], alice["workspace_id"], alice["two_factor"]) == (
        "admin",
        ["Engineering"],
        None,
        True,
    )
    assert [row["organization_role"] for row in rows if row["email"] == "owner@example.com"] == ["owner"]
    assert (rows[4]["status"], rows[4]["workspace_status"]) == ("invited", "invited")


@pytest.mark.parametrize("users", ["text", None, [1]])
def test_rows_refuse_what_is_not_a_member_list(users):
    with pytest.raises(AnsibleFilterError, match="access_review_rows expects"):
        access_review_rows(users)


# -- CSV ----------------------------------------------------------------------------------------


def parse_csv(text):
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_has_a_header_row_and_one_line_per_row():
    rows = access_review_rows(USERS)
    text = access_review_csv(rows)
    assert text.endswith("\r\n")
    table = parse_csv(text)
    assert table[0] == CSV_COLUMNS
    assert len(table) == len(rows) + 1
    bob_hq = dict(zip(CSV_COLUMNS, table[3], strict=True))
    assert bob_hq == {
        "name": "Bob Builder",
        "email": "bob@example.com",
        "user_id": "3",
        "organization_role": "member",
        "status": "joined",
        "two_factor": "no",
        "groups": "",
        "workspace": "Acme HQ",
        "workspace_role": "user",
        "workspace_status": "joined",
        "via_groups": "",
        "rate": "50",
        "labor_cost": "30.5",
        "currency": "EUR",
        # Rows of access_review_rows alone: nothing carried forward, and the decision is the reviewer's.
        "change": "",
        "changes": "",
        "findings": "",
        "decision": "",
    }
    assert dict(zip(CSV_COLUMNS, table[2], strict=True))["two_factor"] == "yes"
    assert dict(zip(CSV_COLUMNS, table[4], strict=True))["via_groups"] == "Engineering"


def test_csv_quotes_what_needs_quoting_and_defuses_formulas():
    table = parse_csv(access_review_csv(access_review_rows(USERS)))
    # Commas and quotes survive the round trip.
    assert table[5][0] == HOSTILE
    # Text a spreadsheet would run: the name, and the groups joined into one cell.
    assert (table[1][0], table[1][6]) == ("'=SUM(A1:A9)", "'@ops; -x")


@pytest.mark.parametrize(
    "name",
    [
        ';=HYPERLINK("http://x")',  # a reader separating by ";" would start a cell with "="
        "Bob;=1+1",
        "\uff1dSUM(A1:A9)",  # the full-width equals sign, run by spreadsheets as "="
        "\uff0b1",
        "  =1+1",
        "a, -1",
    ],
)
def test_csv_defuses_formulas_behind_separators_spaces_and_full_width_signs(name):
    rows = [dict(dict.fromkeys(COLUMNS), name=name)]
    text = access_review_csv(rows)
    assert parse_csv(text)[1][0] == "'" + name
    # Quoted whole: no separator inside the name can split the cell.
    assert text.split("\r\n")[1].startswith('"\'%s",' % name.replace('"', '""'))


def test_csv_leaves_harmless_text_alone():
    rows = [dict(dict.fromkeys(COLUMNS), name="Ana; Team=Blue", email="a-b@example.com")]
    cells = parse_csv(access_review_csv(rows))[1]
    assert cells[:2] == ["Ana; Team=Blue", "a-b@example.com"]


def test_csv_keeps_numbers_numbers():
    rows = [dict(dict.fromkeys(COLUMNS), name="N", rate=-5, labor_cost=12.25, user_id=7)]
    cells = dict(zip(CSV_COLUMNS, parse_csv(access_review_csv(rows))[1], strict=True))
    assert (cells["rate"], cells["labor_cost"], cells["user_id"], cells["email"]) == ("-5", "12.25", "7", "")


def test_csv_of_no_rows_is_the_header_alone():
    assert parse_csv(access_review_csv([])) == [CSV_COLUMNS]


@pytest.mark.parametrize("rows", ["text", [1]])
def test_csv_refuses_what_is_not_rows(rows):
    with pytest.raises(AnsibleFilterError, match="access_review_csv expects"):
        access_review_csv(rows)


# -- HTML ---------------------------------------------------------------------------------------


class Page(HTMLParser):
    """Every element with its attributes, the text of each table cell, and inline contents."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.tables = {}
        self.inline = {}
        self.texts = []
        self._table = None
        self._row = None
        self._cell = None
        self._inline = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag == "table":
            self._table = self.tables.setdefault(attrs.get("id"), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = {"attrs": attrs, "text": ""}
            self._row.append(self._cell)
        elif tag in ("style", "script"):
            self._inline = tag
            self.inline[tag] = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag in ("td", "th"):
            self._cell = None
        elif tag in ("style", "script"):
            self._inline = None

    def handle_data(self, data):
        if self._inline:
            self.inline[self._inline] += data
        elif self._cell is not None:
            self._cell["text"] += data
        self.texts.append(data)

    def body_rows(self, table):
        return [[cell["text"] for cell in row] for row in self.tables[table][1:]]

    def headings(self, table):
        return [cell["text"] for cell in self.tables[table][0]]


def render(rows=None, **options):
    return access_review_html(access_review_rows(USERS) if rows is None else rows, **options)


def test_the_page_shows_every_row_and_a_summary():
    rows = access_review_rows(USERS)
    page = Page(render(rows, organization="Acme", generated_at="2026-01-02T03:04:05Z"))
    assert page.headings("access") == [
        "Name",
        "Email",
        "User id",
        "Organization role",
        "Status",
        "2FA",
        "Groups",
        "Workspace",
        "Workspace role",
        "Workspace status",
        "Through groups",
        "Rate",
        "Labor cost",
        "Currency",
    ]
    body = page.body_rows("access")
    assert len(body) == len(rows)
    assert body[2] == [
        "Bob Builder",
        "bob@example.com",
        "3",
        "member",
        "joined",
        "no",
        "",
        "Acme HQ",
        "user",
        "joined",
        "",
        "50",
        "30.5",
        "EUR",
    ]
    assert body[5][6] == "" and body[0][6] == "@ops; -x"
    counts = {attrs["id"]: None for tag, attrs in page.elements if tag == "dd"}
    assert set(counts) == {
        "count-people",
        "count-joined",
        "count-invited",
        "count-inactive",
        "count-admins",
        "count-workspaces",
        "count-rows",
    }
    text = "".join(page.texts)
    assert "Access review: Acme" in text and "2026-01-02T03:04:05Z" in text
    for key, count in (("people", 5), ("joined", 3), ("invited", 1), ("inactive", 1), ("admins", 2), ("rows", 6)):
        assert f'<dd id="count-{key}">{count}</dd>' in render(rows)
    assert '<dd id="count-workspaces">2</dd>' in render(rows)


def test_every_value_is_escaped():
    groups = [{"group_id": 9, "name": HOSTILE, "workspaces": [100], "users": [{"user_id": 4, "name": HOSTILE}]}]
    text = render(organization="<b>Acme</b>", groups=groups)
    page = Page(text)
    # The only elements are the page's own: nothing came from the data.
    tags = {tag for tag, _attrs in page.elements}
    page_tags = "html head meta title style body h1 h2 p time dl div dt dd input span table thead tbody tr th td button"
    assert tags <= set(page_tags.split()) | {"script"}
    assert [tag for tag, _attrs in page.elements].count("script") == 1
    assert "img" not in tags and "b" not in tags
    assert page.body_rows("access")[4][0] == HOSTILE
    assert page.body_rows("groups") == [[HOSTILE, "Acme HQ", "1", HOSTILE]]
    assert "<title>Access review: &lt;b&gt;Acme&lt;/b&gt;</title>" in text
    # Attribute values cannot be broken out of either.
    assert not [attrs for _tag, attrs in page.elements if "onerror" in attrs or "src" in attrs or "href" in attrs]


def test_status_classes_come_from_a_fixed_list():
    rows = access_review_rows([member(1, "A", "a@example.com", status='joined" onclick="x')])
    page = Page(render(rows))
    cells = page.tables["access"][1]
    assert cells[4]["attrs"]["class"] == "status status-other"
    assert cells[4]["text"] == 'joined" onclick="x'
    joined = Page(render())
    assert joined.tables["access"][3][4]["attrs"]["class"] == "status status-joined"
    assert joined.tables["access"][1][4]["attrs"]["class"] == "status status-inactive"


def test_the_page_loads_nothing_and_allows_only_its_own_style_and_script():
    page = Page(render())
    policy = [attrs["content"] for tag, attrs in page.elements if attrs.get("http-equiv") == "Content-Security-Policy"]
    assert len(policy) == 1

    def digest(content):
        return base64.b64encode(hashlib.sha256(content.encode("utf-8")).digest()).decode("ascii")

    assert policy[0] == (
        "default-src 'none'; style-src 'sha256-%s'; script-src 'sha256-%s'; base-uri 'none'; form-action 'none'"
        % (digest(page.inline["style"]), digest(page.inline["script"]))
    )
    text = render()
    for reference in ("http://", "https://", "//cdn", "@import", "url("):
        assert reference not in text


def test_numbers_sort_by_their_value_and_headings_say_how():
    page = Page(render())
    headings = page.tables["access"][0]
    numeric = [cell["text"] for cell in headings if cell["attrs"].get("data-type") == "number"]
    assert numeric == ["User id", "Rate", "Labor cost"]
    bob_hq = page.tables["access"][3]
    assert (bob_hq[11]["attrs"]["data-value"], bob_hq[12]["attrs"]["data-value"]) == ("50", "30.5")
    assert page.tables["access"][4][11]["attrs"]["data-value"] == ""


def test_groups_name_their_workspaces_from_the_rows():
    groups = [
        {"group_id": 70, "name": "Engineering", "workspaces": [101, 555], "users": [{"user_id": 3, "name": "Bob"}]},
        {"group_id": 71, "name": "empty", "workspaces": [], "users": []},
    ]
    page = Page(render(groups=groups))
    assert page.headings("groups") == ["Group", "Workspaces", "Members", "Member names"]
    assert page.body_rows("groups") == [["empty", "", "0", ""], ["Engineering", "Acme Labs; workspace 555", "1", "Bob"]]
    assert '<dd id="count-groups">2</dd>' in render(groups=groups)
    assert "The organization has no groups." in render(groups=[])
    assert 'id="groups"' not in render()


def test_the_currency_column_is_shown_only_when_a_row_has_one():
    without = [dict(row, currency=None) for row in access_review_rows(USERS)]
    page = Page(render(without))
    assert "Currency" not in page.headings("access")
    assert len(page.headings("access")) == len(page.tables["access"][1]) == len(COLUMNS) - 1
    assert page.headings("access")[-1] == "Labor cost"


def test_an_organization_without_members_says_so():
    text = render(rows=[])
    assert Page(text).body_rows("access") == []
    assert "The organization has no members." in text


@pytest.mark.parametrize(
    "rows, options",
    [("text", {}), ([1], {}), ([], {"groups": "text"}), ([], {"groups": [1]})],
)
def test_the_page_refuses_what_is_not_rows(rows, options):
    with pytest.raises(AnsibleFilterError, match="access_review_html"):
        access_review_html(rows, **options)
