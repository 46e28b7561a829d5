"""The one module of lib/ that imports Streamlit: engine held as a resource, queries cached as data.

Cached results are keyed by the function, its arguments (scope and as-of included, so users never
see each other's scope) and the database's data version, so an import shows up at once.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

import streamlit as st

from lib import config, db


@st.cache_resource(show_spinner=False)
def _engine(url: str):
    return db.make_engine(url)


def engine():
    """Return the app's engine (one per database URL per server process)."""
    return _engine(config.database_url())


@st.cache_data(ttl=5, show_spinner=False)
def _version(url: str) -> int:
    return db.data_version(_engine(url))


def data_version() -> int:
    """Return the data version, re-read at most every few seconds; raises db.DatabaseUnavailable."""
    return _version(config.database_url())


@st.cache_data(ttl=3600, max_entries=2000, show_spinner=False)
def _call(name: str, url: str, version: int, kwargs: tuple) -> Any:
    module, func = name.rsplit(".", 1)
    return getattr(importlib.import_module(module), func)(_engine(url), **dict(kwargs))


def query(fn: Callable, **kwargs) -> Any:
    """Return fn(engine, **kwargs), cached by function, arguments and data version."""
    url = config.database_url()
    return _call(f"{fn.__module__}.{fn.__qualname__}", url, _version(url), tuple(sorted(kwargs.items())))


def forget_data_version() -> None:
    """Forget the cached data version so the next query sees a write made by this session at once."""
    _version.clear()
