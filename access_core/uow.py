"""The unit of work: one transaction's reads and writes, and what must happen with it.

``Wiring`` is what the bootstrap gives every unit of work of one database: watchers that write
beside each flush in the same transaction (the device outbox), and subscribers told, after a
commit, of the events the core published in it (``publish``). Nothing here is process-wide:
a session made by another database, or by hand, carries none of it.

``Reads`` are the questions the rules (``access_core.rules``) ask of stored access; the
SQLAlchemy unit of work answers them with SQL, ``tests/fakes/uow.py`` from plain objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, sessionmaker

from access_core.models import Door, DoorType, Grant, GuestShare, KeyDoor, Property

EVENTS = "concierge_published_events"
DRY_RUN = "concierge_dry_run"
"""Set in ``session.info`` while a plan is tried in a savepoint that is always rolled back (``dry_run``)."""


class FlushWatcher(Protocol):
    """Writes, in the flushing transaction, what a flush means for some other part (the device outbox)."""

    def after_flush(self, session: Session) -> None:
        """Look at ``session.new``, ``dirty`` and ``deleted``; write on ``session.connection()``."""

    def bulk_statement(self, state: ORMExecuteState) -> None:
        """An ORM bulk statement, which skips the flush."""


Subscriber = Callable[[Engine, Sequence[Any]], None]
"""Told after a commit of the events of one type published in it (with the engine to act on)."""


@dataclass(frozen=True, slots=True)
class Wiring:
    """The collaborators of every unit of work of one database, given by the bootstrap."""

    watchers: tuple[FlushWatcher, ...] = ()
    """Run on every flush, inside its transaction."""
    subscribers: Mapping[type[Any], tuple[Subscriber, ...]] = field(default_factory=dict)
    """Event type -> who hears of it once the transaction that published it commits."""

    def attach(self, sessions: sessionmaker[Session]) -> None:
        """Listen on this session factory only (never on every Session of the process)."""
        for watcher in self.watchers:
            event.listen(sessions, "after_flush", _after_flush(watcher))
            event.listen(sessions, "do_orm_execute", _bulk_statement(watcher))
        if self.subscribers:
            event.listen(sessions, "after_commit", self._committed)
            event.listen(sessions, "after_soft_rollback", _forget)

    def _committed(self, session: Session) -> None:
        published: list[tuple[Any, Any]] = session.info.pop(EVENTS, [])
        bind = session.get_bind()
        if not published or not isinstance(bind, Engine):
            return
        for kind, subscribers in self.subscribers.items():
            these = [e for _transaction, e in published if isinstance(e, kind)]
            for subscriber in subscribers if these else ():
                subscriber(bind, these)


def _after_flush(watcher: FlushWatcher) -> Callable[[Session, Any], None]:
    def flushed(session: Session, _context: Any) -> None:
        if not session.info.get(DRY_RUN):  # what a dry run writes is rolled back: devices have nothing to learn of it
            watcher.after_flush(session)

    return flushed


def _bulk_statement(watcher: FlushWatcher) -> Callable[[ORMExecuteState], None]:
    def executed(state: ORMExecuteState) -> None:
        if not state.session.info.get(DRY_RUN):
            watcher.bulk_statement(state)

    return executed


@contextmanager
def dry_run(session: Session) -> Iterator[None]:
    """Work that is always rolled back (a plan tried in a savepoint): the flush watchers write nothing beside it.

    The device outbox would describe every flushed row and insert its ``device_changes`` row only for the savepoint
    to take it back; skipping it spares a statement and the description per tried plan. Nothing else changes.
    """
    outer = session.info.get(DRY_RUN)
    session.info[DRY_RUN] = True
    try:
        yield
    finally:
        if outer:
            session.info[DRY_RUN] = outer
        else:
            session.info.pop(DRY_RUN, None)


def _forget(session: Session, rolled_back: SessionTransaction) -> None:
    """Events published inside a transaction or savepoint that rolled back (a dry run's) are never told."""
    published: list[tuple[SessionTransaction, Any]] = session.info.get(EVENTS, [])
    session.info[EVENTS] = [(t, e) for t, e in published if not _within(t, rolled_back)]


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def publish(session: Session, happened: object) -> None:
    """Tell the subscribers of ``type(happened)`` once this session's transaction commits.

    Never when it rolls back, nor when the savepoint it was published in rolls back (a dry run).
    """
    innermost = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(EVENTS, []).append((innermost, happened))


@dataclass(frozen=True, slots=True)
class GrantTerms:
    """A grant as the rules see it."""

    person_id: int
    key_id: int
    starts_at: datetime
    ends_at: datetime | None
    resident: bool
    may_share: bool


@dataclass(frozen=True, slots=True)
class Holding:
    """A door a person has (or had) through a grant or a share, and over which period."""

    door_id: int
    starts_at: datetime
    ends_at: datetime | None
    residency: bool
    """A resident grant at a residence door."""


class Reads(Protocol):
    """What the rules read of stored access."""

    def doors_of_keys(self, key_ids: Iterable[int]) -> frozenset[int]:
        """Every door in any of these keys."""

    def properties_of_portfolios(self, portfolio_ids: Iterable[int]) -> frozenset[int]:
        """Every property of these portfolios."""

    def grants_through(self, person_id: int, door_id: int) -> Sequence[GrantTerms]:
        """The person's grants of keys that contain the door (any period)."""

    def holdings(self, person_id: int) -> Sequence[Holding]:
        """Every door of the person's grants and shares, with their periods."""


class UnitOfWork(Reads, Protocol):
    """One transaction: read through it, then commit (leaving the block without committing rolls back)."""

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class SessionReads:
    """``Reads`` answered with SQL through one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def doors_of_keys(self, key_ids: Iterable[int]) -> frozenset[int]:
        keys = sorted(set(key_ids))
        if not keys:
            return frozenset()
        return frozenset(self.session.scalars(select(KeyDoor.door_id).where(KeyDoor.key_id.in_(keys))))

    def properties_of_portfolios(self, portfolio_ids: Iterable[int]) -> frozenset[int]:
        portfolios = sorted(set(portfolio_ids))
        if not portfolios:
            return frozenset()
        return frozenset(self.session.scalars(select(Property.id).where(Property.portfolio_id.in_(portfolios))))

    def grants_through(self, person_id: int, door_id: int) -> Sequence[GrantTerms]:
        rows = self.session.scalars(
            select(Grant).join(KeyDoor, KeyDoor.key_id == Grant.key_id).where(Grant.person_id == person_id, KeyDoor.door_id == door_id)
        )
        return [terms_of(g) for g in rows]

    def holdings(self, person_id: int) -> Sequence[Holding]:
        grants = self.session.execute(
            select(KeyDoor.door_id, Grant.starts_at, Grant.ends_at, Grant.resident, Door.type)
            .join(KeyDoor, KeyDoor.key_id == Grant.key_id)
            .join(Door, Door.id == KeyDoor.door_id)
            .where(Grant.person_id == person_id)
        )
        shares = self.session.execute(
            select(KeyDoor.door_id, GuestShare.starts_at, GuestShare.ends_at)
            .join(KeyDoor, KeyDoor.key_id == GuestShare.key_id)
            .where(GuestShare.guest_id == person_id)
        )
        return [
            *(Holding(door, starts, ends, resident and kind == DoorType.residence) for door, starts, ends, resident, kind in grants),
            *(Holding(door, starts, ends, False) for door, starts, ends in shares),
        ]


def terms_of(grant: Grant) -> GrantTerms:
    return GrantTerms(grant.person_id, grant.key_id, grant.starts_at, grant.ends_at, grant.resident, grant.may_share)


class SqlUnitOfWork(SessionReads):
    """The unit of work over a session of the database's factory (and so with its wiring)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self.sessions()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


@contextmanager
def committing(uow: UnitOfWork) -> Iterator[UnitOfWork]:
    """Commit when the block ends, roll back on error."""
    with uow:
        yield uow
        uow.commit()
