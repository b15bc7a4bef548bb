"""The REST API: bearer tokens, reads scoped to the caller, changes through the core with its permission checks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from access_core.db import Database
from bot.state import MemoryStore
from bot.web.app import create_app
from bot.web.auth import issue_token

BEN, JANE, ELI = "ben.carter@harbor.example", "jane.park@example.com", "eli.novak@installers.example"


@pytest.fixture
def client(foundry: Database) -> Iterator[TestClient]:
    with TestClient(create_app(foundry, store=MemoryStore(), slack=False)) as test_client:
        yield test_client


def auth(database: Database, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(database, who)}"}


def test_tokens_are_required(client: TestClient) -> None:
    assert client.get("/api/v1/grants").status_code == 401
    assert client.get("/api/v1/grants", headers={"Authorization": "Bearer cgt_nope"}).status_code == 401


def test_a_manager_grants_and_revokes_through_the_core(client: TestClient, foundry: Database) -> None:
    ben = auth(foundry, BEN)
    made = client.post(
        "/api/v1/grants",
        headers=ben,
        json={"person": "priya.shah@example.com", "key": "Resident 3A", "starts_at": "2027-01-01T00:00:00-05:00", "resident": True},
    )
    assert made.status_code == 201, made.text
    grants = client.get("/api/v1/grants", headers=ben).json()
    assert {"person": "priya.shah@example.com", "key": "Resident 3A"}.items() <= next(
        g for g in grants if g["person"] == "priya.shah@example.com"
    ).items()
    revoked = client.post("/api/v1/grants/revoke", headers=ben, json={"person": "priya.shah@example.com", "key": "Resident 3A"})
    assert revoked.status_code == 200, revoked.text


def test_residents_are_refused_and_see_only_their_own(client: TestClient, foundry: Database) -> None:
    jane = auth(foundry, JANE)
    refused = client.post("/api/v1/grants", headers=jane, json={"person": "priya.shah@example.com", "key": "Resident 3A", "resident": True})
    assert refused.status_code == 403
    assert {g["person"] for g in client.get("/api/v1/grants", headers=jane).json()} == {JANE}
    assert {p["email"] for p in client.get("/api/v1/people", headers=jane).json()} <= {JANE, "omar.haddad@example.com"}
    assert client.post("/api/v1/operations", headers=jane, json={"op": "drop_tables"}).status_code == 422


def test_activity_is_the_callers_view(client: TestClient, foundry: Database) -> None:
    from access_core.lookup import require_person
    from access_core.principal import load_principal
    from access_core.queries import visible_event_ids

    assert client.get("/api/v1/activity", headers=auth(foundry, ELI)).status_code == 403
    for who in (BEN, JANE):
        with foundry.session() as session:
            expected = [e.external_id for e in visible_event_ids(session, load_principal(session, require_person(session, who)))]
        assert expected
        assert client.get("/api/v1/activity", headers=auth(foundry, who)).json() == {"events": expected, "property_events": []}


def test_doors_show_devices_only_to_device_managers(client: TestClient, foundry: Database) -> None:
    eli_doors = client.get("/api/v1/doors", headers=auth(foundry, ELI)).json()
    assert any(d["battery"] == 14 for d in eli_doors)
    assert "battery" not in client.get("/api/v1/doors", headers=auth(foundry, BEN)).json()[0]


def test_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/grants", "/api/v1/activity", "/api/v1/reservations", "/api/chat"} <= set(paths)


def test_concierge_token_command_issues_a_working_token(client: TestClient, foundry: Database) -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    issued = CliRunner().invoke(app, ["token", "--as", BEN, "--db", foundry.url])
    assert issued.exit_code == 0, issued.output
    headers = {"Authorization": f"Bearer {issued.output.strip()}"}
    assert client.get("/api/v1/keys", headers=headers).status_code == 200
    assert client.post("/api/chat", headers=headers, json={"message": "help"}).json()["status"] == "answer"
    assert CliRunner().invoke(app, ["token", "--as", "nobody@nowhere.example", "--db", foundry.url]).exit_code == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"op": "grant_key", "person": "priya.shah@example.com", "key": "Resident 3A", "starts_at": "soon", "resident": True}, "starts_at"),
        ({"op": "grant_key", "person": ["priya"], "key": "Resident 3A"}, "person"),
        ({"op": "create_key", "name": "Roof", "doors": "Gym"}, "doors"),
        ({"op": "restore_grant", "person": "jane.park@example.com", "key": "Resident 4B"}, "op"),
    ],
)
def test_a_bad_operation_is_a_422_naming_its_field(client: TestClient, foundry: Database, body: dict[str, object], field: str) -> None:
    answer = client.post("/api/v1/operations", headers=auth(foundry, "ben.carter@harbor.example"), json=body)
    assert answer.status_code == 422 and field in answer.json()["detail"]


def test_an_agent_unlocks_through_the_api_only_for_a_call_they_are_handling(client: TestClient, foundry: Database) -> None:
    refused = client.post("/api/v1/doors/Package Room/unlock", headers=auth(foundry, "kim.tran@callcenter.example"))
    assert refused.status_code == 403 and "call" in refused.json()["detail"]


def test_renewing_an_ended_grant_keeps_its_resident_and_sharing_terms(client: TestClient, foundry: Database) -> None:
    """Sam's Resident 1A (resident, may share) ended on Nov 1; giving it again without restating them keeps both."""
    made = client.post(
        "/api/v1/grants",
        headers=auth(foundry, BEN),
        json={"person": "sam.okafor@example.com", "key": "Resident 1A", "ends_at": "2027-11-01T00:00:00-04:00"},
    )
    assert made.status_code == 201, made.text
    [grant] = [
        g
        for g in client.get("/api/v1/grants", headers=auth(foundry, BEN)).json()
        if g["person"] == "sam.okafor@example.com" and g["key"] == "Resident 1A"
    ]
    assert (grant["resident"], grant["may_share"]) == (True, True)
