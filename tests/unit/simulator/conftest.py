"""Fixtures for the simulator's own unit tests: a Flask test client per test, no network."""

import copy
import sys
from pathlib import Path

import pytest

# The helpers module sits beside this file; make it importable whatever pytest's import mode.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from simulator_helpers import BASE_SEED, Api  # noqa: E402
from toggl_simulator.app import create_app  # noqa: E402


@pytest.fixture
def seed() -> dict:
    return copy.deepcopy(BASE_SEED)


@pytest.fixture(scope="session")
def shared_app():
    """One app for the whole session: building one compiles ~70 routes, resetting is cheap."""
    return create_app(copy.deepcopy(BASE_SEED))


@pytest.fixture
def make_api(shared_app):
    """make_api(seed=None, **settings): an Api on that seed (the base seed by default).

    Without settings it reuses the shared app after POST /_sim/reset-style reset; with settings
    (quota=True, rate_limit=..., latency_ms=..., timeout_seconds=...) it builds a fresh app,
    which also starts with a fresh clock.
    """

    def factory(seed=None, **settings) -> Api:
        seed = copy.deepcopy(BASE_SEED if seed is None else seed)
        if settings:
            return Api(create_app(seed, **settings))
        api = Api(shared_app)
        api.simulator.reset(seed)
        return api

    return factory


@pytest.fixture
def api(make_api) -> Api:
    return make_api()
