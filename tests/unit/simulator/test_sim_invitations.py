"""Invitations: validation, pending members, acceptance through the control endpoint."""

import pytest


def _invite(api, org_id=10, **body):
    payload = {"emails": ["new@example.com"], "workspaces": [{"workspace_id": 100}]}
    payload.update(body)
    return api.post(f"/organizations/{org_id}/invitations", json=payload)


def test_invite_unknown_email_creates_pending_member(api):
    response = _invite(api, workspaces=[{"workspace_id": 100, "role": "projectlead"}], groups=[200])
    assert response.status_code == 200
    result = response.get_json()
    assert result["data"][0]["email"] == "new@example.com"
    assert result["invitations"][0]["organization_name"] == "Acme"
    invitation_id = result["data"][0]["invitation_id"]

    invited = api.get("/organizations/10/users", query={"active_status": "invited"}).get_json()
    assert [u["email"] for u in invited] == ["new@example.com"]
    assert invited[0]["joined"] is False and invited[0]["invitation_id"] == invitation_id
    ws_user = next(
        u
        for u in api.get("/organizations/10/workspaces/100/workspace_users").get_json()
        if u["email"] == "new@example.com"
    )
    assert ws_user["active"] is False and ws_user["role"] == "projectlead"
    group = api.get("/organizations/10/groups").get_json()[0]
    assert {"joined": False}.items() <= next(u for u in group["users"] if u["name"] == "new@example.com").items()

    # A pending account cannot log in; accepting gives it a token.
    accepted = api.post("/_sim/invitations/accept", token=None, json={"email": "new@example.com"})
    assert accepted.status_code == 200
    token = accepted.get_json()["api_token"]
    assert api.get("/me", token=token).status_code == 200
    joined = api.get("/organizations/10/users", query={"filter": "new@"}).get_json()[0]
    assert joined["joined"] is True and joined["invitation_id"] is None


def test_accept_without_invitation_is_404(api):
    response = api.post("/_sim/invitations/accept", token=None, json={"email": "nobody@example.com"})
    assert response.status_code == 404


def test_invite_existing_account(api):
    response = _invite(api, emails=["outsider@example.com"])
    assert response.status_code == 200
    assert response.get_json()["data"][0]["recipient_id"] == 5
    assert api.get("/organizations/10", token="tok-out").status_code == 404  # not joined yet
    api.post("/_sim/invitations/accept", token=None, json={"email": "outsider@example.com"})
    assert api.get("/organizations/10", token="tok-out").status_code == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"emails": []}, "at least one email is required"),
        ({"workspaces": []}, "at least one workspace is required"),
        ({"emails": [""]}, "Missing e-mail"),
        ({"emails": ["not-an-email"]}, "Invalid e-mail: 'not-an-email'"),
        ({"workspaces": [{"workspace_id": 300}]}, "invalid workspace ID"),
        (
            {"workspaces": [{"workspace_id": 100, "admin": True, "role_id": 10}]},
            "Cannot use both admin flags and role_id.",
        ),
        ({"emails": "x@example.com"}, "Invalid JSON input"),
    ],
)
def test_invitation_errors(api, body, message):
    before = len(api.simulator.state.organization_users)
    response = _invite(api, **body)
    assert response.status_code == 400
    assert response.get_json() == message
    assert len(api.simulator.state.organization_users) == before


def test_free_plan_active_user_limit(api):
    emails = [f"p{n}@example.com" for n in range(4)]  # 2 members + 4 > 5
    response = _invite(api, org_id=20, emails=emails, workspaces=[{"workspace_id": 300}])
    assert response.status_code == 400
    assert response.get_json() == "Active user limit is 5. Upgrade to add more active users"
    ok = _invite(api, org_id=20, emails=emails[:3], workspaces=[{"workspace_id": 300}])
    assert ok.status_code == 200


def test_inviting_inactive_member_is_refused(api):
    items = api.get("/organizations/10/users").get_json()
    bob = next(u["id"] for u in items if u["email"] == "bob@example.com")
    api.put(f"/organizations/10/users/{bob}", json={"inactive": True})
    response = _invite(api, emails=["bob@example.com"])
    assert response.get_json() == "User with e-mail 'bob@example.com' is already an inactive member of the organization"


def test_resend(api):
    invitation_id = _invite(api).get_json()["data"][0]["invitation_id"]
    assert api.put(f"/organizations/10/invitations/{invitation_id}/resend").status_code == 200
    missing = api.put("/organizations/10/invitations/999999/resend")
    assert missing.status_code == 404 and missing.get_json() == "Invitation code not found"
    mismatch = api.put(f"/organizations/20/invitations/{invitation_id}/resend")
    assert mismatch.get_json() == "Organization ID and invitation organization ID mismatch"
