"""Runs the Toggl API simulator (the contract's entry point; see README.md beside this file).

    python tests/simulator/serve.py [--host 127.0.0.1] [--port 0] [--seed FILE]
        [--latency-ms N] [--rate-limit R] [--quota] [--profile swagger|pages] [--read-lag-ms N]

Prints exactly one line, `toggl-simulator listening on http://HOST:PORT`, once the socket
accepts connections, then serves until SIGTERM or SIGINT and exits 0. The same command line is
the `toggl-simulator` command once the package is installed (toggl_simulator/server.py).
"""

import sys
from pathlib import Path

# Runnable as a script from any directory: the package sits beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from toggl_simulator.server import RequestHandler, load_seed, main, parse_args  # noqa: E402

__all__ = ["RequestHandler", "load_seed", "main", "parse_args"]

if __name__ == "__main__":
    sys.exit(main())
