"""Shared fixtures.

- `tiny_engine`: the hand-built database of tests/tiny_db.py, once on SQLite and once on PostgreSQL
  (TEST_DATABASE_URL, default postgresql+psycopg://postgres@127.0.0.1/test). Read-only: never write to it.
- `tiny_url`: a SQLite URL of the same tiny database, for AppTests (pass it as DATABASE_URL).
- `demo_url`: a SQLite URL of the default demo district (built once per session, ~10 s).
- `app_url`: base URL of a running app (lib.serve: streamlit run app.py) on the demo database, on a free port.
- `page`: a Playwright page in Debian's headless Chromium that blocks every non-localhost request
  (blocked URLs are in `page.blocked`). `wait_ready(page)` waits until Streamlit finished the script.
When CI=true, a missing PostgreSQL or browser is a failure, not a skip.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lib import db, serve  # noqa: E402
import tiny_db  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def unavailable(reason: str):
    """Fail in CI, skip elsewhere."""
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def postgres_engine():
    """Return an engine on TEST_DATABASE_URL, or fail/skip when PostgreSQL is not reachable."""
    engine = db.make_engine(PG_URL)
    try:
        with engine.connect():
            pass
    except Exception as exc:  # noqa: BLE001 - any driver error means no server
        unavailable(f"PostgreSQL not reachable at {PG_URL}: {str(exc).splitlines()[0]}")
    return engine


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def tiny_engine(request, tmp_path_factory):
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('tiny') / 'tiny.db'}")
    else:
        engine = postgres_engine()
    tiny_db.build(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def refreshed(tiny_engine):
    """tiny_engine with its summary tables built (lib.summaries.refresh); cleared again afterwards."""
    from lib import schema, summaries

    with tiny_engine.begin() as conn:
        summaries.refresh(conn, [t.name for t in schema.CONTRACT_TABLES])
    yield tiny_engine
    with tiny_engine.begin() as conn:
        summaries.clear(conn)


def same_frames(fast, raw, what: str, ints: tuple[str, ...] = ()) -> None:
    """Assert a summary-backed answer equals its raw twin: lists alike, frames alike once the counts (columns
    named *_n, and `ints`) are int64 on both sides (the drivers return sums as int, Decimal or float)."""
    import pandas as pd

    if not isinstance(fast, pd.DataFrame):
        assert fast == raw, what
        return
    assert list(fast.columns) == list(raw.columns), what
    fast, raw = fast.reset_index(drop=True), raw.reset_index(drop=True)
    for c in fast.columns:
        if c.endswith("_n") or c in ints:
            fast[c], raw[c] = fast[c].astype("int64"), raw[c].astype("int64")
    pd.testing.assert_frame_equal(fast, raw, obj=what)


@pytest.fixture(scope="session")
def tiny_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('tinyapp') / 'tiny.db'}"
    tiny_db.build(db.make_engine(url))
    return url


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory) -> str:
    from lib import demo

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    demo.build(db.make_engine(url))
    return url


@contextlib.contextmanager
def running_app(database_url: str, log_dir: Path):
    """Start `streamlit run app.py` on a free port for `database_url`; yield its base URL; stop it."""
    log = log_dir / "streamlit.log"
    with open(log, "w") as out:
        try:
            with serve.running_app(database_url, log=out) as base:
                yield base
        except serve.AppDidNotStart:
            pytest.fail(f"app did not start: {log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def app_url(demo_url, tmp_path_factory):
    with running_app(demo_url, tmp_path_factory.mktemp("server")) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        unavailable("Debian chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def _is_local(url: str) -> bool:
    return url.startswith(("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "ws://localhost", "data:", "blob:", "about:"))


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    pg.blocked = []

    def route(r):
        if _is_local(r.request.url):
            r.continue_()
        else:
            pg.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    yield pg
    context.close()


READY = """() => { const a = document.querySelector('[data-testid="stApp"]');
  return a && a.getAttribute('data-test-script-state') === 'notRunning'
         && !document.querySelector('[data-testid="stStatusWidget"]'); }"""


def wait_ready(pg, timeout_ms: int = 60000) -> None:
    """Wait until Streamlit has finished running the page script (and charts had a moment to draw)."""
    pg.wait_for_function(READY, timeout=timeout_ms)
    pg.wait_for_timeout(800)
    pg.wait_for_function(READY, timeout=timeout_ms)


ARTIFACTS = ROOT / "tests" / "artifacts"
