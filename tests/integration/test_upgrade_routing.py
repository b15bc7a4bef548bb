"""Upgrade requests reach the sales team: stored first, posted to the sales Slack channel after the commit, once.

Slack is a local fake of its Web API (every call recorded); "down" is a port nobody listens on.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fakes.http_fake import Call, FakeServer
from fakes.slack_api import fake_slack
from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core import describe
from access_core.commands import from_op
from access_core.db import Database
from access_core.errors import CoreError, Invalid, Refused
from access_core.lookup import property_by_name, require_person
from access_core.models import UpgradeRequest
from access_core.principal import load_principal
from access_core.services import dispatch
from access_core.services.context import Context, Outcome
from bot.dialogue import Dialogue
from bot.state import Conversation
from concierge_catalog.sales import route_pending, set_request_state, upgrade_requests, wait_for_routing
from tests.integration.operations import execute


def try_operations(ctx: Context, ops: list[dict[str, Any]]) -> list[Outcome]:
    return dispatch.try_operations(ctx, [from_op(op) for op in ops])


NOW = datetime.fromisoformat("2026-12-01T10:00:00-05:00")
BEN, ANA, CARLA = "ben.carter@harbor.example", "ana.lopez@harbor.example", "carla.diaz@harbor.example"
CAMERA = {"op": "submit_request", "upgrade": "latch_camera"}


@pytest.fixture
def slack_api() -> Iterator[FakeServer]:
    with fake_slack() as fake:
        yield fake


def use_slack(monkeypatch: pytest.MonkeyPatch, url: str, channel: str = "#sales") -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SALES_CHANNEL", channel)
    monkeypatch.setenv("SLACK_API_URL", url + "/api/")


def dead_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def context(session: Session, who: str) -> Context:
    prop = property_by_name(session, "The Foundry")
    assert prop is not None
    return Context(session, load_principal(session, require_person(session, who)), NOW, prop)


def submit(db: Database, who: str = BEN, op: dict[str, Any] = CAMERA) -> Outcome:
    """Submit and wait for the routing it starts after the commit (on a thread of its own)."""
    with db.session() as session:
        outcome = execute(context(session, who), op)
    wait_for_routing()
    return outcome


def requests(db: Database) -> list[UpgradeRequest]:
    wait_for_routing()
    with db.session() as session:
        return list(session.scalars(select(UpgradeRequest).order_by(UpgradeRequest.id)))


def posts(fake: FakeServer) -> list[Call]:
    wait_for_routing()
    return fake.named("chat.postMessage")


def test_a_request_is_stored_then_posted_once_to_the_sales_channel(
    foundry: Database, slack_api: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_slack(monkeypatch, slack_api.url, "#sales-leads")
    outcome = submit(foundry)
    assert outcome.change == "request_sent"
    [post] = posts(slack_api)
    assert post.params["channel"] == "#sales-leads"
    text = post.params["text"]
    assert "The Foundry" in text and "latch camera" in text and "Ben Carter" in text and f"#{outcome.detail['request']}" in text
    [stored] = requests(foundry)
    assert (stored.state, stored.route, stored.route_error) == ("open", "slack:#sales-leads", None)
    assert stored.routed_at is not None and stored.route_attempts == 1

    assert route_pending(foundry) == []
    again = submit(foundry, ANA)
    assert again.change == "request_already_open" and again.detail["request"] == stored.id
    assert len(posts(slack_api)) == 1 and len(requests(foundry)) == 1


def test_a_dry_run_stores_and_posts_nothing(foundry: Database, slack_api: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    use_slack(monkeypatch, slack_api.url)
    with foundry.session() as session:
        try_operations(context(session, BEN), [CAMERA])
    assert requests(foundry) == [] and posts(slack_api) == []

    dialogue, conv = Dialogue(foundry), Conversation(person=BEN, now=NOW.isoformat())
    planned = dialogue.turn(conv, "submit a request for package lockers")
    assert planned["status"] == "confirm" and planned["operations"] == [{"op": "submit_request", "upgrade": "package_lockers"}]
    assert requests(foundry) == [] and posts(slack_api) == []
    done = dialogue.turn(conv, "yes")
    assert done["status"] == "done"
    assert [r.upgrade for r in requests(foundry)] == ["package_lockers"]
    assert len(posts(slack_api)) == 1 and "package lockers" in posts(slack_api)[0].params["text"]

    dry = Dialogue(foundry, dry_run=True)
    conv = Conversation(person=ANA, now=NOW.isoformat())
    dry.turn(conv, "submit a request for smart thermostats")
    assert dry.turn(conv, "yes")["reply"].startswith("Dry run")
    assert len(requests(foundry)) == 1 and len(posts(slack_api)) == 1


def test_slack_down_keeps_the_request_and_a_later_retry_delivers_it_once(
    foundry: Database, slack_api: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_slack(monkeypatch, dead_url())
    assert submit(foundry).change == "request_sent"
    [stored] = requests(foundry)
    assert stored.routed_at is None and stored.route == "slack:#sales" and stored.route_error
    assert stored.route_claimed_at is None

    use_slack(monkeypatch, slack_api.url)
    [done] = route_pending(foundry)
    assert (done.request_id, done.route, done.error) == (stored.id, "slack:#sales", None)
    assert route_pending(foundry) == []
    assert len(posts(slack_api)) == 1
    [stored] = requests(foundry)
    assert stored.routed_at is not None and stored.route_error is None and stored.route_attempts == 2


def test_a_missing_channel_is_recorded_and_retried(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_channel(call: Call) -> tuple[int, Any]:
        return 200, {"ok": False, "error": "channel_not_found"}

    with FakeServer(no_channel) as broken:
        use_slack(monkeypatch, broken.url, "#gone")
        submit(foundry)
        assert len(broken.named("chat.postMessage")) == 1
    [stored] = requests(foundry)
    assert stored.routed_at is None and "channel_not_found" in (stored.route_error or "")


def test_without_slack_a_request_is_routed_stored_only(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_SALES_CHANNEL", "SLACK_BOT_TOKEN", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)
    submit(foundry)
    [stored] = requests(foundry)
    assert stored.route == "stored-only" and stored.routed_at is not None and stored.route_error is None


def test_full_and_portfolio_managers_see_the_requests_limited_ones_do_not(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_SALES_CHANNEL", raising=False)
    submit(foundry)
    with foundry.session() as session:
        for who in (BEN, ANA):
            ctx = context(session, who)
            [seen] = upgrade_requests(session, ctx.principal, ctx.prop)
            assert {k: seen[k] for k in ("upgrade", "state", "requested_by", "route")} == {
                "upgrade": "latch_camera",
                "state": "open",
                "requested_by": BEN,
                "route": "stored-only",
            }
        for who in (CARLA, "jane.park@example.com"):
            ctx = context(session, who)
            with pytest.raises(Refused) as refused:
                upgrade_requests(session, ctx.principal, ctx.prop)
            assert refused.value.rule == "full_key_management_required"


def test_the_sales_states_and_a_new_request_once_closed(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_SALES_CHANNEL", raising=False)
    first = submit(foundry).detail["request"]
    with foundry.session() as session:
        assert set_request_state(session, first, "in_progress", NOW).state == "in_progress"
    assert submit(foundry).change == "request_already_open"
    with foundry.session() as session:
        closed = set_request_state(session, first, "closed", NOW)
        assert closed.closed_at == NOW
    with foundry.session() as session, pytest.raises(Invalid):
        set_request_state(session, first, "in_progress", NOW)
    second = submit(foundry).detail["request"]
    assert second != first
    assert [(r.id, r.state) for r in requests(foundry)] == [(first, "closed"), (second, "open")]


def test_the_sales_team_moves_a_request_and_retries_routing_from_the_concierge_command(
    foundry: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    monkeypatch.delenv("SLACK_SALES_CHANNEL", raising=False)
    first = submit(foundry).detail["request"]
    moved = CliRunner().invoke(app, ["sales", "state", str(first), "closed", "--db", foundry.url])
    assert moved.exit_code == 0 and moved.output.strip() == f"#{first} closed"
    again = CliRunner().invoke(app, ["sales", "state", str(first), "in_progress", "--db", foundry.url])
    assert again.exit_code == 1 and again.output.strip()
    assert CliRunner().invoke(app, ["sales", "state", str(first), "reopened", "--db", foundry.url]).exit_code == 2
    routed = CliRunner().invoke(app, ["sales", "route", "--db", foundry.url])
    assert routed.exit_code == 0 and routed.output == ""  # stored-only requests were routed when they committed
    assert [(r.id, r.state) for r in requests(foundry)] == [(first, "closed")]


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_parallel_submissions_store_one_request_and_parallel_retries_post_it_once(
    foundry: Database, slack_api: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_slack(monkeypatch, dead_url())

    def attempt(who: str) -> str:
        try:
            return describe.done(submit(foundry, who), ZoneInfo("America/New_York"))
        except CoreError as exc:
            return exc.message

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(attempt, [BEN, ANA] * 6))
    assert sum("Sent your request" in a for a in answers) == 1
    assert sum("already open" in a for a in answers) == 11
    [stored] = requests(foundry)
    assert stored.routed_at is None
    use_slack(monkeypatch, slack_api.url)
    with ThreadPoolExecutor(max_workers=8) as pool:
        sent = [done for batch in pool.map(lambda _: route_pending(foundry), range(8)) for done in batch]
    assert [(d.request_id, d.error) for d in sent] == [(stored.id, None)]
    assert len(posts(slack_api)) == 1


def test_a_slow_slack_does_not_hold_up_the_turn(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    def slow(call: Call) -> tuple[int, Any]:
        time.sleep(1.5)
        return 200, {"ok": True, "channel": "C1", "ts": "1.0"}

    with FakeServer(slow) as sluggish:
        use_slack(monkeypatch, sluggish.url)
        started = time.perf_counter()
        with foundry.session() as session:
            execute(context(session, BEN), CAMERA)
        assert time.perf_counter() - started < 1.0
        wait_for_routing()
        assert len(sluggish.named("chat.postMessage")) == 1
    [stored] = requests(foundry)
    assert stored.route == "slack:#sales" and stored.routed_at is not None
