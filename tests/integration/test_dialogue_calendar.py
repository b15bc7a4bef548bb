"""Lockdowns and exception days through the dialogue: a resident is told why their door won't open."""

from __future__ import annotations

from access_core.db import Database
from tests.integration.test_dialogue import MAPLE_NOW, talk


def test_a_resident_is_told_their_door_is_locked_down(maple: Database) -> None:
    planned, done = talk(maple, "marcus.lee@cedar.example", MAPLE_NOW, "lock down the whole building, gas leak", "yes", dry_run=False)
    assert (planned["status"], done["status"]) == ("confirm", "done")
    [why] = talk(maple, "hannah.s@mail.example", MAPLE_NOW, "why can't I open the main door?")
    assert why["result"] == {"allowed": False, "reasons": ["lockdown"]}
    assert "locked down" in why["reply"]
    [calendar] = talk(maple, "hannah.s@mail.example", MAPLE_NOW, "what days are we closed?")
    assert calendar["status"] == "refused"


def test_a_resident_is_told_the_building_is_closed_that_day(maple: Database) -> None:
    talk(maple, "marcus.lee@cedar.example", MAPLE_NOW, "we're closed on christmas day", "yes", dry_run=False)
    [why] = talk(maple, "hannah.s@mail.example", MAPLE_NOW, "why can't I get into the fitness center on christmas day?")
    assert why["result"] == {"allowed": False, "reasons": ["closed_day"]}


def test_the_lockdown_plan_is_refused_before_any_detail(maple: Database) -> None:
    [answer] = talk(maple, "nina.patel@cedar.example", MAPLE_NOW, "lock down")
    assert answer["status"] == "refused" and answer["missing"] == []
