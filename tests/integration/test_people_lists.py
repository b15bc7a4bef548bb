"""DOMAIN "list people with their email and phone": the list follows coverage (issue 15, finding 10)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.db import Database
from access_core.directory import people
from access_core.errors import Refused
from access_core.lookup import require_person
from access_core.models import Property
from access_core.principal import load_principal
from tests.conftest import NOW

ANA, BEN, CARLA, DEV = "ana.lopez@harbor.example", "ben.carter@harbor.example", "carla.diaz@harbor.example", "dev.shah@leasing.example"
ELI, KIM, JANE, LUCIA = "eli.novak@installers.example", "kim.tran@callcenter.example", "jane.park@example.com", "lucia.romero@example.com"
MAX, SAM, OMAR = "max.weber@cleanco.example", "sam.okafor@example.com", "omar.haddad@example.com"
EVERYONE = 13


def listed(session: Session, who: str) -> list[dict[str, str | None]]:
    prop = session.scalar(select(Property).where(Property.name == "The Foundry"))
    assert prop is not None
    return people(session, load_principal(session, require_person(session, who)), prop, NOW)


@pytest.mark.parametrize("manager", [ANA, BEN, CARLA])
def test_portfolio_full_and_limited_managers_list_everyone(session: Session, manager: str) -> None:
    assert len(listed(session, manager)) == EVERYONE


def test_a_specific_key_manager_lists_only_the_holders_of_their_keys(session: Session) -> None:
    assert listed(session, DEV) == [{"name": "Dev Shah", "email": DEV, "phone": None}]


def test_an_agent_lists_the_residents_with_a_number_to_ring_and_no_email(session: Session) -> None:
    rows = listed(session, KIM)
    assert {r["name"] for r in rows} == {"Ben Carter", "Jane Park", "Lucia Romero", "Omar Haddad"}
    assert all(r["email"] is None for r in rows)


def test_a_resident_lists_the_holders_of_keys_to_their_home(session: Session) -> None:
    assert {r["email"] for r in listed(session, JANE)} == {JANE, OMAR}
    assert {r["email"] for r in listed(session, LUCIA)} == {LUCIA}


@pytest.mark.parametrize("who", [ELI, MAX, SAM])
def test_device_managers_staff_without_a_home_and_former_residents_are_refused(session: Session, who: str) -> None:
    with pytest.raises(Refused) as refused:
        listed(session, who)
    assert refused.value.rule == "people_view"


def test_the_rest_api_lists_people_by_coverage(foundry: Database) -> None:
    from bot import bootstrap
    from bot.web.auth import issue_token

    with TestClient(bootstrap.web_app(foundry, slack=False)) as client:
        rows = client.get("/api/v1/people", headers={"Authorization": f"Bearer {issue_token(foundry, DEV, 'test')}"})
        assert rows.status_code == 200
        assert [r["email"] for r in rows.json()] == [DEV]
        refused = client.get("/api/v1/people", headers={"Authorization": f"Bearer {issue_token(foundry, ELI, 'test')}"})
        assert refused.status_code == 403
