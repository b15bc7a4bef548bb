"""Concierge Pro intercom calls: ringing -> queued -> answered -> resolved (or abandoned), each step logged.

The intercom side (``ring``, ``heard``, ``hold``, ``dial_ended``, ``caller_left``) is driven by Twilio's webhooks
and keyed by CallSid, so a retried webhook changes nothing. The agent side (``answer``, ``ring_resident``,
``unlock``, ``resolve``) is checked by ``access_core.policy``; unlocks go through the core's ``unlock_door``.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from access_core import policy
from access_core.commands import UnlockDoor
from access_core.db import Database
from access_core.describe import done
from access_core.directory import residents_of
from access_core.errors import Invalid, NotFound, Refused
from access_core.lookup import door_in, person_by_ref
from access_core.models import (
    CallState,
    DeviceModel,
    Door,
    IntercomCall,
    IntercomCallEvent,
    IntercomSnapshot,
    Person,
)
from access_core.principal import Principal, load_principal
from access_core.services.context import Context
from access_core.services.dispatch import execute
from access_core.sources import zone
from concierge_catalog.call_purpose import understand
from concierge_catalog.call_summary import summarize
from concierge_catalog.call_views import answerable_properties, call_view
from concierge_catalog.intercom_camera import Camera, camera_from_env

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
MAX_PROMPTS = 2
"""The greeting and one re-prompt; silence after that is queued as "unknown"."""


@dataclass(frozen=True, slots=True)
class Step:
    """Where a call stands, for the TwiML the caller hears next."""

    call_id: int
    """The stored call."""
    state: str
    """ringing, queued, answered, resolved or abandoned."""
    prompts: int
    """How often the caller has been asked (1 after the greeting)."""
    property_name: str
    """The property the intercom belongs to."""
    opened: list[str] = field(default_factory=list)
    """Doors unlocked for this call so far."""


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What an agent's action did; ``rule`` names the refusal when ``ok`` is false."""

    ok: bool
    """Whether it was done."""
    message: str
    """A sentence for the console."""
    rule: str | None = None
    """The DOMAIN rule (or failure) when refused."""
    detail: dict[str, Any] = field(default_factory=dict)
    """The activity event, the summary id, the number rung."""


class CallDesk:
    """The calls of every property, over one database."""

    def __init__(self, database: Database, camera: Camera | None = None, clock: Clock | None = None) -> None:
        self.database = database
        self.camera = camera or camera_from_env()
        self.clock: Clock = clock or (lambda: datetime.now(UTC))

    # -- the intercom side ---------------------------------------------------------------------------------

    def ring(self, sid: str, serial: str, caller: str) -> Step | None:
        """A call arrives from the intercom ``serial``; None when no property has that intercom."""
        with self.database.session() as session:
            call = _by_sid(session, sid)
            if call is None:
                door = session.scalar(select(Door).where(Door.serial == serial, Door.device == DeviceModel.intercom))
                if door is None:
                    log.warning("intercom call %s from unknown intercom %r", sid, serial)
                    return None
                call = self._start(session, sid, door, caller)
            return _step(session, call)

    def _start(self, session: Session, sid: str, door: Door, caller: str) -> IntercomCall:
        now = self.clock()
        call = IntercomCall(
            sid=sid[:64],
            property_id=door.property_id,
            door_id=door.id,
            caller=caller[:32],
            state=CallState.ringing,
            prompts=1,
            ringing_at=now,
            note="",
        )
        try:
            with session.begin_nested():
                session.add(call)
                session.flush()
        except IntegrityError:  # the same webhook, retried at the same moment
            existing = _by_sid(session, sid)
            assert existing is not None
            return existing
        _log(session, call, "ringing", now, caller=caller, intercom=door.serial)
        snapshot = self.camera.capture(door, sid, now)
        if snapshot is not None:
            session.add(
                IntercomSnapshot(call_id=call.id, name=snapshot.name, content_type=snapshot.content_type, data=snapshot.data, taken_at=now)
            )
            call.snapshot = snapshot.name
        return call

    def heard(self, sid: str, speech: str, digits: str) -> Step | None:
        """The caller answered the greeting: queue them with their purpose, or ask once more."""
        with self.database.session() as session:
            call = _by_sid(session, sid, lock=True)
            if call is None:
                return None
            if call.state == CallState.ringing:
                now = self.clock()
                said = " ".join(part for part in (speech.strip(), digits.strip()) if part)
                purpose = understand(session, call.property, speech, digits, now)
                if purpose.kind is None and call.prompts < MAX_PROMPTS:
                    call.prompts += 1
                    _log(session, call, "reprompt", now, heard=said)
                else:
                    call.purpose, call.heard = purpose.kind or "unknown", said[:400] or None
                    call.visiting_id = purpose.person.id if purpose.person else None
                    call.state, call.queued_at = CallState.queued, now
                    _log(
                        session,
                        call,
                        "queued",
                        now,
                        purpose=call.purpose,
                        heard=said,
                        visiting=purpose.person.handle if purpose.person else None,
                    )
            return _step(session, call)

    def hold(self, sid: str) -> Step | None:
        with self.database.session() as session:
            call = _by_sid(session, sid)
            return _step(session, call) if call else None

    def dial_ended(self, sid: str, status: str, duration: str) -> Step | None:
        """A ``<Dial>`` (to the resident or the agent) ended; the caller goes back on hold."""
        with self.database.session() as session:
            call = _by_sid(session, sid)
            if call is None:
                return None
            _log(session, call, "dial_ended", self.clock(), status=status, seconds=duration)
            return _step(session, call)

    def caller_left(self, sid: str, status: str) -> int | None:
        """Twilio says the call is over; a caller still waiting has abandoned it. Returns a new summary's id."""
        with self.database.session() as session:
            call = _by_sid(session, sid, lock=True)
            if call is None or call.caller_left_at is not None:
                return None
            now = self.clock()
            call.caller_left_at = now
            _log(session, call, "caller_left", now, status=status)
            if call.state not in (CallState.ringing, CallState.queued):
                return None
            call.state, call.ended_at = CallState.abandoned, now
            _log(session, call, "abandoned", now)
            return self._summarize(session, call, now)

    # -- the agent side ------------------------------------------------------------------------------------

    def calls_for(self, person_ref: str) -> list[dict[str, Any]]:
        """Open calls of every property the person answers for: theirs first, then the queue oldest first."""
        with self.database.session() as session:
            person, principal = _principal(session, person_ref)
            props = answerable_properties(session, principal)
            policy.require_answering_somewhere(props)
            calls = session.scalars(
                select(IntercomCall).where(
                    IntercomCall.property_id.in_([p.id for p in props]),
                    IntercomCall.state.in_([CallState.ringing, CallState.queued, CallState.answered]),
                )
            ).all()
            order = {CallState.answered: 1, CallState.queued: 2, CallState.ringing: 3}
            calls = sorted(calls, key=lambda c: (c.agent_id != person.id, order[CallState(c.state)], c.queued_at or c.ringing_at))
            return [call_view(session, c, person, self.clock()) for c in calls]

    def view(self, person_ref: str, call_id: int) -> dict[str, Any]:
        with self._call(person_ref, call_id) as (session, person, _principal_, call):
            return call_view(session, call, person, self.clock())

    def snapshot(self, person_ref: str, call_id: int) -> IntercomSnapshot | None:
        with self._call(person_ref, call_id) as (session, _person, _principal_, call):
            return session.get(IntercomSnapshot, call.id)

    def answer(self, person_ref: str, call_id: int) -> ActionResult:
        with self._call(person_ref, call_id, lock=True) as (session, person, principal, call):
            policy.require_waiting_call(call)
            policy.require_one_call_at_a_time(session, principal, call)
            now = self.clock()
            call.state, call.agent_id, call.answered_at = CallState.answered, person.id, now
            try:
                with session.begin_nested():
                    session.flush()
            except IntegrityError:  # the same agent answered another call at this very moment
                policy.refuse_second_call()
            _log(session, call, "answered", now, person, seconds_to_answer=call.seconds_to_answer)
            return ActionResult(True, f"You answered call #{call.id}.", detail={"seconds_to_answer": call.seconds_to_answer})

    def ring_resident(self, person_ref: str, call_id: int, who: str | None, redirect: Callable[[str, str], None]) -> ActionResult:
        """Put the caller through to a resident: ``redirect(call_sid, phone)`` dials them on the live call."""
        with self._call(person_ref, call_id, lock=True) as (session, person, principal, call):
            policy.require_call_agent(principal, call)
            resident = _resident(session, call, who, self.clock())
            if not resident.phone:
                raise Invalid("phone", f"{resident.label} has no phone number to ring.")
            if call.caller_left_at is not None:
                raise Invalid("call", "The caller has already hung up.")
            now = self.clock()
            try:
                redirect(call.sid, resident.phone)
            except Exception as exc:  # Twilio's failure is logged on the call and shown to the agent
                _log(
                    session,
                    call,
                    "ring_resident",
                    now,
                    person,
                    person=resident.handle,
                    phone=resident.phone,
                    ok=False,
                    error=str(exc)[:300],
                )
                return ActionResult(False, f"Could not ring {resident.label}: {exc}", "twilio_failed")
            _log(session, call, "ring_resident", now, person, person=resident.handle, phone=resident.phone, ok=True)
            return ActionResult(True, f"Ringing {resident.label} at {resident.phone}.", detail={"person": resident.handle})

    def unlock(self, person_ref: str, call_id: int, door_name: str) -> ActionResult:
        """Unlock a door for the caller through the core; a refusal is logged on the call too."""
        with self._call(person_ref, call_id, lock=True) as (session, person, principal, call):
            door = door_in(session, call.property, door_name)
            now = self.clock()
            op = UnlockDoor(
                door=door.name, reason=f"intercom call #{call.id} ({call.purpose or 'unknown'})", call=call.sid, call_id=call.id
            )
            savepoint = session.begin_nested()
            try:
                outcome = execute(Context(session, principal, now, call.property), op)
            except (Refused, Invalid) as exc:
                savepoint.rollback()
                rule = exc.rule if isinstance(exc, Refused) else exc.field
                _log(session, call, "unlock_refused", now, person, door, door=door.name, rule=rule, reason=exc.message)
                return ActionResult(False, exc.message, rule)
            savepoint.commit()
            _log(session, call, "unlock", now, person, door, door=door.name, event=outcome.detail["event"])
            return ActionResult(True, done(outcome, zone(call.property.timezone)), detail={"event": outcome.detail["event"]})

    def resolve(self, person_ref: str, call_id: int, note: str) -> ActionResult:
        with self._call(person_ref, call_id, lock=True) as (session, person, principal, call):
            policy.require_call_agent(principal, call)
            now = self.clock()
            call.state, call.ended_at, call.note = CallState.resolved, now, note.strip()[:1000]
            _log(session, call, "resolved", now, person, note=call.note)
            summary_id = self._summarize(session, call, now)
            return ActionResult(True, f"Call #{call.id} resolved.", detail={"summary": summary_id})

    # -- shared --------------------------------------------------------------------------------------------

    @contextmanager
    def _call(self, person_ref: str, call_id: int, *, lock: bool = False) -> Iterator[tuple[Session, Person, Principal, IntercomCall]]:
        """The call and its asker, who must answer calls at its property."""
        with self.database.session() as session:
            person, principal = _principal(session, person_ref)
            query = select(IntercomCall).where(IntercomCall.id == call_id)
            call = session.scalar(query.with_for_update() if lock else query)
            if call is None:
                raise NotFound("call", str(call_id))
            policy.require_call_answering(principal, call.property)
            yield session, person, principal, call

    def _summarize(self, session: Session, call: IntercomCall, now: datetime) -> int:
        session.flush()
        events = list(session.scalars(select(IntercomCallEvent).where(IntercomCallEvent.call_id == call.id).order_by(IntercomCallEvent.id)))
        summary = summarize(session, call, events, now)
        session.flush()
        return summary.id


def _by_sid(session: Session, sid: str, *, lock: bool = False) -> IntercomCall | None:
    query = select(IntercomCall).where(IntercomCall.sid == sid)
    return session.scalar(query.with_for_update() if lock else query)


def _principal(session: Session, ref: str) -> tuple[Person, Principal]:
    person = person_by_ref(session, ref)
    if person is None:
        raise NotFound("person", ref)
    return person, load_principal(session, person)


def _resident(session: Session, call: IntercomCall, who: str | None, at: datetime) -> Person:
    """Whom to ring: the person named, else the one the caller asked for; a resident of the property now."""
    target = person_by_ref(session, who) if who else call.visiting
    if target is None:
        raise Invalid("person", "Choose the resident to ring." if not who else f"There is no person called {who!r}.")
    policy.require_resident_to_ring(target, call.property, residents_of(session, call.property, at))
    return target


def _log(
    session: Session, call: IntercomCall, kind: str, at: datetime, actor: Person | None = None, at_door: Door | None = None, **detail: Any
) -> None:
    session.add(
        IntercomCallEvent(
            call_id=call.id, at=at, kind=kind, actor_id=actor.id if actor else None, door_id=at_door.id if at_door else None, detail=detail
        )
    )


def _step(session: Session, call: IntercomCall) -> Step:
    opened = session.scalars(
        select(IntercomCallEvent.detail)
        .where(IntercomCallEvent.call_id == call.id, IntercomCallEvent.kind == "unlock")
        .order_by(IntercomCallEvent.id)
    ).all()
    return Step(call.id, call.state, call.prompts, call.property.name, [str(d.get("door")) for d in opened])


_DESKS: weakref.WeakKeyDictionary[Database, CallDesk] = weakref.WeakKeyDictionary()


def desk_for(database: Database) -> CallDesk:
    """The one desk of a database in this process (the voice routes and the console share it)."""
    desk = _DESKS.get(database)
    if desk is None:
        desk = _DESKS[database] = CallDesk(database)
    return desk
