"""One restrained palette for the whole app. Party red is the accent for highlights and targets only."""
from __future__ import annotations

PARTY_RED = "#C8102E"
INK = "#1F2933"          # text
MUTED = "#6B7785"        # secondary text, axes
GRID = "#E4E7EB"
BASE = "#5B7083"         # default bar colour: slate blue-grey
BASE_LIGHT = "#AFC0CF"
GOOD = "#2E7D4F"
BAD = PARTY_RED
WARN = "#C77700"
FONT_FAMILY = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", sans-serif'

# One colour per category, the same on every page (channels, categories, education...).
CATEGORICAL = ("#3E6A8A", "#8FB3C9", "#D08C60", "#7A9E7E", "#B7A6C9", "#C9B27C", "#6F7F8F", "#E0B0A0", "#5E8C8A", "#A4A4A4")
TOWNSHIP_KIND_COLOURS = {"街道": "#3E6A8A", "镇": "#7A9E7E", "乡": "#C9B27C"}
SEQUENTIAL_RED = ("#F6E7E9", "#EBC3C9", "#DC95A0", "#CC6475", "#B8344C", "#8E1A2F")


def category_colour(name: str, categories: tuple[str, ...] | list[str]) -> str:
    """Return the fixed colour of `name` among `categories` (stable across pages)."""
    return CATEGORICAL[list(categories).index(name) % len(CATEGORICAL)] if name in categories else CATEGORICAL[-1]
