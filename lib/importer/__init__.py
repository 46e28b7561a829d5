"""Importing the committee's Excel/CSV ledgers: read, check everything, then load all or nothing.

    plan = importer.check_files([(name, content), ...], engine)   # every problem, nothing written
    result = importer.load(engine, plan, who="张三")                 # one transaction
"""
from __future__ import annotations

from sqlalchemy import Engine

from lib.importer.loader import ImportRejected, load
from lib.importer.read import read_file
from lib.importer.validate import Plan, Problem, check

__all__ = ["ImportRejected", "Plan", "Problem", "check_files", "import_files", "load", "read_file"]


def check_files(files: list[tuple[str, bytes]], engine: Engine | None) -> Plan:
    """Return the plan of importing `files` (name, content) into the database of `engine`."""
    return check([read_file(name, content) for name, content in files], engine)


def import_files(engine: Engine, files: list[tuple[str, bytes]], *, who: str) -> tuple[Plan, dict | None]:
    """Check and, when there is no problem, load `files`; return (plan, result or None)."""
    plan = check_files(files, engine)
    if not plan.ok:
        return plan, None
    return plan, load(engine, plan, who=who)
