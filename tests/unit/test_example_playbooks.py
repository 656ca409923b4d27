"""The example playbooks in playbooks/ show the intended way to give the connection options.

Every play that uses a module or role of trackops.toggl sets them once, in
`module_defaults: {group/trackops.toggl.toggl: ...}`, not per task: the action group reaches every
module of the collection (tests/unit/test_collection_meta.py keeps it complete).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOKS = sorted((ROOT / "playbooks").glob("*.yml"))
GROUP = "group/trackops.toggl.toggl"
# The options every module shares (plugins/doc_fragments/toggl.py); a task should not repeat them.
CONNECTION_OPTIONS = {"api_token", "api_username", "api_password", "api_url", "focus_api_url", "focus_api_key"}
TASK_LISTS = ("pre_tasks", "tasks", "post_tasks", "handlers")
BLOCK_PARTS = ("block", "rescue", "always")


def plays_of(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    # An inventory or a vars file beside the playbooks is a mapping, not a list of plays.
    if not isinstance(data, list):
        return []
    return [play for play in data if isinstance(play, dict) and "hosts" in play]


def tasks_in(entries) -> list[dict]:
    found = []
    for entry in entries or []:
        if any(part in entry for part in BLOCK_PARTS):
            for part in BLOCK_PARTS:
                found.extend(tasks_in(entry.get(part)))
        else:
            found.append(entry)
    return found


def collection_tasks(play: dict) -> list[tuple[str, dict]]:
    """(action, task) for every task of the play that calls trackops.toggl."""
    calls = []
    for task_list in TASK_LISTS:
        for task in tasks_in(play.get(task_list)):
            for key in task:
                if key.startswith("trackops.toggl."):
                    calls.append((key, task))
    return calls


def uses_collection_roles(play: dict) -> bool:
    roles = [role if isinstance(role, str) else role.get("role") or role.get("name") for role in play.get("roles", [])]
    return any(str(role).startswith("trackops.toggl.") for role in roles)


def playbooks_using_the_collection() -> list[Path]:
    return [
        path
        for path in PLAYBOOKS
        if any(collection_tasks(play) or uses_collection_roles(play) for play in plays_of(path))
    ]


def test_there_are_example_playbooks():
    assert ROOT / "playbooks" / "demo.yml" in playbooks_using_the_collection()


@pytest.mark.parametrize("path", playbooks_using_the_collection(), ids=lambda path: path.name)
def test_every_play_sets_the_connection_through_module_defaults(path):
    for play in plays_of(path):
        if not (collection_tasks(play) or uses_collection_roles(play)):
            continue
        defaults = play.get("module_defaults") or {}
        assert GROUP in defaults, f"{path.name}: play {play.get('name')!r} lacks module_defaults {GROUP}"
        assert set(defaults[GROUP]) & CONNECTION_OPTIONS, f"{path.name}: {GROUP} sets no connection option"


@pytest.mark.parametrize("path", playbooks_using_the_collection(), ids=lambda path: path.name)
def test_no_task_repeats_a_connection_option(path):
    for play in plays_of(path):
        for action, task in collection_tasks(play):
            repeated = sorted(set(task[action] or {}) & CONNECTION_OPTIONS)
            assert repeated == [], f"{path.name}: task {task.get('name')!r} sets {repeated}; use {GROUP}"
