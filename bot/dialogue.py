"""The dialogue: one message in, one CONTRACT turn out, the same for every channel."""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from access_core import policy
from access_core.commands import from_op
from access_core.db import Database, begin_writing
from access_core.describe import question, summary
from access_core.errors import Ambiguous, CoreError, Invalid, NotFound, Refused
from access_core.principal import load_principal
from access_core.services.context import Context
from access_core.services.dispatch import execute_all, try_operations
from access_core.views import Asker, Site
from actions import combined, many
from actions.account import moved_to_day
from actions.refine import refine
from actions.registry import INTENTS, SMALL_TALK
from actions.slots import Slots, extract
from actions.turn import Reply, TurnContext
from bot.asker_scope import PROPERTY_FREE, fits
from bot.places import Places
from bot.state import Conversation, pending_id

MAX_CHARS = 2000
FOLLOW_UPS = {"inform", "affirm", "deny"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
NO_LONGER_PENDING = "That plan is no longer waiting for an answer (it was answered, or a newer request replaced it); nothing was changed."
NOTHING_PENDING = "There is no plan waiting for a yes; nothing was changed."
MORE_OF_THE_SAME = re.compile(
    r"^\W*(?:(?:and|ok|okay|thanks|also)\W+)?(?:what|how) about\b|^\W*and (?:for |at |the |in )|"
    r"^\W*(?:same|ditto) (?:for|with|at)\b|^\W*what of\b|^\W*and\s+[^!?]{1,40}\?\s*$",
    re.I,
)


def clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", _CONTROL.sub(" ", text or "")).strip()
    return text[:MAX_CHARS]


CORRECTION = re.compile(
    r"^\W*(?:(?:no|nope|sorry|oh|oops|wait)\W+)*(?:actually\b|make\s+(?:it|that)\b|change\s+(?:it|that)\s+to\b|"
    r"switch\s+(?:it|that)\s+to\b|move\s+(?:it|that)\s+to\b|(?:\w+\s+){1,4}instead\W*$)",
    re.I,
)
"""An answer to a proposed plan that changes one of its details ("actually make it monday", "friday instead")."""
LETTING_IN = re.compile(r"\b(?:let|lets|letting|into|guests?|visit(?:s|ing|or)?|come\s+over)\b", re.I)
"""How a guest is let in ("let 0412 345 676 into the lobby"), as against a key given ("give max the common key")."""
NEVER_MIND = re.compile(r"\b(?:never\s*mind|nevermind|cancel|forget\s+(?:it|that|about)|don'?t|no\s+need|scrap)\b", re.I)
EVERY_PROPERTY = re.compile(
    r"\b(?:both|all|every|each)\s+(?:of\s+)?(?:(?:our|my|the|your|\d+|two|three)\s+)?"
    r"(?:propert(?:y|ies)|buildings?|sites?|blocks?|complex(?:es)?|estates?|locations?)\b|"
    r"\b(?:across|throughout)\s+(?:the\s+|our\s+|my\s+)?(?:whole\s+|entire\s+)?portfolio\b",
    re.I,
)
"""A change said of every property the asker runs ("close both buildings on their anniversary days")."""
EVERYWHERE = frozenset({"add_exception_day", "remove_exception_day", "start_lockdown", "end_lockdown"})
"""Changes of a whole property's calendar or doors, which one plan may make at each property."""
ACROSS = frozenset({"ask_device_status", "ask_activity", "ask_my_access", "ask_exception_days", "ask_keys", "ask_doors"})
"""Questions answered at each of the asker's properties when the message does not say which."""


class Dialogue:
    """Turns messages into plans, questions' answers and executed changes, through the core."""

    def __init__(self, database: Database, *, dry_run: bool = False, engine: Any = None, places: Places | None = None) -> None:
        self.database = database
        self.dry_run = dry_run
        self.places = places or Places()
        if engine is None:
            from nlu.engine import get_engine

            engine = get_engine()
        self.engine = engine
        self._entities: list[dict[str, Any]] = []

    def turn(self, conversation: Conversation, text: str, plan: str | None = None) -> dict[str, Any]:
        """One message; with ``plan`` (a button's plan id) the message answers that plan or, when it is no longer
        the one waiting, changes nothing and says so."""
        text = clean(text)
        parsed: dict[str, Any] = self.engine.parse(text) if text else {"intent": {"name": "out_of_scope", "confidence": 1.0}}
        intent = parsed["intent"]["name"] or "out_of_scope"
        confidence = float(parsed["intent"].get("confidence") or 0.0)
        self._entities = list(parsed.get("entities") or [])
        self._ranking = [str(r.get("name")) for r in parsed.get("intent_ranking") or []]
        if plan is not None and plan != pending_id(conversation):
            return _turn_json(Reply("answer", NO_LONGER_PENDING), intent, 1.0)
        with self.database.session() as session:
            # a turn that executes a plan sees every change made so far, by any process
            self.places.begin(session, fresh=conversation.pending is not None and intent == "affirm")
            try:
                reply, intent = self._turn(session, conversation, text, intent, confidence)
            except Refused as exc:
                reply = Reply("refused", exc.message)
            except CoreError as exc:
                reply = Reply("unknown", exc.message)
            if self.dry_run or reply.status != "done":
                # only an executed plan is kept; ending anything else with a rollback also spares PostgreSQL the
                # commit record (and its WAL flush) that a rolled-back dry run's savepoint would otherwise cost
                session.rollback()
        return _turn_json(reply, intent, confidence)

    def _turn(self, session: Session, conv: Conversation, text: str, intent: str, confidence: float) -> tuple[Reply, str]:
        person = self.places.person(session, conv.person)
        if person is None:
            return Reply("refused", "I don't know who you are here; ask your property manager to add you."), intent
        earlier = conv.pending
        if (
            earlier is not None
            and intent in ("deny", "cancel", "inform", "out_of_scope")
            and CORRECTION.search(text)
            and not NEVER_MIND.search(text)
        ):
            intent = "inform"  # "actually make it monday": the plan proposed, with that changed
            moved = self._moved(session, conv, person, text, earlier)
            if moved is not None:
                self._after_pending(conv, earlier, moved, str(moved.intent))
                return moved, str(moved.intent)
        if earlier is not None:
            handled = self._answer_pending(session, conv, person, intent)
            if handled is not None:
                return handled, intent
        elif intent == "affirm" and conv.frame is None and confidence >= 0.6:
            return Reply("answer", NOTHING_PENDING), intent
        try:
            reply, intent = self._respond(session, conv, person, text, intent, confidence)
        except Refused as exc:
            reply = Reply("refused", exc.message)
        except CoreError as exc:
            reply = Reply("unknown", exc.message)
        if earlier is not None:
            self._after_pending(conv, earlier, reply, intent)
        return reply, intent

    @staticmethod
    def _after_pending(conv: Conversation, earlier: dict[str, Any], reply: Reply, intent: str) -> None:
        """A new request replaces the plan that was waiting, and says so; a question in between leaves it waiting."""
        request = conv.pending is not None or reply.status in ("confirm", "done") or (intent in INTENTS and INTENTS[intent].changes)
        if not request:
            conv.pending = earlier
            return
        what = str(earlier.get("asked") or "").removesuffix("(yes/no)").strip().rstrip("?")
        what = f" to {what[:1].lower() + what[1:]}" if what else ""
        reply.reply = f"{reply.reply} This replaces the earlier plan{what}, which was not made.".strip()

    def _respond(self, session: Session, conv: Conversation, person: Asker, text: str, intent: str, confidence: float) -> tuple[Reply, str]:
        """A message that answers no waiting plan: a request, a question, small talk."""
        if intent == "undo":
            return self._undo(session, conv, person), intent
        if intent == "cancel" and (conv.frame is None or confidence >= 0.6 or NEVER_MIND.search(text)):
            conv.frame = None  # a doubtful "cancel" while a question waits is read as its answer ("leave the leisure key out")
            return Reply("answer", "OK, cancelled."), intent
        if conv.frame is not None and self._continues(conv.frame, intent, confidence):
            ongoing = conv.frame["intent"]
            said = conv.frame.get("said")
            if said:  # the property was asked for: the request said before it, with the answer
                text = f"{said}, {text}"
                self._entities = list(self.engine.parse(text).get("entities") or [])
            return self._plan(session, conv, person, ongoing, text, dict(conv.frame["values"]), follow_up=intent), ongoing
        if intent in SMALL_TALK and confidence >= 0.6:
            return Reply("answer", SMALL_TALK[intent]), intent
        if conv.last_question and conv.last_said and self._only_a_property(session, person, text):
            intent, confidence, text = conv.last_question, 1.0, f"{conv.last_said}, {text}"  # "Canal House": again, there
        elif conv.last_question and MORE_OF_THE_SAME.search(text):
            intent, confidence = conv.last_question, 1.0  # "and 3.04?": the last question again, about that
        conv.frame = None
        if intent not in INTENTS or confidence < 0.3:
            reply = self._plan(session, conv, person, intent, text, {}, guess=True, confidence=confidence)
            if reply.intent in INTENTS:
                return reply, reply.intent
            if intent in SMALL_TALK:
                return Reply("answer", SMALL_TALK[intent]), intent
            return Reply(
                "unknown",
                "Sorry, I didn't get that. You can ask me to give or revoke access, "
                "send a guest code, show activity, book an amenity, or say 'help'.",
            ), intent
        return self._plan(session, conv, person, intent, text, {}, confidence=confidence), intent

    @staticmethod
    def _continues(frame: dict[str, Any], intent: str, confidence: float) -> bool:
        return intent in FOLLOW_UPS or intent == frame["intent"] or confidence < 0.6 or intent not in INTENTS

    def _context(self, session: Session, conv: Conversation, person: Asker, text: str, intent: str) -> TurnContext | Reply:
        now = datetime.fromisoformat(conv.now) if conv.now else datetime.now(UTC)
        may = fits(session, self.places.principal(session, person), person.id, intent, now)
        prop = self.places.property_for(
            session, conv, person, text, fits=may, needs_property=intent not in PROPERTY_FREE, across=intent in ACROSS
        )
        if isinstance(prop, str):
            return Reply("ask", prop, missing=["property"])
        if isinstance(prop, list):
            return self._across(session, person, prop, now, intent, text)
        return self._at(session, person, prop, now)

    def _at(self, session: Session, person: Asker, prop: Site, now: datetime) -> TurnContext:
        lexicon, layout = self.places.views(session, prop)
        return TurnContext(session, self.places.principal(session, person), person, prop, now, self.places.zone(prop), lexicon, layout)

    def _across(self, session: Session, person: Asker, props: list[Site], now: datetime, intent: str, text: str) -> Reply:
        """A question answered at each of the asker's properties ("which doors have low batteries?"), one part each;
        asked which property when one of them asks something back."""
        parts: list[tuple[Site, Reply]] = []
        spec = INTENTS[intent]
        for prop in props:
            ctx = self._at(session, person, prop, now)
            reply = many.plan(intent, spec.handler, ctx, extract(ctx, text, prefer=spec.prefer, entities=self._entities), {})
            if reply.status != "answer":
                return Reply("ask", "Which property: " + ", ".join(p.name for p in props) + "?", missing=["property"])
            parts.append((prop, reply))
        merged: dict[str, Any] = {}
        for _, reply in parts:
            for name, value in (reply.result or {}).items():
                merged[name] = [*merged.get(name, []), *value] if isinstance(value, list) else merged.get(name, value)
        text = "\n\n".join(f"{prop.name}: {reply.reply}" for prop, reply in parts)
        return Reply("answer", text, result=merged)

    def _plan(
        self,
        session: Session,
        conv: Conversation,
        person: Asker,
        intent: str,
        text: str,
        values: dict[str, Any],
        follow_up: str | None = None,
        *,
        confidence: float = 1.0,
        guess: bool = False,
    ) -> Reply:
        """Plan or answer one intent; with ``guess`` the classifier was unsure and only the slots may name one."""
        if follow_up is None and EVERY_PROPERTY.search(text):
            everywhere = self._everywhere(session, conv, person, intent, text, values, confidence)
            if everywhere is not None:
                return everywhere
        ctx = self._context(session, conv, person, text, intent)
        if isinstance(ctx, Reply) and ctx.status == "answer":
            conv.frame = None
            conv.last_question, conv.last_said = intent, text
            return ctx
        if isinstance(ctx, Reply):
            if intent in INTENTS and not guess:  # "which property?": its answer continues this request
                conv.frame = {"intent": intent, "values": values, "missing": ctx.missing, "said": text}
            return ctx
        spec = INTENTS.get(intent, INTENTS["grant_access"])
        slots = extract(ctx, text, prefer=spec.prefer, entities=self._entities)
        if follow_up is None:
            better = refine(intent, slots, confidence, self._ranking) if intent in INTENTS else intent
            if guess and better == intent:  # an unsure classifier's own guess is no reason: only the slots may name one
                better = refine("out_of_scope", slots, 0.0, self._ranking)
            if better not in INTENTS:
                return Reply("unknown", "")
            if better == "grant_access" and self._a_guest_of(ctx, person, slots):
                better = "share_key"
            if better != intent or guess:
                intent = better
                if INTENTS[better].prefer != spec.prefer:
                    slots = extract(ctx, text, prefer=INTENTS[better].prefer, entities=self._entities)
                spec = INTENTS[better]
        if follow_up in ("affirm", "deny") and conv.frame and "resident" in conv.frame.get("missing", []):
            slots.resident = slots.resident if slots.resident is not None else follow_up == "affirm"
        for field in conv.frame.get("missing", []) if follow_up and conv.frame else []:
            suggested = values.pop(f"suggested_{field}", None)  # "Did you mean Ivy Chen?" answered yes
            if follow_up == "affirm" and suggested and not (slots.people or slots.new_people or slots.unsure_people):
                values[field] = suggested
        try:
            several = None if follow_up else combined.plan(ctx, text, self._reader(ctx), _change_handler)
            reply = several or many.plan(intent, spec.handler, ctx, slots, values)
        except (NotFound, Ambiguous) as exc:
            reply = Reply("ask", exc.message, missing=[getattr(exc, "kind", "name")])
        if reply.intent in INTENTS:  # one request of several asks about a detail: the frame is that request's
            intent, spec = reply.intent, INTENTS[reply.intent]
        if reply.status == "ask":
            try:
                _may_ever(ctx, intent, reply.values)  # no details asked for a request the asker may never make here
            except Refused:
                conv.frame = None
                raise
        if reply.status == "ask" and spec.changes:
            conv.frame = {"intent": intent, "values": reply.values, "missing": reply.missing}
        elif reply.status != "ask":
            conv.frame = None
        conv.last_question = intent if not spec.changes and reply.status == "answer" else None
        conv.last_said = text if conv.last_question else None
        if reply.status == "confirm":
            reply = self._check(ctx, conv, intent, reply)
        reply.intent = intent
        return reply

    def _everywhere(
        self, session: Session, conv: Conversation, person: Asker, intent: str, text: str, values: dict[str, Any], confidence: float
    ) -> Reply | None:
        """One plan of the change at each property where the asker may make it, each part planned there (its own
        holidays, doors and rules); None when it is no such change or they may make it at fewer than two."""
        now = datetime.fromisoformat(conv.now) if conv.now else datetime.now(UTC)
        if intent not in EVERYWHERE:
            candidates = self.places.candidates(session, person)
            if len(candidates) < 2 or intent not in INTENTS:
                return None
            ctx = self._at(session, person, candidates[0], now)
            intent = refine(intent, extract(ctx, text, prefer=INTENTS[intent].prefer, entities=self._entities), confidence, self._ranking)
            if intent not in EVERYWHERE:
                return None
        may = fits(session, self.places.principal(session, person), person.id, intent, now)
        props = [p for p in self.places.candidates(session, person) if may(p)]
        others = [p.name for p in self.places.portfolio(session, person) if p.id not in {q.id for q in props}]
        if not props or (len(props) == 1 and not others):
            return None
        if others:  # "lock down both buildings" from the manager of one: the other is said to be left out, not dropped
            one = len(others) == 1
            left_out = f"{' and '.join(others)} {'is' if one else 'are'} not yours to change, so {'it is' if one else 'they are'} left out."
            values = {**values, "left_out": left_out}
        spec, operations, notes, first = INTENTS[intent], [], [], None
        for prop in props:
            ctx = self._at(session, person, prop, now)
            first = first or ctx
            reply = many.plan(intent, spec.handler, ctx, extract(ctx, text, prefer=spec.prefer, entities=self._entities), dict(values))
            if reply.status != "confirm":
                reply.reply = f"At {prop.name}: {reply.reply}"
                return reply
            operations += reply.operations
            notes += [reply.note] if reply.note and reply.note not in notes else []
        assert first is not None
        conv.frame, conv.property_id = None, first.prop.id  # the yes is answered there; each operation names its own
        notes += [values["left_out"]] if values.get("left_out") else []
        checked = self._check(first, conv, intent, Reply("confirm", "", operations=operations, values=dict(values), note=" ".join(notes)))
        checked.intent = intent
        return checked

    def _only_a_property(self, session: Session, person: Asker, text: str) -> bool:
        """The message is one of the asker's properties named alone ("Canal House", "just at Canal House")."""
        if len(text) > 80:
            return False
        said = " ".join(w for w in re.findall(r"[\w'’]+", text.lower()) if w not in ("just", "only", "at", "for", "in", "the"))
        return bool(said) and any(p.name.lower() == said for p in self.places.candidates(session, person))

    def _moved(self, session: Session, conv: Conversation, person: Asker, text: str, earlier: dict[str, Any]) -> Reply | None:
        """The proposed plan on the one day a correction names and nothing else ("actually make it friday"): each
        time keeps its hours; None when the correction says more, or the plan is not of one day."""
        intent = str(earlier.get("intent") or "")
        if intent not in INTENTS or not earlier.get("operations"):
            return None
        ctx = self._context(session, conv, person, text, intent)
        if isinstance(ctx, Reply) or earlier.get("property_id") not in (None, ctx.prop.id):
            return None
        slots = extract(ctx, text, prefer="future")
        said = slots.time
        if said is None or said.kind != "day" or said.starts_at is None or slots.about_the_property:
            return None
        ops = moved_to_day(list(earlier["operations"]), said.starts_at.astimezone(ctx.tz).date(), ctx.tz)
        if ops is None:
            return None
        conv.pending = None
        reply = self._check(ctx, conv, intent, Reply("confirm", "", operations=ops, values=dict(earlier.get("values") or {})))
        reply.intent = intent
        return reply

    @staticmethod
    def _a_guest_of(ctx: TurnContext, person: Asker, slots: Slots) -> bool:
        """ "Let Sam into the car park" from someone who may share keys here but never give them: a guest of theirs.

        Only a plain letting-in is read so; a resident's or sharing term ("as a resident") stays a grant, refused as one.
        """
        if slots.resident is not None or slots.may_share is not None or not LETTING_IN.search(slots.text):
            return False  # "give max the common door key" is a grant, refused as one
        if fits(ctx.session, ctx.principal, person.id, "grant_access", ctx.now)(ctx.prop):
            return False
        return fits(ctx.session, ctx.principal, person.id, "share_key", ctx.now)(ctx.prop)

    def _reader(self, ctx: TurnContext) -> combined.Read:
        """How one clause of a message of several requests is understood: the classifier, the slots, the same refinement."""

        def read(clause: str) -> tuple[str, Slots]:
            parsed = self.engine.parse(clause)
            intent = parsed["intent"]["name"] or "out_of_scope"
            confidence = float(parsed["intent"].get("confidence") or 0.0)
            entities = list(parsed.get("entities") or [])
            slots = extract(ctx, clause, prefer=INTENTS.get(intent, INTENTS["grant_access"]).prefer, entities=entities)
            ranking = [str(r.get("name")) for r in parsed.get("intent_ranking") or []]
            return refine(intent, slots, confidence, ranking), slots

        return read

    def _check(self, ctx: TurnContext, conv: Conversation, intent: str, reply: Reply) -> Reply:
        """Ask the core whether the plan may be made, before proposing it."""
        core = Context.at(ctx.session, ctx.principal, ctx.now, ctx.prop)
        if not self.dry_run:
            begin_writing(ctx.session)  # the dry run writes (then rolls back): take SQLite's write lock in a fresh transaction
        try:
            try:
                try_operations(core, [from_op(op) for op in reply.operations])
            finally:
                self._end_dry_run(ctx.session)
        except Refused as exc:
            return Reply("refused", combined.refused_part(core, reply.operations, exc, ctx.tz))  # nothing is planned
        except Invalid as exc:
            if exc.field in ("resident", "key", "person", "serial"):
                conv.frame = {"intent": intent, "values": reply.values, "missing": [exc.field]}
                return Reply("ask", exc.message, missing=[exc.field])
            return Reply("refused", exc.message)
        except (NotFound, Ambiguous) as exc:
            conv.frame = {"intent": intent, "values": reply.values, "missing": [exc.kind]}
            return Reply("ask", exc.message, missing=[exc.kind])
        asked = question(ctx.session, reply.operations, ctx.tz, ctx.now) + (f" {reply.note}" if reply.note else "")
        propose(conv, {"intent": intent, "operations": reply.operations, "property_id": ctx.prop.id, "values": reply.values}, asked)
        return Reply("confirm", asked, operations=reply.operations)

    def _end_dry_run(self, session: Session) -> None:
        """End the transaction once the rolled-back dry run is over, when the turn has written nothing.

        On SQLite the dry run's writes took the write lock of the whole file, which rolling back the
        savepoint does not give back; keeping the transaction open until the turn ends would make every
        other writer (other workers' turns, Slack's retry bookkeeping) wait for the reply to be worded.
        (PostgreSQL releases a rolled-back savepoint's row locks at once.) The session's objects stay loaded.
        """
        if self.dry_run or session.get_bind().dialect.name != "sqlite":
            return
        if not (session.new or session.dirty or session.deleted):
            session.commit()

    def _answer_pending(self, session: Session, conv: Conversation, person: Asker, intent: str) -> Reply | None:
        pending, conv.pending = conv.pending, None
        assert pending is not None
        if intent in ("deny", "cancel"):
            return Reply("answer", "OK, I won't do that.")
        if intent != "affirm":
            if pending.get("values") and pending["intent"] in INTENTS and intent in ("inform", pending["intent"]):
                # a detail added to a proposed plan ("until friday") re-plans it with the detail
                conv.frame = {"intent": pending["intent"], "values": dict(pending["values"]), "missing": []}
            return None
        if self.dry_run:
            return Reply("answer", "Dry run: nothing was changed.", operations=pending["operations"])
        ctx = self._context(session, conv, person, "", "")
        if isinstance(ctx, Reply):
            return ctx
        if pending.get("property_id") not in (None, ctx.prop.id):
            return Reply("refused", "That plan was for another property; nothing was changed.")
        begin_writing(session)
        # the roles held now, read from the database: a role taken away since the plan was proposed no longer counts
        core = Context.at(session, load_principal(session, person), ctx.now, ctx.prop)
        try:
            outcomes = execute_all(core, [from_op(op) for op in pending["operations"]])
        except CoreError as exc:
            session.rollback()
            return Reply("refused", f"That couldn't be done: {exc.message}")
        conv.undo = [command.to_op() for outcome in reversed(outcomes) for command in outcome.undo]
        self.places.changed(ctx.prop.id)
        details = {k: v for o in outcomes for k, v in o.detail.items()}
        return Reply("done", summary(outcomes, ctx.tz), operations=pending["operations"], result=details or None)

    def _undo(self, session: Session, conv: Conversation, person: Asker) -> Reply:
        if not conv.undo:
            return Reply("answer", "There is nothing I can undo.")
        ctx = self._context(session, conv, person, "", "")
        if isinstance(ctx, Reply):
            return ctx
        ops, conv.undo = conv.undo, []
        asked = question(session, ops, ctx.tz, ctx.now)
        asked = "Undo: " + asked[:1].lower() + asked[1:]
        propose(conv, {"intent": "undo", "operations": ops, "property_id": ctx.prop.id}, asked)
        return Reply("confirm", asked, operations=ops)


def propose(conv: Conversation, pending: dict[str, Any], asked: str) -> None:
    """Make ``pending`` the plan waiting for yes/no, under a new unguessable id that its buttons carry."""
    conv.pending = {**pending, "id": secrets.token_urlsafe(16), "asked": asked}


def _turn_json(reply: Reply, intent: str, confidence: float) -> dict[str, Any]:
    """The CONTRACT turn, exactly its fields."""
    return {
        "intent": reply.intent or intent,
        "confidence": round(confidence, 3),
        "status": reply.status,
        "operations": reply.operations,
        "missing": reply.missing,
        "result": reply.result,
        "reply": reply.reply,
    }


def _change_handler(intent: str) -> many.Handler | None:
    spec = INTENTS.get(intent)
    return spec.handler if spec is not None and spec.changes else None


def _may_ever(ctx: TurnContext, intent: str, values: dict[str, Any] | None = None) -> None:
    """Refuse an intent whose every kind of command the asker may never make at the property, or never with the key
    already named (``Refused``)."""
    key = (values or {}).get("key")
    refusals = []
    for kind in INTENTS[intent].makes:
        try:
            policy.may_ever(ctx, kind, key=key if isinstance(key, str) else None)
        except Refused as exc:
            refusals.append(exc)
        else:
            return
    if refusals:
        raise refusals[0]
