"""`concierge devices simulate` runs a property's fleet and reports what happened."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from access_core.db import Database
from bot.cli import app


def test_simulate_runs_the_fleet_of_a_property(foundry: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("REDIS_URL", raising=False)
    result = CliRunner().invoke(app, ["devices", "simulate", "--property", "The Foundry", "--seconds", "1", "--db", foundry.url])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["devices"] == 17 and report["bus"] == "MemoryBus" and report["errors"] == []
    assert report["events_recorded"] > 0


def test_simulate_refuses_an_unknown_property(foundry: Database) -> None:
    result = CliRunner().invoke(app, ["devices", "simulate", "--property", "Nowhere", "--db", foundry.url])
    assert result.exit_code == 2
