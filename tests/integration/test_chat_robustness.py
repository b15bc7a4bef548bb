"""Any text at all gets exactly one well-formed answer, and never an exception."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from access_core.db import Database
from access_core.loader import load_property_file
from bot.dialogue import Dialogue
from bot.state import Conversation

ROOT = Path(__file__).resolve().parents[2]


def fixture_file() -> Path:
    shared = ROOT.parent / "shared" / "fixtures" / "foundry.yaml"
    return shared if shared.exists() else ROOT / "demo" / "foundry.yaml"


KEYS = {"intent", "confidence", "status", "operations", "missing", "result", "reply"}
STATUSES = {"ask", "confirm", "done", "answer", "refused", "unknown"}
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00\x01\x02",
        "'; DROP TABLE people; --",
        "<script>alert(1)</script>",
        "{{7*7}}",
        "%s%s%n",
        "give " * 2000,
        "🔑🚪" * 500,
        "yes",
        "undo that",
        "/etc/passwd",
        "\u202egive\u202c unit 4B",
        "NaN",
        "null",
        "give unit 4B to " + "a" * 9000 + "@x.com",
    ]
)


@pytest.fixture(scope="module")
def dialogue(tmp_path_factory: pytest.TempPathFactory) -> Dialogue:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('junk') / 'junk.db'}")
    with db.session() as session:
        load_property_file(session, fixture_file())
    return Dialogue(db, dry_run=True)


def well_formed(answer: dict) -> None:
    assert set(answer) == KEYS
    assert answer["status"] in STATUSES
    assert isinstance(answer["reply"], str) and answer["reply"]
    assert isinstance(answer["operations"], list) and isinstance(answer["missing"], list)
    json.dumps(answer)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(st.text(max_size=10_000), NASTY, st.binary(max_size=2000).map(lambda b: b.decode("latin-1"))),
    who=st.sampled_from(["ben.carter@harbor.example", "+17185550142", "kim.tran@callcenter.example", "nobody@x.y"]),
)
def test_any_text_gets_one_well_formed_answer(dialogue: Dialogue, text: str, who: str) -> None:
    conv = Conversation(person=who, now="2026-12-01T10:00:00-05:00")
    well_formed(dialogue.turn(conv, text))
    well_formed(dialogue.turn(conv, "yes"))


def test_the_command_answers_each_line_once_even_for_100_kb_of_junk(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    concierge = str(Path(sys.executable).with_name("concierge"))
    subprocess.run([concierge, "load", str(fixture_file()), "--db", db], check=True, capture_output=True)
    junk = "\ufffd<%>' OR 1=1 " * 7000
    lines = [
        "/as ben.carter@harbor.example",
        "/now 2026-12-01T10:00:00-05:00",
        junk,
        "",
        "who has access to unit 4B?",
        "/now not-a-time",
        "/bogus",
        "yes",
    ]
    proc = subprocess.run(
        [concierge, "chat", "--json", "--dry-run", "--db", db],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    answers = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert len(answers) == 4, proc.stderr[-500:]
    for answer in answers:
        well_formed(answer)
    assert answers[2]["result"]["people"] == ["jane.park@example.com", "omar.haddad@example.com"]
