"""Fixtures for the simulator's own unit tests: a Flask test client per test, no network."""

import copy
import dataclasses
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
    """make_api(seed=None, profile="swagger", **settings): an Api on that seed (the base seed by
    default) in that API profile.

    Without settings it reuses the shared app after POST /_sim/reset-style reset; with settings
    (quota=True, rate_limit=..., latency_ms=..., timeout_seconds=..., read_lag_ms=...) it builds
    a fresh app, which also starts with a fresh clock.
    """

    def factory(seed=None, profile="swagger", **settings) -> Api:
        seed = copy.deepcopy(BASE_SEED if seed is None else seed)
        if settings:
            return Api(create_app(seed, profile=profile, **settings))
        api = Api(shared_app)
        api.simulator.reset(seed)
        api.simulator.settings = dataclasses.replace(api.simulator.settings, profile=profile)
        return api

    return factory


@pytest.fixture
def api(make_api) -> Api:
    return make_api()


@pytest.fixture
def pages_api(make_api) -> Api:
    """An Api in the pages profile (the older reference pages' behaviour).

    It shares the session app with `api`, so a test takes one of them, not both; a test that
    needs both profiles at once calls make_api(..., profile="pages", rate_limit=0) for a
    separate app."""
    return make_api(profile="pages")


@pytest.fixture(params=["swagger", "pages"])
def any_api(request, make_api) -> Api:
    """The same test in both profiles (for behaviour both share)."""
    return make_api(profile=request.param)
