"""Credentials: stripped of surrounding whitespace before use, and masked in every form a message
can carry them (as given, stripped, escaped in a repr of text or bytes, in JSON, base64 in the
Basic authorization header)."""

import base64
import json

import pytest
from ansible.module_utils.basic import remove_values

from ansible_collections.trackops.toggl.plugins.module_utils.client import (
    REDACTED,
    TogglClient,
    clean_secret,
    redact,
    secret_forms,
)
from ansible_collections.trackops.toggl.plugins.module_utils.errors import TogglApiError, TogglConfigError
from ansible_collections.trackops.toggl.plugins.module_utils.module import guard_secrets

TOKEN = "tok-SECRET-9d41c2e7"
FOCUS_KEY = "toggl_sk_SECRET-5a0e8b"
PASSWORD = "pw-SECRET-73c1"
EMAIL = "owner@example.com"


def b64(text):
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def forms(secret, pair=None):
    """Written out by hand, independently of client.secret_forms."""
    stripped = secret.strip()
    found = {secret, stripped, repr(secret)[1:-1], repr(secret.encode("utf-8"))[2:-1]}
    found.add(repr(("Bearer " + secret).encode("utf-8"))[2:-1].split(" ", 1)[1])
    if pair:
        found.update({b64(pair % stripped), b64(pair % stripped).rstrip("=")})
    return found


def assert_hidden(text, *secrets_and_pairs):
    for secret, pair in secrets_and_pairs:
        for form in forms(secret, pair):
            assert form not in text, "shows %r" % form


@pytest.mark.parametrize(
    "value, cleaned",
    [(" tok \n", "tok"), ("toggl_sk_x\n", "toggl_sk_x"), ("\t\n ", None), ("", None), (None, None), ("a b", "a b")],
)
def test_clean_secret(value, cleaned):
    assert clean_secret(value) == cleaned


def test_the_token_and_the_focus_key_are_sent_stripped(server):
    server.reply(200, {"id": 1})
    server.reply(200, [])
    client = TogglClient(
        api_url=server.url,
        api_token="  %s\n" % TOKEN,
        focus_api_url=server.url,
        focus_api_key="%s\n" % FOCUS_KEY,  # a YAML block scalar ends in a newline
    )
    client.get("/me")
    client.get("/organizations/1/roles", service="focus")
    assert server.received[0]["headers"]["Authorization"] == "Basic " + b64(TOKEN + ":api_token")
    assert server.received[1]["headers"]["Authorization"] == "Bearer " + FOCUS_KEY


def test_the_password_is_sent_stripped(server):
    server.reply(200, {"id": 1})
    client = TogglClient(api_url=server.url, api_username=" %s\n" % EMAIL, api_password="%s\n" % PASSWORD)
    client.get("/me")
    assert server.received[0]["headers"]["Authorization"] == "Basic " + b64("%s:%s" % (EMAIL, PASSWORD))


def test_a_token_of_whitespace_only_is_no_token():
    with pytest.raises(TogglConfigError, match="no Toggl credentials"):
        TogglClient(api_url="http://127.0.0.1:9", api_token=" \n")


def test_secret_forms_cover_each_way_a_secret_is_written():
    found = set(secret_forms({"api_token": TOKEN + "\n", "api_username": EMAIL, "api_password": " " + PASSWORD}))
    assert forms(TOKEN + "\n", "%s:api_token") <= found
    assert forms(" " + PASSWORD, EMAIL + ":%s") <= found
    assert EMAIL not in found, "the e-mail alone is no secret"
    ordered = secret_forms({"api_token": TOKEN + "\n"})
    assert ordered == sorted(ordered, key=len, reverse=True), "longest first, so no form is half masked"


def test_non_ascii_secrets_are_masked_in_their_escaped_forms():
    secret = "tok-\u00e4\u00f6-SECRET"
    masked = secret_forms({"api_token": secret})
    for text in (
        repr(secret.encode("utf-8")),  # b'tok-\xc3\xa4\xc3\xb6-SECRET'
        json.dumps(secret),  # "tok-\u00e4\u00f6-SECRET"
        "Basic " + b64(secret + ":api_token"),
        secret,
    ):
        assert "SECRET" not in redact(text, masked), text


def test_a_key_with_a_newline_inside_cannot_be_sent_and_is_not_shown(server):
    key = "toggl_sk_SECRET\n-5a0e8b"  # not only at the end: stripping cannot help
    client = TogglClient(api_url=server.url, api_token=TOKEN, focus_api_url=server.url, focus_api_key=key)
    with pytest.raises(TogglApiError) as caught:
        client.get("/organizations/1/roles", service="focus")
    message = str(caught.value)
    assert message.startswith("GET /organizations/1/roles failed: cannot send the credentials (")
    assert message.endswith(": check focus_api_key (env TOGGL_FOCUS_API_KEY)")
    assert REDACTED in message, "requests quoted the header; the key in it is masked"
    assert "SECRET" not in message
    assert_hidden(message, (key, None))
    assert server.received == [], "nothing was sent"


def test_an_api_message_quoting_the_token_is_masked(server):
    server.reply(400, json.dumps("bad token %s given, header Basic %s" % (TOKEN, b64(TOKEN + ":api_token"))))
    client = TogglClient(api_url=server.url, api_token=TOKEN + "\n")
    with pytest.raises(TogglApiError) as caught:
        client.get("/me")
    assert_hidden(str(caught.value), (TOKEN, "%s:api_token"))
    assert_hidden(caught.value.api_message, (TOKEN, "%s:api_token"))
    assert "SECRET" not in str(caught.value)


class FakeModule:
    def __init__(self, **params):
        self.params = dict(dict.fromkeys(("api_token", "api_username", "api_password", "focus_api_key")), **params)
        self.no_log_values = set()


def test_the_module_masks_every_form_and_strips_the_options():
    module = FakeModule(
        api_token=" %s\n" % TOKEN, api_username=EMAIL + "\n", api_password=PASSWORD + "\n", focus_api_key=FOCUS_KEY
    )
    guard_secrets(module)
    assert (module.params["api_token"], module.params["api_password"]) == (TOKEN, PASSWORD)
    assert (module.params["focus_api_key"], module.params["api_username"]) == (FOCUS_KEY, EMAIL)

    # What Ansible's exit_json/fail_json would return, from a message holding every form.
    message = " | ".join(
        [
            "header value: %r" % ("Bearer %s\n" % FOCUS_KEY).encode(),
            "header value: %r" % ("Bearer %s" % FOCUS_KEY).encode(),
            "Authorization: Basic " + b64(TOKEN + ":api_token"),
            "Authorization: Basic " + b64("%s:%s" % (EMAIL, PASSWORD)),
            "token %r" % (" %s\n" % TOKEN),
            "raw ' %s\n'" % TOKEN,
            json.dumps({"password": PASSWORD + "\n"}),
            "user " + EMAIL,
        ]
    )
    returned = remove_values({"msg": message, "nested": [message]}, module.no_log_values)
    for text in (returned["msg"], returned["nested"][0]):
        assert "SECRET" not in text, text
        assert text.count(REDACTED) >= 7
    assert EMAIL in returned["msg"], "only secrets are masked"


def test_the_module_leaves_absent_options_absent():
    module = FakeModule(api_token=TOKEN)
    guard_secrets(module)
    assert module.params["focus_api_key"] is None and module.params["api_password"] is None
    assert TOKEN in module.no_log_values
