"""REST: exception days and lockdowns through the core, with the same permission checks as chat."""

from __future__ import annotations

from fastapi.testclient import TestClient

from access_core.db import Database
from tests.integration.test_web_rest_api import BEN, ELI, JANE, auth, client  # noqa: F401

CARLA, DEV, ANA = "carla.diaz@harbor.example", "dev.shah@leasing.example", "ana.lopez@harbor.example"


def test_exception_days_are_added_listed_and_removed(client: TestClient, foundry: Database) -> None:  # noqa: F811
    ben = auth(foundry, BEN)
    made = client.post("/api/v1/exception-days", headers=ben, json={"date": "2099-12-25", "name": "Christmas Day", "mode": "closed"})
    assert made.status_code == 201, made.text
    for who in (BEN, CARLA, DEV):
        listed = client.get("/api/v1/exception-days", headers=auth(foundry, who))
        assert listed.json() == {"exception_days": [{"date": "2099-12-25", "name": "Christmas Day", "mode": "closed", "doors": None}]}, who
    for who in (JANE, ELI):
        assert client.get("/api/v1/exception-days", headers=auth(foundry, who)).status_code == 403
    assert client.delete("/api/v1/exception-days/2099-12-25", headers=auth(foundry, CARLA)).status_code == 403
    assert client.delete("/api/v1/exception-days/2099-12-25", headers=ben).status_code == 200
    assert client.get("/api/v1/exception-days", headers=ben).json() == {"exception_days": []}


def test_bad_exception_days_are_422(client: TestClient, foundry: Database) -> None:  # noqa: F811
    ben = auth(foundry, BEN)
    assert client.post("/api/v1/exception-days", headers=ben, json={"date": "2099-13-01"}).status_code == 422
    assert client.post("/api/v1/exception-days", headers=ben, json={"date": "2099-12-01", "mode": "Funday"}).status_code == 422


def test_only_portfolio_and_full_managers_lock_down_and_lift(client: TestClient, foundry: Database) -> None:  # noqa: F811
    for who in (CARLA, DEV, ELI, JANE):
        assert client.post("/api/v1/lockdown", headers=auth(foundry, who), json={}).status_code == 403, who
    started = client.post("/api/v1/lockdown", headers=auth(foundry, ANA), json={"doors": ["Garage Gate"], "reason": "leak"})
    assert started.status_code == 201, started.text
    state = client.get("/api/v1/lockdown", headers=auth(foundry, DEV)).json()
    assert state["locked_down"] and state["lockdowns"][0]["doors"] == ["Garage Gate"]
    assert client.get("/api/v1/lockdown", headers=auth(foundry, JANE)).status_code == 403
    assert client.delete("/api/v1/lockdown", headers=auth(foundry, CARLA)).status_code == 403
    assert client.delete("/api/v1/lockdown", headers=auth(foundry, BEN)).status_code == 200
    assert client.get("/api/v1/lockdown", headers=auth(foundry, BEN)).json() == {"locked_down": False, "lockdowns": []}
