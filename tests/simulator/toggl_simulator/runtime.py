"""The running simulator: state plus the machinery around it (clock, log, faults, limits).

One Simulator lives in each Flask app (app.extensions["toggl_simulator"]). POST /_sim/reset
swaps its State for a new one; everything else here survives a reset except the log, the
fault rules and the quota and rate-limit counters, which are cleared.
"""

import threading
from dataclasses import dataclass

from .clock import SimClock
from .consistency import ReadLag
from .faults import TIMEOUT_SECONDS, FaultInjector
from .quota import QuotaTracker
from .ratelimit import LeakyBucketLimiter
from .request_log import RequestLog
from .seed import build_state
from .state import State


@dataclass(frozen=True)
class Settings:
    latency_ms: int = 0
    rate_limit: float = 0.0
    quota: bool = False
    timeout_seconds: float = TIMEOUT_SECONDS
    # "swagger" (default): the API as the official 2026 Swagger documents it; "pages": as the
    # older reference pages describe it (see profiles.py).
    profile: str = "swagger"
    # Eventual consistency: reads see the state before a write until this many ms after it.
    read_lag_ms: int = 0


class Simulator:
    def __init__(self, seed: dict | None, settings: Settings) -> None:
        self.settings = settings
        self.clock = SimClock()
        # One lock for the simulator's whole life: every State built here shares it, so a
        # request that holds it is never racing a reset.
        self.lock = threading.RLock()
        self.state: State = build_state(seed, self.clock.now(), self.lock)
        self.request_log = RequestLog()
        self.faults = FaultInjector()
        self.rate_limiter = LeakyBucketLimiter(settings.rate_limit, self.clock)
        self.quota = QuotaTracker(self.clock)
        self.read_lag = ReadLag(settings.read_lag_ms, self.clock)

    def reset(self, seed: dict | None) -> None:
        """Replaces all state (raises SeedError, changing nothing, if the seed is bad)."""
        with self.lock:
            self.state = build_state(seed, self.clock.now(), self.lock)
            self.request_log.clear()
            self.faults.clear()
            self.quota.clear()
            self.rate_limiter.clear()
            self.read_lag.clear()
