"""The simulator's clock: wall time plus an offset that POST /_sim/clock moves forward.

Quota windows, rate-limit buckets, rate start dates and timestamps all read this clock, so a
test can jump an hour ahead instead of waiting for it.
"""

import threading
import time
from datetime import UTC, datetime


class SimClock:
    def __init__(self) -> None:
        self._offset_seconds = 0.0
        self._lock = threading.Lock()

    def time(self) -> float:
        """Seconds since the epoch, as time.time() would say after the advances so far."""
        with self._lock:
            return time.time() + self._offset_seconds

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=UTC)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset_seconds += seconds

    @property
    def offset_seconds(self) -> float:
        with self._lock:
            return self._offset_seconds


def isoformat(moment: datetime | None) -> str | None:
    """Timestamps the way the API writes them: RFC 3339, UTC, second precision."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> datetime:
    """Reads an RFC 3339 timestamp or a plain date; raises ValueError otherwise."""
    normalized = text.strip()
    if normalized.endswith("Z"):
        normalized = normalized[:-1] + "+00:00"
    moment = datetime.fromisoformat(normalized)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
