"""Access decisions: may this credential open this door at this moment, and if not, why."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from access_core.schedule import Schedule

REASON_ORDER = (
    "no_key_for_door",
    "grant_not_started",
    "grant_expired",
    "outside_schedule",
    "door_not_activated",
    "credential_inactive",
    "closed_day",
    "lockdown",
)

WEEKDAY_MODES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""The modes of an exception day besides ``closed``: the weekday whose windows apply that day."""


@dataclass(frozen=True, slots=True)
class DoorRules:
    """What the property's calendar and lockdowns say about one door, whoever opens it."""

    days: Mapping[date, str] = field(default_factory=dict)
    """Local date -> ``closed`` or the weekday (``Mon`` … ``Sun``) that date runs as."""
    lockdowns: tuple[tuple[datetime, datetime | None], ...] = ()
    """(start, end or None while it lasts) of each lockdown that covers the door."""

    def locked_at(self, at: datetime) -> bool:
        instant = at.astimezone(UTC)
        return any(start.astimezone(UTC) <= instant and (end is None or instant < end.astimezone(UTC)) for start, end in self.lockdowns)

    def schedule_failure(self, schedule: Schedule, local: datetime) -> str | None:
        """``closed_day``, ``outside_schedule`` or None for a scheduled door at a local time."""
        mode = self.days.get(local.date())
        if mode == "closed":
            return "closed_day"
        as_weekday = WEEKDAY_MODES.index(mode) if mode in WEEKDAY_MODES else None
        return None if schedule.allows(local, as_weekday=as_weekday) else "outside_schedule"


NO_RULES = DoorRules()


@dataclass(frozen=True, slots=True)
class AccessSource:
    """One thing that may let a person through one door: a grant, a share, a reservation."""

    via: str
    """What it is, for explanations: "key Resident 4B", "share from jane@…", "reservation Roof Deck"."""
    starts_at: datetime
    """When it begins (aware)."""
    ends_at: datetime | None
    """When it ends, exclusive; None for open-ended."""
    schedule: Schedule | None = None
    """The door's weekly schedule in that key; None for always."""
    live: bool = True
    """False when the credential itself was revoked or deactivated."""
    exempt: bool = False
    """Still opens during a lockdown: the own grant of a P or F manager, or of a lockdown_exempt key."""

    def failures(self, at: datetime, tz: ZoneInfo, rules: DoorRules = NO_RULES) -> tuple[str, ...]:
        # Compared in UTC: two times in one zone compare by wall clock, wrong in the repeated DST hour.
        reasons = []
        instant = at.astimezone(UTC)
        if instant < self.starts_at.astimezone(UTC):
            reasons.append("grant_not_started")
        if self.ends_at is not None and instant >= self.ends_at.astimezone(UTC):
            reasons.append("grant_expired")
        if self.schedule is not None and (failed := rules.schedule_failure(self.schedule, at.astimezone(tz))):
            reasons.append(failed)
        if not self.live:
            reasons.append("credential_inactive")
        if not self.exempt and rules.lockdowns and rules.locked_at(at):
            reasons.append("lockdown")
        return tuple(reasons)


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer of ``decide``: allowed, or every reason that failed."""

    allowed: bool
    """Whether the door opens."""
    reasons: tuple[str, ...]
    """Reason codes (CONTRACT.md), empty when allowed."""
    via: str | None = None
    """The source that allowed it, or that came closest."""

    def as_json(self) -> dict[str, object]:
        return {"allowed": self.allowed, "reasons": list(self.reasons)}


def decide(
    sources: Iterable[AccessSource],
    at: datetime,
    tz: ZoneInfo,
    *,
    door_activated: bool,
    credential_live: bool = True,
    rules: DoorRules = NO_RULES,
) -> Decision:
    """Decide from every source of access a person has to one door.

    Allowed when one source passes and the door and the credential are live; otherwise
    the reasons of the closest source (fewest failures), plus the door's and the
    credential's own.
    """
    best: tuple[str, ...] | None = None
    best_via: str | None = None
    for source in sources:
        failed = source.failures(at, tz, rules)
        if best is None or len(failed) < len(best):
            best, best_via = failed, source.via
            if not failed:
                break
    reasons = ["no_key_for_door"] if best is None else list(best)
    if best is None and rules.lockdowns and rules.locked_at(at):
        reasons.append("lockdown")
    if not door_activated:
        reasons.append("door_not_activated")
    if not credential_live:
        reasons.append("credential_inactive")
    ordered = tuple(sorted(set(reasons), key=REASON_ORDER.index))
    return Decision(not ordered, ordered, best_via)


def doorcode_source(via: str, day: date, tz: ZoneInfo, schedule: Schedule | None, live: bool) -> AccessSource:
    """A daily doorcode as a source: its local calendar day, the key's schedule for the door."""
    from datetime import time, timedelta

    starts = datetime.combine(day, time(0), tzinfo=tz)
    ends = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return AccessSource(via, starts, ends, schedule, live)


def doorcode_decision(
    source: AccessSource | None, at: datetime, tz: ZoneInfo, *, door_activated: bool, rules: DoorRules = NO_RULES
) -> Decision:
    """A code used on another day than its own is an inactive credential, not an expired grant."""
    if source is None:
        return decide((), at, tz, door_activated=door_activated, rules=rules)
    instant = at.astimezone(UTC)
    outside_day = instant < source.starts_at.astimezone(UTC) or (source.ends_at is not None and instant >= source.ends_at.astimezone(UTC))
    inner = AccessSource(source.via, at, None, source.schedule, source.live and not outside_day)
    return decide((inner,), at, tz, door_activated=door_activated, rules=rules)
