"""Safety review: ways around the rules that an earlier version left open, each pinned by a test.

Core rules run on the foundry in a rolled-back transaction (SQLite and PostgreSQL), like
test_permissions; conversations run through the dialogue on a freshly loaded database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from access_core.lookup import property_by_name, require_person
from access_core.principal import load_principal
from access_core.queries import check_access
from access_core.services.context import Context
from access_core.services.dispatch import execute

NOW = datetime.fromisoformat("2026-12-01T10:00:00-05:00")
BEN, JANE, OMAR = "ben.carter@harbor.example", "jane.park@example.com", "omar.haddad@example.com"


def run(session: Session, who: str, op: dict[str, Any], now: datetime = NOW, prop: str = "The Foundry") -> Any:
    place = property_by_name(session, prop)
    assert place is not None
    return execute(Context(session, load_principal(session, require_person(session, who)), now, place), op)


def tomorrows_code(session: Session) -> str:
    outcome = run(session, JANE, {"op": "create_doorcode", "key": "Resident 4B", "date": "2026-12-02"})
    code = outcome.detail["code"]
    assert check_access(session, f"doorcode:{code}", "Unit 4B", datetime.fromisoformat("2026-12-02T12:00:00-05:00")).allowed
    return str(code)


# --- a doorcode never outlives its maker's right to share ----------------------------------------


def test_a_doorcode_stops_when_its_makers_grant_is_revoked(session: Session) -> None:
    code = tomorrows_code(session)
    run(session, BEN, {"op": "revoke_key", "person": JANE, "key": "Resident 4B", "at": None})
    decision = check_access(session, f"doorcode:{code}", "Unit 4B", datetime.fromisoformat("2026-12-02T12:00:00-05:00"))
    assert not decision.allowed and "credential_inactive" in decision.reasons


def test_a_doorcode_made_today_stops_when_the_grant_is_revoked_today(session: Session) -> None:
    code = run(session, JANE, {"op": "create_doorcode", "key": "Resident 4B", "date": "2026-12-01"}).detail["code"]
    run(session, BEN, {"op": "revoke_key", "person": JANE, "key": "Resident 4B", "at": None})
    decision = check_access(session, f"doorcode:{code}", "Unit 4B", datetime.fromisoformat("2026-12-01T15:00:00-05:00"))
    assert not decision.allowed


@pytest.mark.parametrize(
    "terms",
    [{"may_share": False, "resident": True},
     {"resident": True, "may_share": True, "ends_at": "2026-12-02T00:00:00-05:00"}],
    ids=["sharing_taken_away", "grant_shortened"],
)
def test_a_doorcode_stops_when_its_makers_grant_no_longer_covers_it(session: Session, terms: dict[str, Any]) -> None:
    code = tomorrows_code(session)
    run(session, BEN, {"op": "grant_key", "person": JANE, "key": "Resident 4B", **terms})
    decision = check_access(session, f"doorcode:{code}", "Unit 4B", datetime.fromisoformat("2026-12-02T12:00:00-05:00"))
    assert not decision.allowed and "credential_inactive" in decision.reasons


def test_a_doorcode_survives_a_change_that_still_covers_it(session: Session) -> None:
    code = tomorrows_code(session)
    run(session, BEN, {"op": "grant_key", "person": JANE, "key": "Resident 4B", "resident": True, "may_share": True,
                       "starts_at": "2026-02-01T00:00:00-05:00", "ends_at": "2027-06-01T00:00:00-04:00"})
    assert check_access(session, f"doorcode:{code}", "Unit 4B", datetime.fromisoformat("2026-12-02T12:00:00-05:00")).allowed
