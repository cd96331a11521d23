"""Screening suppliers against watch lists (DoD 1260H, OFAC SDN, BIOSECURE status), following affiliates."""

from rxatlas.screen.lists import ListEntry, ListState, WatchList, watch_lists
from rxatlas.screen.screen import STATUSES, Screener, ScreenRun, screen_file, screener_for

__all__ = [
    "STATUSES",
    "ListEntry",
    "ListState",
    "ScreenRun",
    "Screener",
    "WatchList",
    "screen_file",
    "screener_for",
    "watch_lists",
]
