"""The simulator's command line: `python tests/simulator/serve.py ...` and, installed as a
package (`pip install ./tests/simulator`), the `toggl-simulator` command.

    toggl-simulator [--host 127.0.0.1] [--port 0] [--seed FILE]
        [--latency-ms N] [--rate-limit R] [--quota] [--profile swagger|pages] [--read-lag-ms N]

Prints exactly one line, `toggl-simulator listening on http://HOST:PORT`, once the socket
accepts connections, then serves until SIGTERM or SIGINT and exits 0.
"""

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from .app import create_app
from .profiles import PROFILES
from .seed import SeedError


class RequestHandler(WSGIRequestHandler):
    """Leaves the Date header to the app, which stamps it from the simulator's clock
    (http.server would add a second one from the host's clock)."""

    def send_response(self, code, message=None):
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Server", self.version_string())


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Stateful Toggl Track/Focus API simulator.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default)")
    parser.add_argument("--seed", type=Path, help="JSON seed file (default: the built-in demo state)")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay every API response by N ms")
    parser.add_argument(
        "--rate-limit", type=float, default=0.0, help="leaky bucket of R requests/second per token; 0 = off (default)"
    )
    parser.add_argument("--quota", action="store_true", help="enforce the hourly per-plan API quota")
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="swagger",
        help="swagger (default): the API as the 2026 Swagger documents it; "
        "pages: as the older reference pages describe it",
    )
    parser.add_argument(
        "--read-lag-ms",
        type=int,
        default=0,
        help="reads see the state before a write until N ms after it; 0 = off (default)",
    )
    args = parser.parse_args(argv)
    if args.latency_ms < 0 or args.rate_limit < 0 or args.read_lag_ms < 0:
        parser.error("--latency-ms, --rate-limit and --read-lag-ms must not be negative")
    return args


def load_seed(path: Path | None) -> dict | None:
    if path is None:
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SystemExit(f"toggl-simulator: cannot read seed {path}: {error}") from error


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        app = create_app(
            load_seed(args.seed),
            latency_ms=args.latency_ms,
            rate_limit=args.rate_limit,
            quota=args.quota,
            profile=args.profile,
            read_lag_ms=args.read_lag_ms,
        )
    except SeedError as error:
        print(f"toggl-simulator: invalid seed: {error}", file=sys.stderr)
        return 2

    server = make_server(args.host, args.port, app, threaded=True, request_handler=RequestHandler)
    host, port = server.server_address[:2]
    if ":" in host:
        host = f"[{host}]"

    def stop(_signum, _frame):
        # shutdown() waits for serve_forever to return, so it must run on another thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    # The socket is bound and listening since make_server, so connections are accepted
    # (queued) from here on.
    print(f"toggl-simulator listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0
