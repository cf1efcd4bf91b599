"""The archive's sense of time, in one place so tests can fix it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

_now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)


def now() -> datetime:
    """The current time in UTC (aware), without microseconds: they add noise to exports."""
    return _now().astimezone(timezone.utc).replace(microsecond=0)


def set_clock(fn: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests only); ``None`` restores the real one."""
    global _now
    _now = fn or (lambda: datetime.now(timezone.utc))
