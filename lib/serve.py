"""Start the app: `python -m lib.serve [streamlit options]` (what `make run` does), and as a child process on a
free local port for the tests and the benchmark.

Streamlit imports a page's modules only when the first visitor's script run needs them, so on a fresh server the
first visitor waited about a second longer (pandas, SQLAlchemy, plotly's figure classes, pydeck, the app's
modules). `main` imports them before the server starts listening; every later script run finds them loaded.
"""
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
    cmd = [sys.executable, "-m", "lib.serve", "--server.port", str(port),
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


def preload() -> None:
    """Import what every page needs and build one plotly figure (its trace classes load on first use)."""
    import logging

    # st.cache_data checks its options at decoration time and warns that no runtime exists yet; the caches
    # themselves are created at the first call, inside the runtime.
    quiet = [logging.getLogger(f"streamlit.runtime.caching.{name}") for name in ("cache_data_api", "cache_resource_api")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.ERROR)
    try:
        _import_pages()
    finally:
        for logger, level in zip(quiet, levels):
            logger.setLevel(level)


def _import_pages() -> None:
    import sqlite3  # noqa: F401

    import pandas as pd
    import PIL.Image  # noqa: F401  (st.logo, page icons)
    import PIL.PngImagePlugin  # noqa: F401
    import plotly.graph_objects as go
    import pyarrow as pa
    import pydeck  # noqa: F401
    import sqlalchemy.ext.compiler  # noqa: F401
    import streamlit.emojis  # noqa: F401
    import streamlit.material_icon_names  # noqa: F401

    import ui  # noqa: F401
    from lib import charts, geo, maps, narrative, overview, places, summaries  # noqa: F401
    from lib.queries import common, kpis  # noqa: F401

    go.Figure(go.Bar(x=[1], y=[1]), layout={"title": {"text": ""}}).to_json()
    pa.Table.from_pandas(pd.DataFrame({"a": [1]}))  # loads pyarrow's pandas bridge (st.dataframe)


def main(argv: list[str] | None = None) -> None:
    """`streamlit run app.py` with `argv` as its options, after `preload`."""
    from streamlit.web import cli

    sys.path.insert(0, str(ROOT))
    preload()
    cli.main(["run", str(ROOT / "app.py"), *(sys.argv[1:] if argv is None else argv)], prog_name="streamlit")


if __name__ == "__main__":
    main()
