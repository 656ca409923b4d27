"""Track reminders as toggl_track_reminder relies on them: the Swagger's fields, full-body PUT,
access rules."""


def create(api, token="tok-owner", **body):
    payload = {"frequency": 1, "threshold": 8, "user_ids": [3]}
    payload.update(body)
    return api.post("/workspaces/100/track_reminders", json=payload, token=token)


def test_reminders_carry_the_swaggers_notification_flags(api):
    reminder = create(api, email_reminder_enabled=False, slack_reminder_enabled=True).get_json()
    assert set(reminder) == {
        "reminder_id",
        "workspace_id",
        "frequency",
        "threshold",
        "user_ids",
        "group_ids",
        "email_reminder_enabled",
        "slack_reminder_enabled",
        "created_at",
    }
    assert (reminder["email_reminder_enabled"], reminder["slack_reminder_enabled"]) == (False, True)


def test_a_full_body_put_replaces_recipients_and_settings(api):
    reminder = create(api, user_ids=[2, 3]).get_json()
    body = {
        "user_ids": [],
        "group_ids": [200],
        "frequency": 7,
        "threshold": 30,
        "email_reminder_enabled": False,
        "slack_reminder_enabled": True,
    }
    updated = api.put(f"/workspaces/100/track_reminders/{reminder['reminder_id']}", json=body).get_json()
    assert {key: updated[key] for key in body} == body
    assert api.get("/workspaces/100/track_reminders").get_json() == [updated]


def test_recipients_are_kept_as_sets(api):
    reminder = create(api, user_ids=[3, 2, 3]).get_json()
    assert reminder["user_ids"] == [2, 3]


def test_a_put_that_empties_the_recipients_is_refused_and_changes_nothing(api):
    reminder = create(api).get_json()
    response = api.put(
        f"/workspaces/100/track_reminders/{reminder['reminder_id']}", json={"user_ids": [], "group_ids": []}
    )
    assert (response.status_code, response.get_json()) == (400, "user_ids or group_ids must be provided")
    assert api.get("/workspaces/100/track_reminders").get_json() == [reminder]


def test_members_read_admins_write(api):
    reminder = create(api).get_json()
    assert api.get("/workspaces/100/track_reminders", token="tok-bob").status_code == 200
    for response in (
        create(api, token="tok-bob"),
        api.put(f"/workspaces/100/track_reminders/{reminder['reminder_id']}", json={"threshold": 1}, token="tok-bob"),
        api.delete(f"/workspaces/100/track_reminders/{reminder['reminder_id']}", token="tok-bob"),
    ):
        assert (response.status_code, response.get_json()) == (403, "User does not have access to this resource.")
    outsider = api.get("/workspaces/100/track_reminders", token="tok-out")
    assert outsider.status_code == 403
    assert api.get("/workspaces/100/track_reminders").get_json() == [reminder]


def test_reminders_are_per_workspace(api):
    reminder = create(api).get_json()
    other = api.put(f"/workspaces/101/track_reminders/{reminder['reminder_id']}", json={"threshold": 2})
    assert (other.status_code, other.get_json()) == (404, "Track reminder not found")
    assert api.get("/workspaces/101/track_reminders").get_json() == []
