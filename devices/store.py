"""A device's credential store: who may open its door and when, decided offline.

``DoorStore`` is filled by a snapshot and kept current by versioned deltas. Its
answers equal ``access_core.decide.decide`` over the same sources (tests compare them
with the database's answers): an allowed answer is found by a short loop over
precompiled windows, and any denial is explained by ``decide`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from access_core.decide import NO_RULES, AccessSource, Decision, DoorRules, decide, doorcode_decision, doorcode_source
from access_core.schedule import Schedule
from access_core.sources import cached_schedule, zone
from devices.keypad import KeypadGuard, enter_code

NO_END = float("inf")


class Compiled:
    """One source as plain numbers for the fast path; ``source`` is the core's ``AccessSource`` for explanations."""

    __slots__ = ("via", "starts", "ends", "schedule", "live", "exempt", "grant", "allowed", "_source")

    def __init__(self, encoded: list[Any]) -> None:
        via, starts, ends, schedule_text, live, *rest = encoded
        self.via, self.starts, self.live = via, starts, bool(live)
        self.exempt = bool(rest and rest[0])
        """A lockdown_exempt key's source."""
        self.grant = via.startswith("key ")
        """A grant (whose holder may be an exempt manager), not a share or a reservation."""
        self.ends = NO_END if ends is None else ends
        self.schedule: Schedule | None = cached_schedule(schedule_text)
        self.allowed = Decision(True, (), via)
        self._source: AccessSource | None = None

    @property
    def source(self) -> AccessSource:
        if self._source is None:
            ends = None if self.ends == NO_END else datetime.fromtimestamp(self.ends, UTC)
            self._source = AccessSource(self.via, datetime.fromtimestamp(self.starts, UTC), ends, self.schedule, self.live, self.exempt)
        return self._source

    def source_for(self, exempt_holder: bool) -> AccessSource:
        """The source as the core reads it for this holder: a P or F manager's own grant is exempt too."""
        if exempt_holder and self.grant and not self.exempt:
            return replace(self.source, exempt=True)
        return self.source


@dataclass(slots=True)
class DoorStore:
    """The compiled, versioned view of one door; ``version`` -1 means never synced."""

    door_id: int
    version: int = -1
    tz: ZoneInfo = field(default_factory=lambda: zone("UTC"))
    activated: bool = False
    people: dict[int, tuple[Compiled, ...]] = field(default_factory=dict)
    cards: dict[str, tuple[int, bool]] = field(default_factory=dict)
    codes: dict[str, tuple[tuple[str, date, Schedule | None, bool], ...]] = field(default_factory=dict)
    heard_at: datetime | None = None
    """When the server was last heard from (any message): how stale the copy may be."""
    keypad: KeypadGuard = field(default_factory=KeypadGuard)
    """Wrong codes typed here, kept on the device: they slow the keypad down (devices.keypad)."""
    rules: DoorRules = NO_RULES
    """The door's exception days and lockdowns, enforced offline."""
    exempt: frozenset[int] = frozenset()
    """People whose own grants a lockdown spares (the property's P and F managers)."""
    rules_rev: int = -1
    """The revision of ``rules``; an older rules message changes nothing."""

    def apply_rules(self, payload: dict[str, Any]) -> bool:
        """Take a door's rules (a ``rules`` message, or a snapshot's) unless they are older than those held."""
        rev = int(payload.get("rev", -1))
        if rev < self.rules_rev:
            return False
        days = {date.fromisoformat(day): mode for day, mode in payload.get("days", {}).items()}
        spans = tuple(
            (datetime.fromtimestamp(start, UTC), None if end is None else datetime.fromtimestamp(end, UTC))
            for start, end in payload.get("lockdowns", ())
        )
        self.rules = DoorRules(days, spans) if days or spans else NO_RULES
        self.exempt = frozenset(int(p) for p in payload.get("exempt", ()))
        self.rules_rev = rev
        return True

    def staleness(self, now: datetime) -> float | None:
        """Seconds since the server was last heard, None if never."""
        return None if self.heard_at is None else (now - self.heard_at).total_seconds()

    def apply(self, version: int, payload: dict[str, Any], *, snapshot: bool = False) -> bool:
        """Apply a snapshot (any newer version) or the next delta; False when it is stale or out of order."""
        if snapshot:
            if version < self.version:
                return False
            self.people, self.cards, self.codes = {}, {}, {}
        elif self.version < 0 or version != self.version + 1:
            return False
        self._merge(payload)
        self.version = version
        return True

    def _merge(self, payload: dict[str, Any]) -> None:
        if payload.get("full"):
            self.people, self.cards, self.codes = {}, {}, {}
        if "door" in payload:
            self.activated = bool(payload["door"]["activated"])
            self.tz = zone(payload["door"]["tz"])
            if "rules" in payload["door"]:
                self.apply_rules({**payload["door"]["rules"], "rev": payload["door"].get("rules_rev", -1)})
        table = [Compiled(source) for source in payload.get("sources", ())]
        singles = [(c,) for c in table]
        for person, indices in payload.get("people", {}).items():
            if len(indices) == 1:
                self.people[int(person)] = singles[indices[0]]
            elif indices:
                self.people[int(person)] = tuple(table[i] for i in indices)
            else:
                self.people.pop(int(person), None)
        for serial, card in payload.get("cards", {}).items():
            if card:
                self.cards[serial] = (int(card[0]), bool(card[1]))
            else:
                self.cards.pop(serial, None)
        for code, rows in payload.get("codes", {}).items():
            if rows:
                self.codes[code] = tuple((via, date.fromisoformat(day), cached_schedule(s), bool(a)) for via, day, s, a in rows)
            else:
                self.codes.pop(code, None)

    def decide_person(self, person_id: int, at: datetime, *, credential_live: bool = True) -> Decision:
        """As ``access_core.sources.decide_person`` for this door."""
        compiled = self.people.get(person_id, ())
        rules = self.rules
        exempt_holder = person_id in self.exempt
        if self.activated and credential_live:
            moment = at.timestamp()
            locked = bool(rules.lockdowns) and rules.locked_at(at)
            local: datetime | None = None
            for c in compiled:
                if c.live and c.starts <= moment < c.ends and not (locked and not (c.exempt or exempt_holder and c.grant)):
                    if c.schedule is None:
                        return c.allowed
                    local = local or at.astimezone(self.tz)
                    if rules.schedule_failure(c.schedule, local) is None:
                        return c.allowed
        return decide(
            (c.source_for(exempt_holder) for c in compiled),
            at,
            self.tz,
            door_activated=self.activated,
            credential_live=credential_live,
            rules=rules,
        )

    def decide_card(self, serial: str, at: datetime) -> Decision:
        """A keycard mirrors its holder's access; a deactivated or unknown one opens nothing."""
        card = self.cards.get(serial.strip().upper())
        if card is None:
            return decide((), at, self.tz, door_activated=self.activated, rules=self.rules)
        return self.decide_person(card[0], at, credential_live=card[1])

    def decide_code(self, code: str, at: datetime) -> Decision:
        """A daily doorcode: valid on its own local day, under the key's schedule for this door."""
        rows = self.codes.get(code.strip(), ())
        if not rows:
            return doorcode_decision(None, at, self.tz, door_activated=self.activated, rules=self.rules)
        today = at.astimezone(self.tz).date()
        via, day, schedule, active = min(rows, key=lambda row: (row[1] != today, not row[3]))
        source = doorcode_source(via, day, self.tz, schedule, active)
        return doorcode_decision(source, at, self.tz, door_activated=self.activated, rules=self.rules)

    def enter_code(self, code: str, at: datetime) -> tuple[Decision, bool]:
        """A code typed at this door's keypad, slowed down after wrong ones; True when a slow-down begins."""
        return enter_code(self.keypad, self.decide_code, code, at)
