"""Leaky-bucket rate limit per credential (--rate-limit R).

Each token has a bucket that holds R requests and drains at R per second; a request that
would overflow it is answered 429 with Retry-After (whole seconds until there is room).
"""

import math
import threading
from dataclasses import dataclass

from .clock import SimClock


@dataclass
class _Bucket:
    level: float
    updated_at: float


class LeakyBucketLimiter:
    def __init__(self, requests_per_second: float, clock: SimClock) -> None:
        self.rate = requests_per_second
        self.capacity = max(1.0, requests_per_second)
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def admit(self, key: str) -> int | None:
        """None when the request may go on, else the Retry-After seconds to answer with."""
        if not self.enabled:
            return None
        now = self.clock.time()
        with self._lock:
            bucket = self._buckets.setdefault(key, _Bucket(0.0, now))
            drained = max(0.0, now - bucket.updated_at) * self.rate
            bucket.level = max(0.0, bucket.level - drained)
            bucket.updated_at = now
            if bucket.level + 1 > self.capacity:
                overflow = bucket.level + 1 - self.capacity
                return max(1, math.ceil(overflow / self.rate))
            bucket.level += 1
            return None

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()
