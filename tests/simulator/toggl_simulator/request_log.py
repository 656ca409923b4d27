"""The log of API requests that GET /_sim/requests returns, oldest first.

An entry is added when the request arrives (so the order is arrival order, and a request
held by a "timeout" fault is visible at once) and its status is filled in when it is known.
"""

import json
import threading


class RequestLog:
    def __init__(self) -> None:
        self._entries: list[dict] = []
        self._lock = threading.Lock()

    def start(self, method: str, path: str, query: dict, raw_body: bytes, token: str | None) -> dict:
        entry = {
            "method": method,
            "path": path,
            "query": query,
            "body": _parse_json(raw_body),
            "status": None,
            "token": token,
        }
        with self._lock:
            self._entries.append(entry)
        return entry

    def finish(self, entry: dict, status) -> None:
        with self._lock:
            entry["status"] = status

    def entries(self) -> list[dict]:
        with self._lock:
            return [dict(entry) for entry in self._entries]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _parse_json(raw_body: bytes):
    if not raw_body:
        return None
    try:
        return json.loads(raw_body)
    except (ValueError, UnicodeDecodeError):
        return None
