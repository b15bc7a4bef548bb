"""Upgrade requests to the sales team: always stored, then posted to a Slack channel when one is configured.

A request is routed only after the transaction that stored it commits (a dry run, rolled back, sends
nothing), on a thread of its own so a slow Slack never holds up the conversation (``wait_for_routing``
waits for those threads; the process waits for them before it exits). ``route_pending`` sends every
request not yet routed, each claimed first so two senders never post it twice; a failure (Slack down,
channel missing) is kept on the request and retried on the next call. Settings: ``SLACK_SALES_CHANNEL``
and ``SLACK_BOT_TOKEN`` (``SLACK_API_URL`` for another base URL).
Without them a request is routed ``stored-only``: sales read it from ``GET /api/v1/upgrade-requests``.

``concierge sales route [--db URL]`` retries by hand (or from cron); ``concierge sales state ID
in_progress|closed`` is the sales team's side (``bot/cli_sales.py``, an entry point, builds the database).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session

from access_core import policy
from access_core.db import Database
from access_core.errors import Invalid
from access_core.events import UpgradeRequested
from access_core.models import Person, Property, UpgradeRequest
from access_core.principal import Principal
from access_core.sources import zone
from access_core.timefmt import moment_text

log = logging.getLogger(__name__)
STORED_ONLY = "stored-only"
LEASE = timedelta(minutes=5)
"""How long a claim keeps others from sending a request (a sender that died mid-post frees it after this)."""
NEXT_STATES = {"open": {"in_progress", "closed"}, "in_progress": {"closed"}, "closed": set()}


class SalesRoute(Protocol):
    @property
    def name(self) -> str:
        """What ``route`` records: ``slack:<channel>``."""

    def post(self, text: str) -> None:
        """Deliver the text or raise."""


@dataclass(frozen=True, slots=True)
class SlackChannel:
    """A Slack channel of the sales team, posted to with the bot token."""

    channel: str
    token: str
    api_url: str | None = None

    @property
    def name(self) -> str:
        return f"slack:{self.channel}"

    def post(self, text: str) -> None:
        from slack_sdk import WebClient

        client = WebClient(token=self.token, base_url=self.api_url, timeout=10) if self.api_url else WebClient(token=self.token, timeout=10)
        client.chat_postMessage(channel=self.channel, text=text)


def configured_route() -> SalesRoute | None:
    channel, token = os.environ.get("SLACK_SALES_CHANNEL"), os.environ.get("SLACK_BOT_TOKEN")
    if not channel or not token:
        return None
    return SlackChannel(channel, token, os.environ.get("SLACK_API_URL") or None)


@dataclass(frozen=True, slots=True)
class Routed:
    request_id: int
    route: str
    error: str | None = None
    """Why it could not be sent (it stays pending), else None."""


def message(session: Session, request: UpgradeRequest) -> str:
    prop = session.get(Property, request.property_id)
    person = session.get(Person, request.requested_by_id)
    assert prop is not None and person is not None
    when = moment_text(request.created_at, zone(prop.timezone))
    return (
        f"Upgrade request #{request.id}: {prop.name} ({prop.address}) would like "
        f"{request.upgrade.replace('_', ' ')} (`{request.upgrade}`). Requested by {person.label} <{person.handle}> on {when}."
    )


def route_pending(target: Database | Engine, *, now: datetime | None = None, route: SalesRoute | None = None) -> list[Routed]:
    """Send every stored request not yet routed; returns what happened to each one tried."""
    engine = target.engine if isinstance(target, Database) else target
    route = route if route is not None else configured_route()
    with Session(engine) as session:
        ids = list(session.scalars(select(UpgradeRequest.id).where(UpgradeRequest.routed_at.is_(None)).order_by(UpgradeRequest.id)))
    return [done for request_id in ids if (done := _route_one(engine, request_id, now or datetime.now(UTC), route)) is not None]


def _route_one(engine: Engine, request_id: int, now: datetime, route: SalesRoute | None) -> Routed | None:
    with Session(engine) as session, session.begin():
        claimed = session.execute(
            update(UpgradeRequest)
            .where(
                UpgradeRequest.id == request_id,
                UpgradeRequest.routed_at.is_(None),
                or_(UpgradeRequest.route_claimed_at.is_(None), UpgradeRequest.route_claimed_at < now - LEASE),
            )
            .values(route_claimed_at=now, route_attempts=UpgradeRequest.route_attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            return None
        request = session.get(UpgradeRequest, request_id)
        assert request is not None
        text = message(session, request)
    error: str | None = None
    if route is not None:
        try:
            route.post(text)
        except Exception as exc:  # any failure leaves the request pending, with its reason
            error = f"{type(exc).__name__}: {exc}"[:400]
            log.warning("upgrade request %s not sent to %s: %s", request_id, route.name, error)
    name = route.name if route is not None else STORED_ONLY
    with Session(engine) as session, session.begin():  # a write first: SQLite waits for its lock rather than failing
        session.execute(
            update(UpgradeRequest)
            .where(UpgradeRequest.id == request_id)
            .values(route=name, route_error=error, route_claimed_at=None, routed_at=None if error else now)
            .execution_options(synchronize_session=False)
        )
    return Routed(request_id, name, error)


_senders: set[threading.Thread] = set()
_senders_guard = threading.Lock()


def wait_for_routing(timeout: float = 30.0) -> None:
    """Wait for the requests committed so far to be sent (or to fail and be kept for a retry)."""
    with _senders_guard:
        running = list(_senders)
    for thread in running:
        thread.join(timeout)


def route_requested(bind: Engine, requested: Sequence[UpgradeRequested]) -> None:
    """Route the requests just committed (and any older pending one), on a thread of its own.

    The bootstrap subscribes this to ``UpgradeRequested``: the unit of work calls it after the commit.
    """
    ids = {r.request_id for r in requested}
    if not ids:
        return
    thread = threading.Thread(target=_route_committed, args=(bind, ids), name="sales-route")  # not a daemon: sent before exit
    with _senders_guard:  # started before anyone can wait for it; it leaves the set under the same guard
        thread.start()
        _senders.add(thread)


def _route_committed(bind: Engine, ids: set[int]) -> None:
    try:
        _route_if_stored(bind, ids)
    finally:
        with _senders_guard:
            _senders.discard(threading.current_thread())


def _route_if_stored(bind: Engine, ids: set[int]) -> None:
    try:
        with Session(bind) as check:
            stored = check.scalar(select(UpgradeRequest.id).where(UpgradeRequest.id.in_(ids)).limit(1))
        if stored is not None:
            route_pending(bind)
    except Exception:  # the request is stored; routing is retried later
        log.exception("routing upgrade requests after commit failed")


def upgrade_requests(session: Session, principal: Principal, prop: Property) -> list[dict[str, Any]]:
    """The property's requests with their state and routing: P, F."""
    policy.require_sales(principal, prop)
    tz = zone(prop.timezone)
    rows = session.scalars(select(UpgradeRequest).where(UpgradeRequest.property_id == prop.id).order_by(UpgradeRequest.id))
    return [
        {
            "id": r.id,
            "upgrade": r.upgrade,
            "state": r.state,
            "requested_by": r.requested_by.handle,
            "created_at": r.created_at.astimezone(tz).isoformat(),
            "closed_at": r.closed_at.astimezone(tz).isoformat() if r.closed_at else None,
            "route": r.route,
            "routed_at": r.routed_at.astimezone(tz).isoformat() if r.routed_at else None,
            "route_error": r.route_error,
        }
        for r in rows
    ]


def set_request_state(session: Session, request_id: int, state: str, now: datetime) -> UpgradeRequest:
    """The sales team's side: open -> in_progress -> closed (or open -> closed)."""
    request = session.get(UpgradeRequest, request_id)
    if request is None:
        raise Invalid("request", f"There is no upgrade request #{request_id}.")
    if state not in NEXT_STATES.get(request.state, set()):
        raise Invalid("state", f"Request #{request_id} is {request.state}; it can't become {state}.")
    request.state = state
    request.closed_at = now if state == "closed" else None
    session.flush()
    return request
