"""Per-person budgets of changes: guest codes, shares and bookings, counted when a plan is carried out.

The network server installs a meter (``bot.web.ratelimit.RateLimits``, configured from the environment);
without one (``concierge chat``, the benchmarks, the tests of the core) nothing is counted. A plan is
checked whole before any of it is made: an over-budget plan is refused and nothing of it is written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import ClassVar, Protocol

from access_core.errors import Refused

COSTS = {
    "create_doorcode": "doorcodes",
    "share_key": "shares",
    "reserve_amenity": "bookings",
    "book_service": "bookings",
    "buy_experience": "bookings",
}
"""Which budget each operation spends."""
SAYING = {
    "turns": "You're sending messages too quickly",
    "doorcodes": "You've made as many door codes as you may for now",
    "shares": "You've shared keys as often as you may for now",
    "bookings": "You've made as many bookings as you may for now",
}


class Meter(Protocol):
    def spend(self, costs: Mapping[str, int], who: str) -> tuple[str, float] | None: ...

    def check(self, costs: Mapping[str, int], who: str) -> tuple[str, float] | None: ...


class OverBudget(Refused):
    """The person has used up a budget for now; ``retry_after`` says in how many seconds to try again."""

    def __init__(self, budget: str, retry_after: float) -> None:
        self.retry_after = int(retry_after + 0.999)
        changed = "" if budget == "turns" else " Nothing was changed."
        super().__init__(
            "rate_limit", f"{SAYING.get(budget, 'You have reached a limit')}; please try again in {_duration(self.retry_after)}.{changed}"
        )


_meter: Meter | None = None


def install(meter: Meter | None) -> None:
    """Count budgets with ``meter`` from now on in this process (None: count nothing)."""
    global _meter
    _meter = meter


def person_key(person_id: int) -> str:
    return f"person:{person_id}"


class Named(Protocol):
    op: ClassVar[str]


def charge(person_id: int, commands: Iterable[Named], *, spend: bool = True) -> None:
    """Count a plan against its person's budgets, or raise ``OverBudget`` having counted nothing of it."""
    if _meter is None:
        return
    costs = Counter(COSTS[command.op] for command in commands if command.op in COSTS)
    if not costs:
        return
    refused = (_meter.spend if spend else _meter.check)(costs, person_key(person_id))
    if refused is not None:
        raise OverBudget(*refused)


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} minutes"
    return f"{round(seconds / 3600)} hours"
