"""Sizing of shown tables (pure, no Streamlit): tall enough to show every row up to a limit."""
from __future__ import annotations

ROW_PX = 35  # st.dataframe's row height (header included)
BORDER_PX = 3
MAX_ROWS = 16  # a table of every township (16) fits without scrolling


def table_height(n_rows: int, *, max_rows: int = MAX_ROWS) -> int:
    """Return a st.dataframe height in pixels showing the header and all rows up to `max_rows`.

    Longer tables scroll after `max_rows` rows; an empty table still shows its header and one row.
    """
    shown = min(max(int(n_rows), 1), max_rows)
    return ROW_PX * (shown + 1) + BORDER_PX
