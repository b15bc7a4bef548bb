"""Orders: states and their legal transitions, receipts and their numbers, prices as they were, who may see
and change them; reachable from chat and from the REST API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from access_core.db import Database
from access_core.errors import Invalid, NotFound, Refused
from access_core.lookup import property_by_name, require_person
from access_core.models import CatalogItem, Order
from access_core.principal import load_principal
from access_core.services.context import Context
from bot.dialogue import Dialogue
from bot.state import Conversation, MemoryStore
from bot.web.app import create_app
from bot.web.auth import issue_token
from concierge_catalog import orders
from tests.integration.operations import execute

NOW = datetime.fromisoformat("2026-12-01T10:00:00-05:00")
LATER = datetime.fromisoformat("2026-12-03T12:00:00-05:00")
JANE, OMAR, LUCIA = "jane.park@example.com", "omar.haddad@example.com", "lucia.romero@example.com"
ANA, BEN, CARLA, DEV = "ana.lopez@harbor.example", "ben.carter@harbor.example", "carla.diaz@harbor.example", "dev.shah@leasing.example"
DOG_WALK = {"op": "book_service", "service": "Dog Walking", "starts_at": "2026-12-03T10:00:00-05:00"}
WINE = {"op": "buy_experience", "experience": "Rooftop Wine Tasting", "quantity": 2}


def context(session: Session, who: str, now: datetime = NOW, place: str = "The Foundry") -> Context:
    prop = property_by_name(session, place)
    assert prop is not None
    return Context(session, load_principal(session, require_person(session, who)), now, prop)


def run(session: Session, who: str, op: dict[str, Any], now: datetime = NOW) -> Any:
    return execute(context(session, who, now), op)


def order(session: Session, receipt_no: str) -> Order:
    found = session.scalar(select(Order).where(Order.receipt_no == receipt_no))
    assert found is not None
    return found


# --- states ------------------------------------------------------------------------------

STEPS = {"confirmed": ("confirm_order", BEN), "fulfilled": ("fulfill_order", BEN), "cancelled": ("cancel_order", JANE)}
PATHS = {"requested": [], "confirmed": ["confirmed"], "fulfilled": ["confirmed", "fulfilled"], "cancelled": ["cancelled"]}
LEGAL = {("requested", "confirmed"), ("requested", "cancelled"), ("confirmed", "fulfilled"), ("confirmed", "cancelled")}


@pytest.mark.parametrize("start", list(PATHS))
@pytest.mark.parametrize("target", list(STEPS))
def test_only_legal_transitions_happen_each_stamped(session: Session, start: str, target: str) -> None:
    receipt_no = run(session, JANE, DOG_WALK).detail["receipt"]
    for state in PATHS[start]:
        op, who = STEPS[state]
        run(session, who, {"op": op, "order": receipt_no})
    assert order(session, receipt_no).state == start
    op, who = STEPS[target]
    if (start, target) in LEGAL:
        run(session, who, {"op": op, "order": receipt_no}, now=LATER)
        moved = order(session, receipt_no)
        assert moved.state == target and getattr(moved, f"{target}_at") == LATER
        assert moved.requested_at == NOW
    else:
        with pytest.raises(Invalid) as invalid:
            run(session, who, {"op": op, "order": receipt_no}, now=LATER)
        assert invalid.value.field == "order" and start in invalid.value.message
        assert order(session, receipt_no).state == start


def test_an_experience_is_confirmed_at_once_and_a_cancellation_frees_its_places(session: Session) -> None:
    session.execute(update(CatalogItem).where(CatalogItem.name == "Rooftop Wine Tasting").values(capacity=3))
    first = run(session, JANE, WINE).detail["receipt"]
    bought = order(session, first)
    assert (bought.state, bought.confirmed_at, bought.quantity, bought.total_cents) == ("confirmed", NOW, 2, 8000)
    with pytest.raises(Invalid, match="1 places left"):
        run(session, LUCIA, WINE)
    run(session, JANE, {"op": "cancel_order", "order": first})
    assert order(session, run(session, LUCIA, WINE).detail["receipt"]).state == "confirmed"


# --- receipts ----------------------------------------------------------------------------


def test_receipt_contents_and_numbers_per_property(session: Session) -> None:
    prop = context(session, JANE).prop
    walk = run(session, JANE, DOG_WALK).detail["receipt"]
    wine = run(session, LUCIA, WINE).detail["receipt"]
    assert (walk, wine) == (f"R-{prop.id}-1", f"R-{prop.id}-2")
    ctx = context(session, JANE)
    assert orders.order_receipt(session, ctx.principal, ctx.prop, walk) == {
        "receipt": walk,
        "order_id": order(session, walk).id,
        "property": "The Foundry",
        "item": "Dog Walking",
        "kind": "service",
        "vendor": "PawPals",
        "unit": "30-minute walk",
        "buyer": JANE,
        "buyer_name": "Jane Park",
        "when": "2026-12-03T10:00:00-05:00",
        "quantity": 1,
        "unit_price": "25.00",
        "total": "25.00",
        "currency": "USD",
        "state": "requested",
        "requested_at": "2026-12-01T10:00:00-05:00",
        "confirmed_at": None,
        "fulfilled_at": None,
        "cancelled_at": None,
    }
    text = orders.receipt_text(order(session, wine), prop)
    assert text.startswith(f"Receipt {wine}: Rooftop Wine Tasting") and "2 x $40.00 = $80.00 USD; confirmed" in text


def test_numbering_is_per_property(foundry: Database, maple: Database) -> None:
    with foundry.session() as session:
        walk = run(session, JANE, DOG_WALK).detail["receipt"]
        hannah = context(session, "hannah.s@mail.example", place="Maple Court")
        repair = execute(hannah, {"op": "book_service", "service": "Bike Repair", "starts_at": None}).detail["receipt"]
        foundry_id = context(session, JANE).prop.id
    assert walk == f"R-{foundry_id}-1" and repair == f"R-{hannah.prop.id}-1"


def test_the_price_is_the_one_at_order_time(session: Session) -> None:
    before = run(session, JANE, DOG_WALK).detail["receipt"]
    session.execute(update(CatalogItem).where(CatalogItem.name == "Dog Walking").values(price=31.5, vendor="WalkCo"))
    after = run(session, JANE, DOG_WALK).detail["receipt"]
    prop = context(session, JANE).prop
    old, new = orders.receipt(order(session, before), prop), orders.receipt(order(session, after), prop)
    assert (old["unit_price"], old["total"], old["vendor"]) == ("25.00", "25.00", "PawPals")
    assert (new["unit_price"], new["total"], new["vendor"]) == ("31.50", "31.50", "WalkCo")


# --- who may do what ---------------------------------------------------------------------


def test_another_resident_can_neither_see_nor_cancel_my_order(session: Session) -> None:
    mine = run(session, JANE, DOG_WALK).detail["receipt"]
    omar = context(session, OMAR)
    with pytest.raises(Refused) as refused:
        orders.order_receipt(session, omar.principal, omar.prop, mine)
    assert refused.value.rule == "own_orders_only"
    with pytest.raises(Refused) as refused:
        run(session, OMAR, {"op": "cancel_order", "order": mine})
    assert refused.value.rule == "own_orders_only"
    assert orders.my_orders(session, omar.principal, omar.prop) == []
    with pytest.raises(Refused):
        orders.property_orders(session, omar.principal, omar.prop)
    with pytest.raises(NotFound):
        orders.order_receipt(session, omar.principal, omar.prop, "R-999-1")
    assert order(session, mine).state == "requested"


@pytest.mark.parametrize(
    ("who", "sees_all", "handles"),
    [
        (ANA, True, True),
        (BEN, True, True),
        (CARLA, True, True),
        (DEV, False, False),
        ("eli.novak@installers.example", False, False),
        ("kim.tran@callcenter.example", False, False),
        (OMAR, False, False),
    ],
)
def test_who_sees_the_propertys_orders_and_who_handles_them(session: Session, who: str, sees_all: bool, handles: bool) -> None:
    receipt_no = run(session, JANE, DOG_WALK).detail["receipt"]
    ctx = context(session, who)
    if sees_all:
        assert [o.receipt_no for o in orders.property_orders(session, ctx.principal, ctx.prop)] == [receipt_no]
        assert orders.order_receipt(session, ctx.principal, ctx.prop, receipt_no)["buyer"] == JANE
    else:
        with pytest.raises(Refused):
            orders.property_orders(session, ctx.principal, ctx.prop)
    for op in ("confirm_order", "fulfill_order"):
        if handles:
            run(session, who, {"op": op, "order": receipt_no})
        else:
            with pytest.raises(Refused) as refused:
                run(session, who, {"op": op, "order": receipt_no})
            assert refused.value.rule == "order_handling_required"
    assert order(session, receipt_no).state == ("fulfilled" if handles else "requested")


# --- chat --------------------------------------------------------------------------------


def talk(dialogue: Dialogue, conv: Conversation, *texts: str) -> list[dict[str, Any]]:
    return [dialogue.turn(conv, text) for text in texts]


def test_orders_from_chat(foundry: Database) -> None:
    dialogue = Dialogue(foundry)
    jane = Conversation(person=JANE, now=NOW.isoformat())
    booked = talk(dialogue, jane, "book dog walking for thursday at 10am", "yes", "book apartment cleaning for friday at 2pm", "yes")
    walk, cleaning = booked[1]["result"]["receipt"], booked[3]["result"]["receipt"]

    listed = talk(dialogue, jane, "show my orders")[0]
    assert (listed["intent"], listed["status"]) == ("ask_orders", "answer")
    assert [o["receipt"] for o in listed["result"]["orders"]] == [cleaning, walk]
    receipt = talk(dialogue, jane, "receipt for my dog walking booking")[0]
    assert receipt["status"] == "answer" and receipt["result"]["receipt"]["receipt"] == walk
    assert receipt["result"]["receipt"]["total"] == "25.00" and walk in receipt["reply"]

    ben = Conversation(person=BEN, now=NOW.isoformat())
    plan = talk(dialogue, ben, "confirm the cleaning booking for Jane")[0]
    assert (plan["intent"], plan["status"], plan["operations"]) == (
        "confirm_order",
        "confirm",
        [{"op": "confirm_order", "order": cleaning}],
    )
    assert talk(dialogue, ben, "yes")[0]["status"] == "done"
    plan = talk(dialogue, ben, f"mark order {cleaning} fulfilled")[0]
    assert (plan["status"], plan["operations"]) == ("confirm", [{"op": "fulfill_order", "order": cleaning}])
    assert talk(dialogue, ben, "yes")[0]["status"] == "done"

    plan = talk(dialogue, jane, "cancel my dog walking booking")[0]
    assert (plan["status"], plan["operations"]) == ("confirm", [{"op": "cancel_order", "order": walk}])
    assert talk(dialogue, jane, "yes")[0]["status"] == "done"
    assert talk(dialogue, jane, "cancel my cleaning booking")[0]["status"] == "answer"

    omar = Conversation(person=OMAR, now=NOW.isoformat())
    assert talk(dialogue, omar, f"receipt {walk}")[0]["status"] == "refused"
    assert talk(dialogue, omar, f"cancel order {cleaning}")[0]["status"] == "refused"
    with foundry.session() as session:
        assert order(session, walk).state == "cancelled" and order(session, cleaning).state == "fulfilled"


def test_a_limited_manager_lists_and_confirms_orders_a_device_manager_does_not(foundry: Database) -> None:
    dialogue = Dialogue(foundry)
    jane = Conversation(person=JANE, now=NOW.isoformat())
    walk = talk(dialogue, jane, "book dog walking for thursday at 10am", "yes")[1]["result"]["receipt"]
    carla = Conversation(person=CARLA, now=NOW.isoformat())
    listed = talk(dialogue, carla, "show all orders")[0]
    assert listed["status"] == "answer" and walk in str(listed["result"]), listed
    plan = talk(dialogue, carla, "approve the dog walking request from Jane")[0]
    assert (plan["status"], plan["operations"]) == ("confirm", [{"op": "confirm_order", "order": walk}])
    dev = Conversation(person=DEV, now=NOW.isoformat())
    assert talk(dialogue, dev, f"confirm order {walk}")[0]["status"] == "refused"
    assert talk(dialogue, dev, "show all orders")[0]["status"] == "refused"


# --- REST --------------------------------------------------------------------------------


@pytest.fixture
def client(foundry: Database) -> Iterator[TestClient]:
    with TestClient(create_app(foundry, store=MemoryStore(), slack=False)) as test_client:
        yield test_client


def auth(database: Database, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(database, who)}"}


def test_rest_orders_receipts_and_upgrade_requests(client: TestClient, foundry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_SALES_CHANNEL", raising=False)
    with foundry.session() as session:
        walk = run(session, JANE, DOG_WALK).detail["receipt"]
        wine = run(session, LUCIA, WINE).detail["receipt"]
        run(session, BEN, {"op": "submit_request", "upgrade": "latch_camera"})
    jane, omar, ben, carla = (auth(foundry, who) for who in (JANE, OMAR, BEN, CARLA))

    assert [o["receipt"] for o in client.get("/api/v1/orders", headers=jane).json()] == [walk]
    assert [o["receipt"] for o in client.get("/api/v1/orders", headers=ben).json()] == [wine, walk]
    assert [o["receipt"] for o in client.get("/api/v1/orders?scope=property", headers=carla).json()] == [wine, walk]
    assert client.get("/api/v1/orders?scope=property", headers=omar).status_code == 403

    assert client.get(f"/api/v1/orders/{walk}/receipt", headers=jane).json()["total"] == "25.00"
    assert client.get(f"/api/v1/orders/{walk}/receipt", headers=ben).json()["buyer"] == JANE
    assert client.get(f"/api/v1/orders/{walk}/receipt", headers=omar).status_code == 403
    assert client.get("/api/v1/orders/R-99-9/receipt", headers=jane).status_code == 404

    cancelled = client.post("/api/v1/operations", headers=jane, json={"op": "cancel_order", "order": walk})
    assert cancelled.status_code == 200, cancelled.text
    assert client.post("/api/v1/operations", headers=jane, json={"op": "cancel_order", "order": walk}).status_code == 422

    [request] = client.get("/api/v1/upgrade-requests", headers=ben).json()
    assert (request["upgrade"], request["state"], request["route"]) == ("latch_camera", "open", "stored-only")
    assert client.get("/api/v1/upgrade-requests", headers=carla).status_code == 403


# --- migration ---------------------------------------------------------------------------


def test_orders_made_before_receipts_get_numbers_and_prices(tmp_path: Any) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from access_core.db import MIGRATIONS, make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
        connection.commit()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO portfolios (id, name) VALUES (1, 'P')"))
        conn.execute(
            text(
                "INSERT INTO properties (id, portfolio_id, name, address, timezone, features, upgrades) "
                "VALUES (7, 1, 'Old Place', '', 'America/New_York', '[]', '[]')"
            )
        )
        conn.execute(text("INSERT INTO people (id, name, email) VALUES (1, 'Pat', 'pat@example.com')"))
        conn.execute(
            text(
                "INSERT INTO catalog_items (id, property_id, kind, name, vendor, price, unit) "
                "VALUES (1, 7, 'service', 'Dog Walking', 'PawPals', 25.0, 'walk')"
            )
        )
        for order_id in (1, 2):
            conn.execute(
                text("INSERT INTO orders (id, item_id, person_id, quantity, state) VALUES (:id, 1, 1, :q, 'requested')"),
                {"id": order_id, "q": order_id},
            )
    migrate(engine)
    with Session(engine) as session:
        found = session.scalars(select(Order).order_by(Order.id)).all()
        assert [(o.receipt_no, o.property_id, o.unit_cents, o.total_cents, o.item_name) for o in found] == [
            ("R-7-1", 7, 2500, 2500, "Dog Walking"),
            ("R-7-2", 7, 2500, 5000, "Dog Walking"),
        ]
    engine.dispose()
