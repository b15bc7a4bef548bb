"""The repo's own contract-case runner (tests/contract/run_cases.py): its scoring rules and fixture lookup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.contract import run_cases
from tests.contract.run_cases import canonical, pair_operations, read_cases, resolve_fixture, score

ROOT = Path(__file__).resolve().parents[2]
GRANT = {
    "op": "grant_key",
    "person": "Priya.Shah@example.com ",
    "key": "Resident 3A",
    "starts_at": "2027-01-01T05:00:00Z",
    "ends_at": None,
    "resident": True,
}


def test_strings_compare_trimmed_and_case_insensitively_and_times_as_instants() -> None:
    assert canonical(" Gym ") == canonical("gym")
    assert canonical("2027-01-01T00:00:00-05:00") == canonical("2027-01-01T05:00:00+00:00") == canonical("2027-01-01T05:00:00Z")
    assert canonical("2027-01-01T00:00:00-05:00") != canonical("2027-01-01T00:00:00+00:00")
    assert canonical(["b", "A"]) == canonical(["a", "B"])
    assert canonical(["a", "a"]) != canonical(["a"])


def test_an_operation_matches_on_the_fields_it_names_and_null_means_null_or_absent() -> None:
    want = {"op": "grant_key", "person": "priya.shah@example.com", "starts_at": "2027-01-01T00:00:00-05:00", "ends_at": None}
    assert score({"status": "confirm", "operations": [want]}, {"status": "confirm", "operations": [GRANT]}) == []
    assert score({"operations": [{**want, "resident": None}]}, {"operations": [GRANT]}) != []
    assert score({"operations": [{"op": "grant_key", "key": "Resident 3B"}]}, {"operations": [GRANT]}) != []
    assert score({"operations": [{"op": "grant_key", "guest": None}]}, {"operations": [GRANT]}) == []


def test_each_expected_operation_needs_an_operation_of_its_own() -> None:
    got = {"operations": [GRANT]}
    assert score({"operations": [{"op": "grant_key"}, {"op": "grant_key"}]}, got) != []
    # a first expectation that fits both actual operations must not take the one the second needs
    both = [{"op": "grant_key", "key": "A"}, {"op": "grant_key", "key": "B"}]
    unmatched, used = pair_operations([{"op": "grant_key"}, {"key": "A"}], both)
    assert unmatched == [] and used == {0, 1}


def test_operations_exact_refuses_leftovers() -> None:
    got = {"operations": [GRANT, {"op": "revoke_key", "person": "omar.haddad@example.com"}]}
    assert score({"operations": [{"op": "grant_key"}]}, got) == []
    assert score({"operations": [{"op": "grant_key"}], "operations_exact": True}, got) != []
    assert score({"operations_exact": True}, {"operations": []}) == []
    assert score({"operations_exact": True}, got) != []


def test_status_missing_result_and_reply() -> None:
    got = {
        "status": "ask",
        "missing": ["Resident"],
        "reply": "Which KEY?",
        "result": {"events": ["e2", "e1"], "allowed": False, "reasons": ["outside_schedule", "no_grant"]},
    }
    assert score({"status": "ask", "missing": ["resident"], "reply_contains": ["which key"], "reply_excludes": ["door"]}, got) == []
    assert score({"status_in": ["confirm", "ask"]}, got) == []
    assert score({"status": "confirm"}, got) != []
    assert score({"missing": ["key"]}, got) != []
    assert score({"result": {"events": ["e1", "e2"], "allowed": False, "reasons": ["no_grant"]}}, got) == []
    assert score({"result": {"events": ["e1"]}}, got) != []
    assert score({"result": {"allowed": True}}, got) != []
    assert score({"result": {"reasons": ["lockdown"]}}, got) != []
    assert score({"reply_excludes": ["which"]}, got) != []


def test_a_case_that_cannot_fail_fails() -> None:
    assert score({}, {"status": "done"}) != []
    assert score({"staus": "done"}, {"status": "done"}) == ["unknown expectation 'staus'"]
    assert score({"status": "done"}, {"_error": "chat crashed"}) == ["chat crashed"]


def test_fixtures_resolve_beside_the_case_file_else_from_the_repo(tmp_path: Path) -> None:
    (tmp_path / "here.yaml").write_text("x")
    assert resolve_fixture(tmp_path / "cases.jsonl", "here.yaml") == tmp_path / "here.yaml"
    assert resolve_fixture(tmp_path / "cases.jsonl", "foundry.yaml") == ROOT / "demo" / "foundry.yaml"
    assert resolve_fixture(tmp_path / "cases.jsonl", "../../shared/fixtures/maple.yaml") == ROOT / "tests" / "fixtures" / "maple.yaml"


def test_only_selects_areas(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        "\n".join(
            json.dumps({"id": name, "fixture": "foundry.yaml", "expect": {"status": "done"}}) for name in ("grant-1", "grant-2", "revoke-1")
        )
        + "\n// a comment\n\n"
    )
    assert [c.id for c in read_cases([cases], ("revoke",))] == ["revoke-1"]
    assert len(read_cases([cases])) == 3
    assert run_cases.main([str(cases), "--only", "lock"]) == 1  # nothing selected is a failure, not a pass


@pytest.mark.slow
def test_a_wrong_expectation_fails_the_run_and_a_right_one_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = {"fixture": "foundry.yaml", "as": "ben.carter@harbor.example", "now": "2026-12-01T10:00:00-05:00"}
    right = {
        **base,
        "id": "grant-ok",
        "turns": ["Add Lucia Romero to the Maintenance Key until the end of December"],
        "expect": {"status": "confirm", "operations": [{"op": "grant_key", "person": "lucia.romero@example.com"}]},
    }
    wrong = {
        **right,
        "id": "grant-wrong",
        "expect": {"status": "confirm", "operations": [{"op": "grant_key", "person": "omar.haddad@example.com"}]},
    }
    check = {
        **base,
        "id": "check-1",
        "kind": "check",
        "person": "jane.park@example.com",
        "door": "Gym",
        "at": "2026-12-01T12:00:00-05:00",
        "expect": {"result": {"allowed": True}},
    }
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_text(json.dumps(right) + "\n" + json.dumps(check) + "\n")
    bad.write_text(json.dumps(wrong) + "\n")
    assert run_cases.main([str(good)]) == 0
    assert "2 passed, 0 failed" in capsys.readouterr().out
    assert run_cases.main([str(bad)]) == 1
    assert "FAIL grant-wrong: no operation matches" in capsys.readouterr().out


def test_two_fixtures_of_one_name_each_get_their_own_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Case files beside different copies of foundry.yaml run at once: each copy loads into its own database."""
    demo = (ROOT / "demo" / "foundry.yaml").read_text()
    files = []
    for name, gym in (("a", "Gym"), ("b", "Fitness Room")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "foundry.yaml").write_text(demo.replace("Gym", gym))
        check = {
            "id": f"check-{name}",
            "kind": "check",
            "fixture": "foundry.yaml",
            "person": "jane.park@example.com",
            "door": gym,
            "at": "2026-12-01T12:00:00-05:00",
            "now": "2026-12-01T10:00:00-05:00",
            "expect": {"result": {"allowed": True}},
        }
        (folder / "cases.jsonl").write_text(json.dumps(check) + "\n")
        files.append(str(folder / "cases.jsonl"))
    assert run_cases.main(files) == 0, capsys.readouterr().out
