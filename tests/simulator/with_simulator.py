"""Run a command against a Toggl simulator started for it.

Usage:
    python tests/simulator/with_simulator.py [--token TOKEN] [--sim-log FILE] [serve.py options] -- COMMAND...

Starts `tests/simulator/serve.py` on a free loopback port (options other than --token and
--sim-log are passed on to serve.py: --seed FILE, --latency-ms, --rate-limit, --quota, ...;
--profile swagger|pages, --read-lag-ms N; --sim-log sends the simulator's own output to FILE
instead of stderr), runs COMMAND with
TOGGL_API_URL=http://HOST:PORT/api/v9, TOGGL_FOCUS_API_URL=http://HOST:PORT/focus/api and
TOGGL_API_TOKEN=TOKEN (default tok-owner) in its environment, then stops the simulator with
SIGTERM, also when COMMAND fails or this script is interrupted. Exits with COMMAND's exit code.

Example (what `make demo` runs):
    python tests/simulator/with_simulator.py -- ansible-playbook -i playbooks/inventory.yml playbooks/demo.yml

The integration tests' `simulator` fixture (tests/integration/conftest.py) starts the simulator
with the same `Simulator` class.
"""

from __future__ import annotations

import argparse
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SERVE = HERE / "serve.py"
READY_PREFIX = "toggl-simulator listening on "
DEFAULT_TOKEN = "tok-owner"


class SimulatorError(RuntimeError):
    """The simulator did not start, or did not stop cleanly."""


def _has_option(args: list[str], name: str) -> bool:
    return any(arg == name or arg.startswith(name + "=") for arg in args)


class Simulator:
    """A `serve.py` child process: start() waits for its ready line, stop() sends SIGTERM.

    Its stderr, and anything it prints on stdout after the ready line, go to `log_path`, or to
    this process's stderr when there is none; the child never blocks on a full pipe.
    """

    def __init__(
        self,
        args: list[str] | None = None,
        *,
        python: str | None = None,
        serve: str | os.PathLike | None = None,
        log_path: str | os.PathLike | None = None,
        start_timeout: float = 30.0,
        profile: str | None = None,
        read_lag_ms: int | None = None,
    ) -> None:
        """`profile` and `read_lag_ms`, when given, become --profile / --read-lag-ms (unless
        `args` already has that option, which then wins)."""
        self.args = list(args or [])
        if profile is not None and not _has_option(self.args, "--profile"):
            self.args += ["--profile", str(profile)]
        if read_lag_ms is not None and not _has_option(self.args, "--read-lag-ms"):
            self.args += ["--read-lag-ms", str(int(read_lag_ms))]
        if not _has_option(self.args, "--port"):
            self.args = ["--port", "0", *self.args]
        self.python = python or sys.executable
        self.serve = Path(serve or os.environ.get("TOGGL_SIMULATOR_SERVE") or SERVE)
        self.log_path = Path(log_path) if log_path else None
        self.start_timeout = start_timeout
        self.process: subprocess.Popen | None = None
        self.url: str | None = None
        self._log = None
        self._drain: threading.Thread | None = None

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v9"

    @property
    def focus_api_url(self) -> str:
        return f"{self.url}/focus/api"

    def start(self) -> str:
        """Start serve.py and return its base URL, http://HOST:PORT."""
        if not self.serve.is_file():
            raise SimulatorError(f"simulator entry point not found: {self.serve}")
        self._log = open(self.log_path, "ab") if self.log_path else None
        self.process = subprocess.Popen(
            [self.python, str(self.serve), *self.args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            line = self._read_ready_line()
        except BaseException:
            self.stop(check=False)
            raise
        self.url = line[len(READY_PREFIX) :].strip().rstrip("/")
        self._drain = threading.Thread(target=self._copy_stdout, name="simulator-stdout", daemon=True)
        self._drain.start()
        return self.url

    def _read_ready_line(self) -> str:
        assert self.process is not None and self.process.stdout is not None
        deadline = time.monotonic() + self.start_timeout
        buffer = b""
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while b"\n" not in buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise SimulatorError(
                        f"simulator printed no ready line within {self.start_timeout:.0f}s{self._log_hint()}"
                    )
                if not selector.select(timeout=remaining):
                    continue
                chunk = os.read(self.process.stdout.fileno(), 4096)
                if not chunk:
                    code = self.process.wait()
                    raise SimulatorError(f"simulator exited with code {code} before it was ready{self._log_hint()}")
                buffer += chunk
        line, rest = buffer.split(b"\n", 1)
        if rest:
            self._write(rest)
        text = line.decode("utf-8", "replace")
        if not text.startswith(READY_PREFIX):
            raise SimulatorError(f"unexpected first line from the simulator: {text!r}{self._log_hint()}")
        return text

    def _copy_stdout(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        stdout = self.process.stdout
        for chunk in iter(lambda: os.read(stdout.fileno(), 4096), b""):
            self._write(chunk)

    def _write(self, data: bytes) -> None:
        target = self._log if self._log else sys.stderr.buffer
        if not target.closed:
            target.write(data)
            target.flush()

    def _log_hint(self) -> str:
        if not self.log_path:
            return ""
        if self._log and not self._log.closed:
            self._log.flush()
        try:
            tail = self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
        except OSError:
            return f" (log: {self.log_path})"
        return f"\n--- simulator log ({self.log_path}) ---\n{tail}"

    def stop(self, *, check: bool = True, timeout: float = 15.0) -> int | None:
        """Send SIGTERM and wait; SIGKILL after `timeout`. With `check`, a non-zero exit raises."""
        process, self.process = self.process, None
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                if check:
                    raise SimulatorError(f"simulator ignored SIGTERM for {timeout:.0f}s and was killed") from None
        if self._drain:
            self._drain.join(timeout=5)
        if process.stdout:
            process.stdout.close()
        if self._log:
            self._log.close()
        if check and process.returncode != 0:
            raise SimulatorError(f"simulator exited with code {process.returncode} after SIGTERM{self._log_hint()}")
        return process.returncode

    def __enter__(self) -> Simulator:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop(check=exc_info[0] is None)


def _parse(argv: list[str]) -> tuple[argparse.Namespace, list[str], list[str]]:
    if "--" not in argv:
        raise SystemExit(f"usage: {Path(sys.argv[0]).name} [--token TOKEN] [serve.py options] -- COMMAND...")
    split = argv.index("--")
    own, command = argv[:split], argv[split + 1 :]
    if not command:
        raise SystemExit("with_simulator: no command given after --")
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--sim-log")
    options, serve_args = parser.parse_known_args(own)
    return options, serve_args, command


def _raise_on_sigterm(signum, _frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0
    options, serve_args, command = _parse(argv)
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    simulator = Simulator(serve_args, log_path=options.sim_log)
    child = None
    try:
        simulator.start()
        print(f"with_simulator: Toggl simulator at {simulator.url}", file=sys.stderr, flush=True)
        env = {
            **os.environ,
            "TOGGL_API_URL": simulator.api_url,
            "TOGGL_FOCUS_API_URL": simulator.focus_api_url,
            "TOGGL_API_TOKEN": options.token,
        }
        try:
            child = subprocess.Popen(command, env=env)
        except OSError as error:
            print(f"with_simulator: cannot run {command[0]}: {error}", file=sys.stderr)
            return 127
        code = child.wait()
        return 128 - code if code < 0 else code
    except SimulatorError as error:
        print(f"with_simulator: {error}", file=sys.stderr)
        return 1
    finally:
        if child is not None and child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        try:
            simulator.stop()
        except SimulatorError as error:
            print(f"with_simulator: {error}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
