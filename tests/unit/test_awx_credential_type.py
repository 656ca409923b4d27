"""The AWX / Automation Platform credential type shipped in playbooks/files/toggl_credential_type.yml.

AWX cannot run here, so this checks the definition against the rules AWX applies when a custom
credential type is saved (restated from AWX's CredentialTypeInputField and
CredentialTypeInjectorField validation), and renders its injectors the way AWX does when a job
starts: only the inputs stored in the credential are in the template namespace, so a field left
empty renders as an empty string.
"""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible_collections.trackops.toggl.plugins.module_utils.client import DEFAULT_API_URL
from ansible_collections.trackops.toggl.plugins.module_utils.module import toggl_argument_spec

ROOT = Path(__file__).resolve().parents[2]
CREDENTIAL_TYPE = ROOT / "playbooks" / "files" / "toggl_credential_type.yml"

# What AWX accepts as `inputs` of a custom credential type.
AWX_INPUTS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "required": {"type": "array", "items": {"type": "string"}},
        "fields": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"enum": ["string", "boolean"]},
                    "format": {"enum": ["ssh_private_key", "url"]},
                    "choices": {"type": "array", "minItems": 1, "items": {"type": "string"}, "uniqueItems": True},
                    "id": {"type": "string", "pattern": "^[a-zA-Z_]+[a-zA-Z0-9_]*$"},
                    "label": {"type": "string"},
                    "help_text": {"type": "string"},
                    "multiline": {"type": "boolean"},
                    "secret": {"type": "boolean"},
                    "ask_at_runtime": {"type": "boolean"},
                    "default": {},
                },
                "additionalProperties": False,
                "required": ["id", "label"],
            },
        },
    },
}

# What AWX accepts as `injectors`: environment variable names of the shell's portable character
# set with ASCII values, extra vars, and file templates.
AWX_INJECTORS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "file": {
            "type": "object",
            "patternProperties": {r"^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$": {"type": "string"}},
            "additionalProperties": False,
        },
        "env": {
            "type": "object",
            "patternProperties": {"^[a-zA-Z_]+[a-zA-Z0-9_]*$": {"type": "string", "pattern": r"^[\x00-\x7F]*$"}},
            "additionalProperties": False,
        },
        "extra_vars": {
            "type": "object",
            "patternProperties": {"^[a-zA-Z_]+[a-zA-Z0-9_]*$": {"type": "string"}},
            "additionalProperties": False,
        },
    },
}

# The awx.awx.credential_type options the playbook passes from this file.
CREDENTIAL_TYPE_OPTIONS = {"name", "description", "kind", "inputs", "injectors"}


@pytest.fixture(scope="module")
def credential_type() -> dict:
    with CREDENTIAL_TYPE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def fields_of(credential_type: dict) -> dict:
    return {field["id"]: field for field in credential_type["inputs"]["fields"]}


def job_environment(credential_type: dict, credential_inputs: dict) -> dict:
    """The environment variables AWX sets for a job that uses a credential with these inputs."""
    namespace = {key: value for key, value in credential_inputs.items() if value != ""}
    sandbox = ImmutableSandboxedEnvironment()
    return {
        name: sandbox.from_string(template).render(**namespace)
        for name, template in credential_type["injectors"].get("env", {}).items()
    }


def test_holds_exactly_the_options_of_awx_credential_type(credential_type):
    assert set(credential_type) == CREDENTIAL_TYPE_OPTIONS
    assert credential_type["name"] == "Toggl Track API"
    # Only cloud and net may be chosen for a custom type; a SaaS API token is "cloud".
    assert credential_type["kind"] == "cloud"
    assert credential_type["description"].strip()


def test_inputs_are_valid_for_awx(credential_type):
    inputs = credential_type["inputs"]
    jsonschema.validate(inputs, AWX_INPUTS_SCHEMA)
    ids = [field["id"] for field in inputs["fields"]]
    assert len(ids) == len(set(ids)), ids
    assert "tower" not in ids, "AWX reserves the field name tower"
    assert set(inputs.get("required", [])) <= set(ids)
    for field in inputs["fields"]:
        if "default" in field:
            expected_type = {"string": str, "boolean": bool}[field.get("type", "string")]
            assert isinstance(field["default"], expected_type), field


def test_api_token_is_a_required_secret_and_api_url_is_optional(credential_type):
    fields = fields_of(credential_type)
    assert set(fields) == {"api_token", "api_url"}
    assert fields["api_token"]["secret"] is True
    assert credential_type["inputs"]["required"] == ["api_token"]
    assert fields["api_url"].get("secret", False) is False
    # The form pre-fills the URL the modules use when nothing is set.
    assert fields["api_url"]["default"] == DEFAULT_API_URL


def test_injectors_are_valid_for_awx(credential_type):
    injectors = credential_type["injectors"]
    jsonschema.validate(injectors, AWX_INJECTORS_SCHEMA)
    for name in injectors.get("env", {}):
        assert not name.startswith("ANSIBLE_"), "AWX refuses environment variables that configure Ansible"
    # AWX renders every template with each defined field set, failing on any other name.
    namespace = dict.fromkeys(fields_of(credential_type), "EXAMPLE")
    strict = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for kind, templates in injectors.items():
        for key, template in templates.items():
            strict.from_string(template).render(**namespace)  # raises on an undefined field
            assert re.search(r"\{\{.*\}\}", template), f"{kind}.{key} injects no input"


def test_injects_the_variables_the_modules_read(credential_type):
    spec = toggl_argument_spec()
    module_variables = {option: spec[option]["fallback"][1] for option in ("api_token", "api_url")}
    assert module_variables == {"api_token": ["TOGGL_API_TOKEN"], "api_url": ["TOGGL_API_URL"]}
    assert set(credential_type["injectors"]["env"]) == {"TOGGL_API_TOKEN", "TOGGL_API_URL"}
    assert "extra_vars" not in credential_type["injectors"], "the token must not become a visible extra var"


@pytest.mark.parametrize(
    ("credential_inputs", "expected"),
    [
        pytest.param(
            {"api_token": "0123abcd"},
            {"TOGGL_API_TOKEN": "0123abcd", "TOGGL_API_URL": DEFAULT_API_URL},
            id="token only: the real API",
        ),
        pytest.param(
            {"api_token": "0123abcd", "api_url": ""},
            {"TOGGL_API_TOKEN": "0123abcd", "TOGGL_API_URL": DEFAULT_API_URL},
            id="URL left empty: the real API",
        ),
        pytest.param(
            {"api_token": "0123abcd", "api_url": "http://127.0.0.1:8765/api/v9"},
            {"TOGGL_API_TOKEN": "0123abcd", "TOGGL_API_URL": "http://127.0.0.1:8765/api/v9"},
            id="another endpoint",
        ),
    ],
)
def test_job_environment(credential_type, credential_inputs, expected):
    assert job_environment(credential_type, credential_inputs) == expected
