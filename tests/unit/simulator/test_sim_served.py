"""serve.py as a real process: the ready line, a request, "reset", "timeout" and "lost" faults, the
Date header, --profile and --read-lag-ms through with_simulator.Simulator, SIGTERM."""

import json
import re
import subprocess
import sys
import time
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
import requests

SERVE = Path(__file__).resolve().parents[2] / "simulator" / "serve.py"
sys.path.insert(0, str(SERVE.parent))
from with_simulator import Simulator  # noqa: E402

READY = re.compile(r"^toggl-simulator listening on (http://127\.0\.0\.1:(\d+))$")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    seed_file = tmp_path_factory.mktemp("seed") / "seed.json"
    seed_file.write_text(
        json.dumps(
            {
                "users": [{"id": 1, "email": "o@example.com", "fullname": "O", "api_token": "tok-o"}],
                "organizations": [
                    {
                        "id": 10,
                        "name": "Served",
                        "plan": "starter",
                        "owner": 1,
                        "workspaces": [{"id": 100, "name": "W", "users": [{"user_id": 1, "role": "admin"}]}],
                    }
                ],
            }
        )
    )
    process = subprocess.Popen(
        [sys.executable, str(SERVE), "--port", "0", "--seed", str(seed_file)],
        cwd=tmp_path_factory.mktemp("cwd"),  # works from any directory
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = process.stdout.readline().rstrip("\n")
    match = READY.match(line)
    assert match, line
    yield process, match.group(1)
    if process.poll() is None:
        process.kill()
        process.wait()


def test_ready_line_and_a_request(served):
    process, url = served
    response = requests.get(f"{url}/api/v9/me", auth=("tok-o", "api_token"), timeout=5)
    assert response.status_code == 200 and response.json()["email"] == "o@example.com"
    assert requests.get(f"{url}/api/v9/me", timeout=5).status_code == 401


def test_reset_fault_drops_the_connection(served):
    _process, url = served
    requests.post(f"{url}/_sim/faults", json=[{"method": "GET", "path": "/me$", "status": "reset"}], timeout=5)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/api/v9/me", auth=("tok-o", "api_token"), timeout=5)
    assert requests.get(f"{url}/api/v9/me", auth=("tok-o", "api_token"), timeout=5).status_code == 200


def test_timeout_fault_does_not_answer(served):
    _process, url = served
    requests.post(f"{url}/_sim/faults", json=[{"path": "/workspaces/100$", "status": "timeout"}], timeout=5)
    with pytest.raises(requests.Timeout):
        requests.get(f"{url}/api/v9/workspaces/100", auth=("tok-o", "api_token"), timeout=1)
    log = requests.get(f"{url}/_sim/requests", timeout=5).json()
    assert log[-1]["path"] == "/api/v9/workspaces/100" and log[-1]["status"] == "timeout"
    # Other requests are served meanwhile (threaded server).
    assert requests.get(f"{url}/api/v9/me", auth=("tok-o", "api_token"), timeout=5).status_code == 200


def test_lost_fault_applies_the_write_and_drops_the_answer(served):
    _process, url = served
    auth = ("tok-o", "api_token")
    rule = [{"method": "POST", "path": "/organizations/10/groups$", "status": "lost"}]
    requests.post(f"{url}/_sim/faults", json=rule, timeout=5)
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{url}/api/v9/organizations/10/groups", json={"name": "Lost"}, auth=auth, timeout=5)
    groups = requests.get(f"{url}/api/v9/organizations/10/groups", auth=auth, timeout=5).json()
    assert [g["name"] for g in groups] == ["Lost"]


def test_date_header_on_the_wire(served):
    _process, url = served
    response = requests.get(f"{url}/api/v9/me", auth=("tok-o", "api_token"), timeout=5)
    assert len(response.raw.headers.getlist("Date")) == 1
    moment = parsedate_to_datetime(response.headers["Date"])
    assert abs(moment.timestamp() - time.time()) < 5


def _assignments_status(simulator, auth):
    workspace = requests.get(f"{simulator.api_url}/me/workspaces", auth=auth, timeout=5).json()[0]
    path = f"/organizations/{workspace['organization_id']}/workspaces/{workspace['id']}/assignments"
    return requests.put(f"{simulator.api_url}{path}", json={}, auth=auth, timeout=5).status_code


def test_simulator_class_passes_profile_and_read_lag(tmp_path):
    auth = ("tok-owner", "api_token")
    with Simulator(profile="pages", read_lag_ms=400, log_path=tmp_path / "sim.log") as simulator:
        assert simulator.args[-4:] == ["--profile", "pages", "--read-lag-ms", "400"]
        assert _assignments_status(simulator, auth) == 400  # pages: served (the empty body is refused)
        organization_id = requests.get(f"{simulator.api_url}/me/organizations", auth=auth, timeout=5).json()[0]["id"]
        groups_url = f"{simulator.api_url}/organizations/{organization_id}/groups"
        created = requests.post(groups_url, json={"name": "Lagged"}, auth=auth, timeout=5)
        assert created.status_code == 200, created.text

        def names():
            return [g["name"] for g in requests.get(groups_url, auth=auth, timeout=5).json()]

        assert "Lagged" not in names()
        time.sleep(0.5)
        assert "Lagged" in names()
    with Simulator(log_path=tmp_path / "sim2.log") as simulator:  # default: the swagger profile
        assert _assignments_status(simulator, auth) == 404


def test_sigterm_exits_zero_and_prints_nothing_more(served):
    process, _url = served
    process.terminate()
    assert process.wait(timeout=10) == 0
    assert process.stdout.read() == ""


def test_bad_seed_exits_non_zero(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"users": [], "organizations": [{"id": 1, "name": "X", "owner": 99}]}))
    result = subprocess.run(
        [sys.executable, str(SERVE), "--seed", str(bad)], capture_output=True, text=True, check=False, timeout=30
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert "seed" in result.stderr
