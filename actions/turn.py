"""A turn's context and its answer (the CONTRACT turn JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from access_core.principal import Principal
from access_core.rules.residency import resident_through
from access_core.views import Asker, Site, resident_doors
from actions.layout import Layout
from nlu.resolve import Lexicon


@dataclass(slots=True)
class TurnContext:
    """Everything a handler may use: the unit of work, who asks, where, when."""

    session: Session
    """The unit of work (questions read it; plans are tried in a rolled-back savepoint)."""
    principal: Principal
    """Who asks, with their roles."""
    person: Asker
    """The asker."""
    prop: Site
    """The property the conversation is about."""
    now: datetime
    """The conversation's clock."""
    tz: ZoneInfo
    """The property's zone."""
    lexicon: Lexicon
    """The property's aliases."""
    layout: Layout
    """The property's keys and doors as plain values."""
    homes: list[str] | None = None
    """The asker's homes here, once read in this turn (the turn's data does not change before its plan is tried)."""


@dataclass(slots=True)
class Reply:
    """What a handler decided: one CONTRACT status and its parts."""

    status: str
    """ask, confirm, answer, refused or unknown (done is the dialogue's)."""
    reply: str
    """The sentence for the person."""
    operations: list[dict[str, Any]] = field(default_factory=list)
    """Planned operations (confirm)."""
    missing: list[str] = field(default_factory=list)
    """Details still needed (ask)."""
    result: dict[str, Any] | None = None
    """What a question found (answer)."""
    values: dict[str, Any] = field(default_factory=dict)
    """The slots gathered so far, kept for the next turn when asking."""
    intent: str | None = None
    """The intent finally handled, when the dialogue corrected the classifier's."""
    note: str = ""
    """What the confirmation must add about the plan (a door code asked for an evening is valid all day)."""


def ask(missing: list[str], reply: str, values: dict[str, Any]) -> Reply:
    return Reply("ask", reply, missing=missing, values=values)


def confirm(operations: list[dict[str, Any]], reply: str = "", values: dict[str, Any] | None = None) -> Reply:
    return Reply("confirm", reply, operations=operations, values=values or {})


def answer(result: dict[str, Any], reply: str) -> Reply:
    return Reply("answer", reply, result=result)


def refused(reply: str) -> Reply:
    return Reply("refused", reply)


def my_residence_doors(ctx: TurnContext) -> list[str]:
    """The asker's homes here (read once a turn)."""
    if ctx.homes is None:
        ctx.homes = residence_doors(ctx, ctx.person.id)
    return list(ctx.homes)


def residence_doors(ctx: TurnContext, person_id: int, *, ever: bool = False) -> list[str]:
    """The homes a person is a resident of now (with ``ever``: their latest home when none is current)."""
    pairs = resident_doors(ctx.session, ctx.prop.id, person_id)
    names: list[str] = []
    for grant in pairs:
        if resident_through([grant], ctx.now) and grant.door not in names:
            names.append(grant.door)
    if not names and ever and pairs:
        latest = max(pairs, key=lambda pair: pair.starts_at)
        names.append(latest.door)
    return names
