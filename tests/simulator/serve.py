"""Runs the Toggl API simulator (the contract's entry point; see README.md beside this file).

    python tests/simulator/serve.py [--host 127.0.0.1] [--port 0] [--seed FILE]
        [--latency-ms N] [--rate-limit R] [--quota]

Prints exactly one line, `toggl-simulator listening on http://HOST:PORT`, once the socket
accepts connections, then serves until SIGTERM or SIGINT and exits 0.
"""

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

# Runnable as a script from any directory: the package sits beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from toggl_simulator.app import create_app  # noqa: E402
from toggl_simulator.seed import SeedError  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Stateful Toggl Track/Focus API simulator.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default)")
    parser.add_argument("--seed", type=Path, help="JSON seed file (default: the built-in demo state)")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay every API response by N ms")
    parser.add_argument("--rate-limit", type=float, default=0.0,
                        help="leaky bucket of R requests/second per token; 0 = off (default)")
    parser.add_argument("--quota", action="store_true", help="enforce the hourly per-plan API quota")
    args = parser.parse_args(argv)
    if args.latency_ms < 0 or args.rate_limit < 0:
        parser.error("--latency-ms and --rate-limit must not be negative")
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
        app = create_app(load_seed(args.seed), latency_ms=args.latency_ms,
                         rate_limit=args.rate_limit, quota=args.quota)
    except SeedError as error:
        print(f"toggl-simulator: invalid seed: {error}", file=sys.stderr)
        return 2

    server = make_server(args.host, args.port, app, threaded=True)
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


if __name__ == "__main__":
    sys.exit(main())
