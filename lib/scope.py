"""Which townships a query covers. Every query takes one, so drill-down and access rules work alike."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, true


@dataclass(frozen=True)
class Scope:
    """A set of township codes, or the whole district when `townships` is None."""

    townships: tuple[str, ...] | None = None

    @classmethod
    def all(cls) -> "Scope":
        return cls(None)

    @classmethod
    def of(cls, *codes: str) -> "Scope":
        return cls(tuple(sorted(codes)))

    @property
    def is_all(self) -> bool:
        return self.townships is None

    def where(self, column) -> ColumnElement[bool]:
        """Return the condition restricting `column` (a township code column) to this scope."""
        return true() if self.townships is None else column.in_(self.townships)
