"""The faithfulness scorer's verdicts, on hand-written answers (no product needed)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import score  # noqa: E402

GRANT = {"op": "grant_key", "person": "p@example.com", "key": "Flat 1 Key", "ends_at": "2027-01-01T00:00:00+00:00", "may_share": False}
CASE: dict[str, Any] = {
    "id": "may_share-01",
    "kind": "may_share",
    "qualifier": "may not share",
    "carry": [{"status": "confirm", "operations": [{"op": "grant_key", "key": "Flat 1 Key", "may_share": False}]}],
    "explain": ["share"],
}
QUESTION: dict[str, Any] = {
    "id": "time-01",
    "kind": "time",
    "qualifier": "at night",
    "carry": [{"status": "answer", "result": {"allowed": False, "reasons": ["outside_schedule"]}}],
    "explain": ["night"],
    "explain_answer": True,
}


@pytest.mark.parametrize(
    ("case", "answer", "outcome"),
    [
        (CASE, {"status": "confirm", "operations": [GRANT]}, "carried"),
        (CASE, {"status": "confirm", "operations": [dict(GRANT, may_share=True)]}, "silent_drop"),
        (CASE, {"status": "done", "operations": [dict(GRANT, may_share=None)]}, "silent_drop"),
        (CASE, {"status": "ask", "operations": [], "reply": "May she share it? (yes/no)"}, "explained"),
        (CASE, {"status": "ask", "operations": [], "reply": "Which property?"}, "miss"),
        (CASE, {"status": "refused", "operations": [], "reply": "Only a resident may share."}, "explained"),
        (CASE, {"status": "unknown", "operations": [], "reply": "Sorry"}, "miss"),
        (CASE, {"_error": "chat crashed"}, "miss"),
        (QUESTION, {"status": "answer", "result": {"allowed": False, "reasons": ["outside_schedule", "grant_expired"]}}, "carried"),
        (QUESTION, {"status": "answer", "result": {"allowed": True, "reasons": []}, "reply": "You can open Gym now."}, "silent_drop"),
        (QUESTION, {"status": "answer", "result": None, "reply": "At night the gym is closed."}, "explained"),
    ],
)
def test_outcome(case: dict[str, Any], answer: dict[str, Any], outcome: str) -> None:
    assert score.classify(case, answer) == outcome


@pytest.mark.parametrize(
    ("expected", "actual", "matches"),
    [
        ("2027-01-01T00:00:00+00:00", "2026-12-31T19:00:00-05:00", True),
        ("2027-01-01T00:00:00+00:00", "2027-01-01T00:00:00+01:00", False),
        (None, None, True),
        (None, "2027-01-01T00:00:00+00:00", False),
        ("Flat 1 Key", "flat 1 key", True),
        ("Flat 1 Key", "Flat 10 Key", False),
        ({"$in": ["Maintenance Key", "Manager Key"]}, "Manager Key", True),
        ({"$between": ["2026-12-02T12:00:00+00:00", "2026-12-02T15:00:00+00:00"]}, "2026-12-02T13:00:00+00:00", True),
        ({"$between": ["2026-12-02T12:00:00+00:00", "2026-12-02T15:00:00+00:00"]}, "2026-12-02T00:00:00+00:00", False),
        ({"$prefix": "Mon-Fri"}, "Mon-Fri 08:00-16:00", True),
        ({"$any": True}, None, False),
        ("+447400123777", {"name": None, "phone": "+447400123777"}, True),
        ({"phone": "+447400123777"}, "+447400123777", False),
        (["Gym", "Roof Deck"], ["roof deck", "gym"], True),
        (["Gym", "Roof Deck"], ["Gym"], False),
    ],
)
def test_value_matches(expected: Any, actual: Any, matches: bool) -> None:
    assert score.value_matches(expected, actual) is matches


def test_exact_operations_reject_an_extra_operation() -> None:
    form = {"status": "confirm", "operations": [{"op": "revoke_key", "key": "Common Door Key"}], "operations_exact": True}
    one = {"op": "revoke_key", "person": "o@example.com", "key": "Common Door Key"}
    assert score.form_matches(form, {"status": "confirm", "operations": [one]})
    assert not score.form_matches(form, {"status": "confirm", "operations": [one, dict(one, key="Resident 4B")]})


def test_a_case_that_asks_for_a_missing_person_is_explained() -> None:
    case = {"carry": [], "explain": ["wife"], "ask_missing": ["person"]}
    assert score.classify(case, {"status": "ask", "missing": ["person"], "reply": "Who?"}) == "explained"
    assert score.classify(case, {"status": "confirm", "operations": [GRANT]}) == "silent_drop"
