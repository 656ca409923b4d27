"""--read-lag-ms: eventual consistency, as the live API shows it.

A write (any API request other than GET/HEAD that succeeds) acts on the true state at once,
so a second write is validated against the truth, as the real API does. Reads lag behind:
a read at time t sees the state as it was just before the oldest write that is not yet
visible (made less than N ms before t). So every object a write created, changed or deleted
looks as it did before that write until N ms after it, and then shows the write (and every
write before it).

Implementation: before each write the state is deep-copied; a successful write queues
(visible_at, copy). A read drops the queued entries that have become visible and, if one is
left, is served from the oldest one's copy. Times are the simulator clock's, so moving the
clock forward (POST /_sim/clock) also makes pending writes visible.
"""

import copy
import threading
from collections import deque

from .clock import SimClock
from .state import State

READ_METHODS = ("GET", "HEAD")


def snapshot(state: State) -> State:
    """A deep copy of `state` that shares its lock (locks cannot be copied)."""
    return copy.deepcopy(state, {id(state.lock): state.lock})


class ReadLag:
    def __init__(self, lag_ms: int, clock: SimClock) -> None:
        self.lag_seconds = max(lag_ms, 0) / 1000
        self.clock = clock
        self._pending: deque[tuple[float, State]] = deque()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.lag_seconds > 0

    def before_write(self, state: State) -> State | None:
        """The copy to queue if this write succeeds (None when the lag is off)."""
        return snapshot(state) if self.enabled else None

    def after_write(self, before: State | None, succeeded: bool) -> None:
        if before is None or not succeeded:
            return
        with self._lock:
            self._pending.append((self.clock.time() + self.lag_seconds, before))

    def view(self, state: State) -> State:
        """What a read sees now: the truth, or the state before the oldest invisible write."""
        if not self.enabled:
            return state
        now = self.clock.time()
        with self._lock:
            while self._pending and self._pending[0][0] <= now:
                self._pending.popleft()
            return self._pending[0][1] if self._pending else state

    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()
