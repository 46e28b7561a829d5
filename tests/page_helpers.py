"""Helpers of the page tests: run a page in AppTest, read its KPI cards, markdown and plotly figures."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent

# Every plotly chart on the page has drawn marks (bars, lines, markers or a heatmap image).
CHARTS_DRAWN = """(n) => { const plots = [...document.querySelectorAll('.js-plotly-plot')];
  return plots.length >= n && plots.every(p =>
    p.querySelectorAll('.cartesianlayer .trace path, .cartesianlayer .point path, .cartesianlayer image').length > 0); }"""
# A deck.gl map has drawn into a canvas of real size.
MAP_DRAWN = "() => [...document.querySelectorAll('canvas')].some(c => c.width > 100 && c.height > 100)"


def open_page(path: str, monkeypatch, url: str, **params) -> AppTest:
    """Run the page file `path` (relative to the repo) on database `url` with URL query parameters."""
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(str(ROOT / path), default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    return at


def run_page(name: str, monkeypatch, url: str, **params) -> AppTest:
    """Run pages/<name>.py on database `url` with URL query parameters; fail on any exception."""
    at = open_page(f"pages/{name}.py", monkeypatch, url, **params)
    assert not at.exception, at.exception
    return at


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def decoded(value):
    """Return plotly JSON with typed arrays ({"dtype", "bdata"}) turned back into lists."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
        return {k: decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decoded(v) for v in value]
    return value


def figures(at: AppTest) -> dict[str, dict]:
    """Return the page's plotly figures as JSON, by title."""
    out = {}
    for element in at.get("plotly_chart"):
        fig = decoded(json.loads(element.proto.spec))
        out[fig["layout"]["title"]["text"]] = fig
    return out


def card_html(key: str, label: str, value: str) -> str:
    """Return the markup ui.kpi_board draws for a card's key, label and value (to look for in the page)."""
    return f"data-kpi='{key}'><div class='label'>{label}</div><div class='value'>{value}</div>"


def card(text: str, key: str, part: str = "value") -> str:
    """Return the text of a KPI card's `part` (value, rank, status) in the page's markdown."""
    start = text.index(f"data-kpi='{key}'")
    end = text.find("data-kpi=", start + 10)
    block = text[start:end if end > 0 else len(text)]
    marker = f"<div class='{part}'>" if part != "status" else "<div class='status"
    if marker not in block:
        return ""
    begin = block.index(marker)
    begin = block.index(">", begin) + 1
    return block[begin:block.index("</div>", begin)]
