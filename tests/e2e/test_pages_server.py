"""Mission Control's pages through the ASGI app (no browser): who lands where, who sees what, and that every change
is checked by the core again when confirmed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from access_core.db import Database
from access_core.models import Door, Grant, Key, KeyDoor, Person

MANAGER, LIMITED, DEVICES, AGENT = (
    "ben.carter@harbor.example",
    "carla.diaz@harbor.example",
    "eli.novak@installers.example",
    "kim.tran@callcenter.example",
)
RESIDENT, OTHER_RESIDENT = "jane.park@example.com", "omar.haddad@example.com"


@pytest.fixture
def client(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("CONCIERGE_DEMO", "1")
    from bot.web.app import create_app

    with TestClient(create_app(foundry)) as opened:
        yield opened


def page_token(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf[_-]token" (?:content|value)="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: TestClient, who: str) -> Any:
    """Sign in through the form with the sign-in page's token; later posts send the signed-in page's token."""
    answer = client.post("/signin", data={"person": who, "csrf_token": page_token(client, "/signin")}, follow_redirects=False)
    client.headers["x-csrf-token"] = page_token(client, "/concierge")
    return answer


def rows(html: str) -> list[str]:
    return re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)


@pytest.mark.parametrize(
    ("who", "first"), [(MANAGER, "/people"), (DEVICES, "/devices"), (AGENT, "/concierge/agent"), (RESIDENT, "/concierge")]
)
def test_home_leads_each_person_to_their_first_page(client: TestClient, who: str, first: str) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/signin?next=/"
    sign_in(client, who)
    assert client.get("/", follow_redirects=False).headers["location"] == first


def test_sign_in_goes_only_to_a_path_of_this_site(client: TestClient) -> None:
    token = page_token(client, "/signin")
    answer = client.post("/signin", data={"person": MANAGER, "next": "//elsewhere.example/x", "csrf_token": token}, follow_redirects=False)
    assert answer.headers["location"] == "/"


def test_a_resident_is_refused_the_managers_pages_and_sees_only_their_sections(client: TestClient) -> None:
    sign_in(client, RESIDENT)
    for path in ("/people", "/doors", "/managers", "/keycards", "/schedules", "/devices"):
        assert client.get(path).status_code == 403, path
    nav = re.search(r'<nav aria-label="Sections">(.*?)</nav>', client.get("/concierge").text, re.S)
    assert nav is not None
    assert re.findall(r">(\w+)</a>", nav.group(1)) == ["Keys", "Activity", "Concierge"]


def sections(client: TestClient) -> list[str]:
    nav = re.search(r'<nav aria-label="Sections">(.*?)</nav>', client.get("/concierge").text, re.S)
    assert nav is not None
    return re.findall(r">(\w+)</a>", nav.group(1))


def test_a_device_manager_is_offered_no_keys_page(client: TestClient) -> None:
    sign_in(client, DEVICES)  # DOMAIN's D: "No keys, no access history"; Eli holds no key of his own either
    assert "Keys" not in sections(client) and "Devices" in sections(client)
    help_text = client.get("/concierge").text
    assert "choose New key" not in help_text
    sign_in(client, MANAGER)
    assert "Keys" in sections(client)


def test_activity_keeps_a_residents_entries_at_their_own_door_private(client: TestClient) -> None:
    sign_in(client, MANAGER)
    manager_view = client.get("/activity?door=Unit+4B").text
    assert "Rosa Diaz" in manager_view and "Omar Haddad" not in manager_view and "Jane Park" not in manager_view
    sign_in(client, OTHER_RESIDENT)
    resident_view = client.get("/activity").text
    assert "Omar Haddad" in resident_view  # their own entry
    assert "Jane Park" not in resident_view  # a fellow resident's entries at the unit are hers alone
    assert "Lucia Romero" not in resident_view  # nor anyone's at the gym


def test_activity_pages_by_keyset_without_repeating_or_skipping(foundry: Database) -> None:
    from access_core import listings
    from access_core.lookup import person_by_ref
    from access_core.principal import load_principal
    from bot.places import properties_of

    with foundry.session() as session:
        ben = person_by_ref(session, MANAGER)
        assert ben is not None
        principal, prop = load_principal(session, ben), properties_of(session, ben)[0]
        everything = [row.event.id for row in listings.activity(session, principal, prop, size=100).rows]
        paged: list[int] = []
        before = None
        while True:
            page = listings.activity(session, principal, prop, size=3, before=before)
            paged += [row.event.id for row in page.rows]
            if not page.more:
                break
            before = (page.rows[-1].event.at, page.rows[-1].event.id)
    assert len(everything) > 6
    assert paged == everything


def test_a_planned_change_is_written_only_on_confirm(client: TestClient, foundry: Database) -> None:
    sign_in(client, MANAGER)
    with foundry.session() as session:
        key_id = session.scalar(select(Key.id).where(Key.name == "Resident 3A"))
    plan = client.post(f"/keys/{key_id}/give", data={"person": "priya.shah@example.com", "resident": "yes"})
    assert plan.status_code == 200 and "Confirm: give Priya Shah Resident 3A" in plan.text
    with foundry.session() as session:
        priya = session.scalar(select(Person).where(Person.email == "priya.shah@example.com"))
        assert priya is not None
        assert session.scalar(select(Grant).where(Grant.person_id == priya.id, Grant.key_id == key_id)) is None
    operations = re.search(r'name="operations" value="([^"]+)"', plan.text)
    assert operations is not None
    done = client.post("/changes/confirm", data={"operations": operations.group(1).replace("&#34;", '"'), "back": f"/keys/{key_id}"})
    assert "Gave Priya Shah Resident 3A" in done.text
    with foundry.session() as session:
        assert session.scalar(select(Grant).where(Grant.person_id == priya.id, Grant.key_id == key_id)) is not None


def test_confirm_is_checked_by_the_core_again_whatever_the_form_carries(client: TestClient, foundry: Database) -> None:
    sign_in(client, RESIDENT)
    forged = json.dumps([{"op": "grant_key", "person": RESIDENT, "key": "Manager Key", "resident": False}])
    answer = client.post("/changes/confirm", data={"operations": forged, "back": "/keys"})
    assert "Nothing was changed" in answer.text
    with foundry.session() as session:
        manager_key = session.scalar(select(Key.id).where(Key.name == "Manager Key"))
        jane = session.scalar(select(Person.id).where(Person.email == RESIDENT))
        assert session.scalar(select(Grant).where(Grant.person_id == jane, Grant.key_id == manager_key)) is None


def test_a_limited_manager_may_not_edit_schedules_and_a_bad_schedule_is_explained(client: TestClient, foundry: Database) -> None:
    sign_in(client, LIMITED)
    assert client.get("/schedules").status_code == 403
    sign_in(client, MANAGER)
    bad = client.post("/schedules", data={"key": "Amenities Key", "door": "Gym", "schedule": "weekdays at lunch"})
    assert bad.status_code == 422 and 'id="problem"' in bad.text
    good = client.post("/schedules", data={"key": "Amenities Key", "door": "Gym", "schedule": "mon-fri 7:00-21:00"})
    assert "Confirm: set Gym in Amenities Key to Mon-Fri 07:00-21:00" in good.text
    with foundry.session() as session:
        schedule = session.scalar(
            select(KeyDoor.schedule)
            .join(Key, Key.id == KeyDoor.key_id)
            .join(Door, Door.id == KeyDoor.door_id)
            .where(Key.name == "Amenities Key", Door.name == "Gym")
        )
        assert schedule == "Mon-Sun 06:00-22:00"  # unchanged until Confirm


def test_a_csv_with_a_bad_row_is_reported_line_by_line_and_nothing_is_planned(client: TestClient) -> None:
    sign_in(client, MANAGER)
    text = "name,email,phone,starts,ends,resident,may_share\nIvy Chen,not-an-email,,2027-01-01,,no,no\n"
    answer = client.post("/people/import", data={"key": "Common Door Key"}, files={"file": ("x.csv", text, "text/csv")})
    assert answer.status_code == 422 and "line 2" in answer.text and "Confirm:" not in answer.text


def test_devices_flag_batteries_at_or_under_twenty_percent(client: TestClient) -> None:
    sign_in(client, DEVICES)
    low = client.get("/devices?low=1").text
    assert "Garage Gate" in low and "Laundry Room" in low and "Unit 2B" in low and "Front Entrance" not in low
    assert low.count("% low") == 3


def test_static_files_are_served_by_exact_name_only(client: TestClient) -> None:
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/static/vendor/htmx-2.0.11.min.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/../pages/common.py").status_code == 404
    assert client.get("/favicon.ico", follow_redirects=False).headers["location"] == "/static/favicon.svg"


def test_the_call_history_keeps_resolved_calls_for_who_answers_them(client: TestClient, foundry: Database) -> None:
    from datetime import UTC, datetime

    from access_core.models import IntercomCall, Property

    with foundry.session() as session:
        prop = session.scalar(select(Property))
        assert prop is not None
        kim = session.scalar(select(Person.id).where(Person.email == AGENT))
        session.add(
            IntercomCall(
                sid="CA-history",
                property_id=prop.id,
                caller="+17185550111",
                state="resolved",
                purpose="delivery",
                heard="a parcel for Jane Park",
                agent_id=kim,
                ringing_at=datetime(2026, 11, 30, 15, 0, tzinfo=UTC),
                note="left at the package room",
            )
        )
    sign_in(client, AGENT)
    page = client.get("/concierge").text
    assert "Intercom calls" in page and "a parcel for Jane Park" in page and "left at the package room" in page
    assert "Mon 30 Nov 2026 10:00" in page  # the property's time zone
    sign_in(client, RESIDENT)
    assert "a parcel for Jane Park" not in client.get("/concierge").text


def test_help_is_for_the_persons_role(client: TestClient) -> None:
    sign_in(client, RESIDENT)
    resident_help = client.get("/concierge").text
    assert "Share with a guest" in resident_help and "choose New key" not in resident_help and "Import CSV" not in resident_help
    sign_in(client, MANAGER)
    manager_help = client.get("/concierge").text
    assert "Open People and choose Invite" in manager_help and "choose Import CSV" in manager_help


def test_a_portfolio_manager_switches_between_their_properties_only(client: TestClient, foundry: Database) -> None:
    from access_core.models import Property

    with foundry.session() as session:
        first = session.scalar(select(Property))
        assert first is not None
        session.add(Property(portfolio_id=first.portfolio_id, name="The Annex", timezone="America/Chicago"))
    sign_in(client, "ana.lopez@harbor.example")
    assert "<option selected>The Annex</option>" in client.get("/people").text  # the first by name
    client.post("/property", data={"name": "The Foundry", "back": "/people"})
    assert "<option selected>The Foundry</option>" in client.get("/people").text
    client.post("/property", data={"name": "Elsewhere", "back": "/people"})
    assert "<option selected>The Foundry</option>" in client.get("/people").text


@pytest.mark.parametrize("who", [MANAGER, RESIDENT, OTHER_RESIDENT])
@pytest.mark.parametrize("word", ["a", "park", "+1718", "nobody"])
def test_activitys_person_filter_finds_the_same_events_for_a_rare_or_a_common_word(
    foundry: Database, monkeypatch: pytest.MonkeyPatch, who: str, word: str
) -> None:
    from access_core import listings
    from access_core.lookup import person_by_ref
    from access_core.principal import load_principal
    from bot.places import properties_of

    def found() -> list[int]:
        with foundry.session() as session:
            person = person_by_ref(session, who)
            assert person is not None
            principal, prop = load_principal(session, person), properties_of(session, person)[0]
            return [row.event.id for row in listings.activity(session, principal, prop, person=word, size=100).rows]

    by_actor = found()
    monkeypatch.setattr(listings, "FEW_ACTORS", 0)  # every word is a common word: the filter on each event's actor
    assert found() == by_actor
    if word == "nobody":
        assert by_actor == []
