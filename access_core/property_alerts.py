"""Alerts about a whole property (a lockdown started or lifted), told to subscribers once the change is committed.

The core only announces; channels subscribe (``subscribe``) and deliver, e.g. to Slack. An alert of a change
that is rolled back (a dry run, a refused plan) is never announced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class PropertyAlert:
    """Something every manager who may act on it should hear about at once."""

    kind: str
    """``lockdown_started`` or ``lockdown_lifted``."""
    property_id: int
    property_name: str
    text: str
    """The sentence to show."""


Subscriber = Callable[[PropertyAlert], Any]
_SUBSCRIBERS: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    if subscriber not in _SUBSCRIBERS:
        _SUBSCRIBERS.append(subscriber)


def unsubscribe(subscriber: Subscriber) -> None:
    if subscriber in _SUBSCRIBERS:
        _SUBSCRIBERS.remove(subscriber)


PENDING = "property_alerts"
"""``session.info`` key: the alerts waiting for the session's commit, each with the transaction it was made in."""


def announce_after_commit(session: Session, alert: PropertyAlert) -> None:
    """Tell every subscriber once the session's transaction commits (not at all if it rolls back)."""
    if not _SUBSCRIBERS:
        return
    if PENDING not in session.info:
        session.info[PENDING] = []
        event.listen(session, "after_commit", _tell)
        event.listen(session, "after_soft_rollback", _forget)
    session.info[PENDING].append((alert, session.get_nested_transaction() or session.get_transaction()))


def _tell(session: Session) -> None:
    pending, session.info[PENDING] = session.info.get(PENDING, []), []
    for alert, _ in pending:
        for subscriber in list(_SUBSCRIBERS):
            subscriber(alert)


def _forget(session: Session, rolled_back: Any) -> None:
    """Drop the alerts made inside a savepoint or transaction that was rolled back."""
    session.info[PENDING] = [(alert, made_in) for alert, made_in in session.info.get(PENDING, []) if not _within(made_in, rolled_back)]


def _within(made_in: Any, rolled_back: Any) -> bool:
    level = made_in
    while level is not None:
        if level is rolled_back:
            return True
        level = level.parent
    return False
