"""Start the app (`streamlit run app.py`) as a child process on a free local port: for tests and the benchmark."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO, Iterator

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppDidNotStart(RuntimeError):
    """The server did not answer /_stcore/health in time."""


@contextlib.contextmanager
def running_app(database_url: str, *, port: int | None = None, log: IO | None = None,
                timeout_s: float = 60) -> Iterator[str]:
    """Run the app on `database_url`; yield its base URL once healthy; stop it on exit."""
    port = port or free_port()
    env = dict(os.environ, DATABASE_URL=database_url)
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    out = log if log is not None else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout_s
        while True:
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise AppDidNotStart(f"the app did not start on {base}") from None
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
