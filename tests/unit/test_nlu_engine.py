"""The NLU engine: Rasa's /model/parse shape, entities, the sample messages, the cache, junk, RASA_URL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nlu.engine as engine_module
from nlu.engine import Engine, cache_file
from nlu.rasa_client import RasaClient, RasaUnavailable

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CASES = ROOT / "tests" / "cases" / "sample.jsonl"  # the contract's sample cases, carried in the repo

TOP_KEYS = {"text", "intent", "entities", "intent_ranking"}
ENTITY_KEYS = {"entity", "start", "end", "value", "confidence", "extractor"}

SAMPLE_INTENTS = {
    "give unit 3A's new tenant priya.shah@example.com access from Jan 1": "grant_access",
    "Add Lucia Romero to the Maintenance Key until the end of December": "grant_access",
    "Give priya.shah@example.com the Resident 3B key": "grant_access",
    "give Priya Shah access from January 1": "grant_access",
    "Resident 3A, she's the tenant": "inform",
    "revoke Omar Haddad's access to the common doors": "revoke_access",
    "create a key called Pool Key with the Gym and Roof Deck": "create_key",
    "make a new key called Pool Key with the gym and the roof deck, not shareable": "create_key",
    "the gym in the amenities key should only open 9am to 5pm every day": "set_schedule",
    "what activity was there at my door yesterday?": "ask_activity",
    "why can't Sam get into unit 1A?": "ask_why_denied",
    "send my dog walker a code for my apartment for tomorrow": "create_doorcode",
    "can you give my friend a door code for tomorrow?": "create_doorcode",
    "which locks have low battery?": "ask_device_status",
    "how do I give someone a keycard?": "ask_help",
    "what upgrades can we get for the building?": "ask_upgrades",
    "book the roof deck for Saturday 6 to 8pm": "reserve_amenity",
    "let the courier into the package room": "unlock_door",
    "unlock unit 4B for the courier": "unlock_door",
    "who has access to unit 4B right now?": "ask_who_has_access",
    "give priya.shah@example.com the Resident 3A key from Jan 1 as a resident": "grant_access",
    "revoke Omar Haddad's access to unit 4B": "revoke_access",
    "yes": "affirm",
    "no": "deny",
    "undo that": "undo",
}

TINY_DATA = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - hello
    - hi there
    - good morning
- intent: grant_access
  examples: |
    - give [Sam](person) the [gym](door)
    - give [Ana Ruiz](person) access to the [lobby](door)
    - add [Tom](person) to the [Staff Key](key)
- intent: submit_request
  examples: |
    - request [cameras]{"entity": "upgrade", "value": "latch_camera"}
- regex: email
  examples: |
    - [\\w.+-]+@[\\w-]+\\.[\\w.]+
"""


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


def entities_of(result: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in result["entities"] if e["entity"] == kind]


# --- Rasa's JSON shape -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Add Lucia Romero to the Maintenance Key until the end of December", "hi"])
def test_parse_answers_in_rasa_model_parse_shape(engine: Engine, text: str) -> None:
    result = engine.parse(text)

    assert set(result) == TOP_KEYS
    assert result["text"] == text
    assert set(result["intent"]) == {"name", "confidence"}
    ranking = result["intent_ranking"]
    assert 1 <= len(ranking) <= 10
    assert ranking[0] == result["intent"]
    assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)
    assert 0.0 <= sum(r["confidence"] for r in ranking) <= 1.0 + 1e-6
    for entity in result["entities"]:
        assert set(entity) == ENTITY_KEYS
        assert 0.0 <= entity["confidence"] <= 1.0
    json.dumps(result)  # plain JSON types only


def test_empty_text_has_no_intent_like_rasa(engine: Engine) -> None:
    assert engine.parse("   ") == {
        "text": "   ",
        "intent": {"name": None, "confidence": 0.0},
        "entities": [],
        "intent_ranking": [],
    }


@pytest.mark.parametrize(
    "text",
    [
        "give unit 3A's new tenant priya.shah@example.com access from Jan 1",
        "revoke Omar Haddad's access to the common doors",
        "courier at front door for 4B, pls let in",
        "make a new key called Pool Key with the gym and the roof deck, not shareable",
        "   add  Jane Park to the Resident 4B key",
    ],
)
def test_entity_offsets_slice_the_text_to_the_span(engine: Engine, text: str) -> None:
    result = engine.parse(text)

    assert result["entities"]
    for entity in result["entities"]:
        span = text[entity["start"] : entity["end"]]
        assert span and span == span.strip()
        if entity["extractor"] == "RegexEntityExtractor":
            assert entity["value"] == span


def test_entities_of_the_sample_messages(engine: Engine) -> None:
    result = engine.parse("Add Lucia Romero to the Maintenance Key until the end of December")

    assert [(e["entity"], e["value"]) for e in result["entities"]] == [
        ("person", "Lucia Romero"),
        ("key", "Maintenance Key"),
    ]
    follow_up = engine.parse("Resident 3A, she's the tenant")
    assert [(e["entity"], e["value"]) for e in follow_up["entities"]] == [("key", "Resident 3A"), ("resident_flag", "yes")]


# --- synonyms and regexes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("revoke Omar Haddad's access to the common doors", "key", "Common Door Key"),
        ("submit a request for cameras", "upgrade", "latch_camera"),
        ("we want the lockers, please submit a request", "upgrade", "package_lockers"),
        ("what activity was there at my door yesterday?", "door", "my unit"),
        ("make Tom Becker a property manager with limited key management", "permission", "limited_key_management"),
        ("add Tariq to the security key, not a resident", "resident_flag", "no"),
        ("buzz the delivery guy in", "role", "courier"),
    ],
)
def test_synonyms_map_to_their_canonical_value(engine: Engine, text: str, kind: str, value: str) -> None:
    assert value in [e["value"] for e in entities_of(engine.parse(text), kind)]


def test_synonyms_are_typed_a_dog_walker_stays_a_role(engine: Engine) -> None:
    doorcode = engine.parse("send my dog walker a code for my apartment for tomorrow")
    booking = engine.parse("book a dog walker for tomorrow at noon")

    assert [e["value"] for e in entities_of(doorcode, "role")] == ["dog walker"]
    assert [e["value"] for e in entities_of(booking, "service")] == ["dog walking"]


@pytest.mark.parametrize(
    ("text", "kind", "span"),
    [
        ("invite jane.doe+test@mail.example.co.uk please", "email", "jane.doe+test@mail.example.co.uk"),
        ("share my key with +17185550142 tonight", "phone", "+17185550142"),
        ("his number is (917) 555-0134", "phone", "(917) 555-0134"),
        ("text 646-555-0190 a code", "phone", "646-555-0190"),
        ("call +44 7700 900123", "phone", "+44 7700 900123"),
        ("deactivate keycard KC-00017 now", "serial", "KC-00017"),
    ],
)
def test_regex_entities(engine: Engine, text: str, kind: str, span: str) -> None:
    found = entities_of(engine.parse(text), kind)

    assert [text[e["start"] : e["end"]] for e in found] == [span]
    assert found[0]["extractor"] == "RegexEntityExtractor" and found[0]["confidence"] == 1.0


# --- the sample case messages ------------------------------------------------------------------


def test_every_sample_turn_is_listed_here() -> None:
    turns = {t for line in SAMPLE_CASES.read_text().splitlines() if line.strip() for t in json.loads(line).get("turns", [])}
    assert turns <= set(SAMPLE_INTENTS)


@pytest.mark.parametrize(("text", "intent"), sorted(SAMPLE_INTENTS.items()))
def test_sample_case_messages_get_their_intent(engine: Engine, text: str, intent: str) -> None:
    assert engine.parse(text)["intent"]["name"] == intent


# --- the cache ---------------------------------------------------------------------------------


def test_cache_is_written_once_reused_and_invalidated_by_new_data(tmp_path: Path) -> None:
    data, cache = tmp_path / "nlu.yml", tmp_path / "cache"
    data.write_text(TINY_DATA)

    first = Engine.load(data, cache)
    cached = cache_file(data.read_bytes(), cache)
    assert cached.exists() and first.parse("hello there")["intent"]["name"] == "greet"
    stamp = cached.stat().st_mtime_ns

    second = Engine.load(data, cache)
    assert cached.stat().st_mtime_ns == stamp
    assert second.model.intents == first.model.intents

    data.write_text(TINY_DATA.replace("    - good morning\n", "    - good morning\n    - hey hey\n"))
    third = Engine.load(data, cache)
    assert cache_file(data.read_bytes(), cache) != cached
    assert cache_file(data.read_bytes(), cache).exists()
    assert third.parse("hey hey")["intent"]["name"] == "greet"
    assert not list(cache.glob("*.tmp"))


def test_a_cached_model_loads_without_importing_sklearn(tmp_path: Path) -> None:
    data, cache = tmp_path / "nlu.yml", tmp_path / "cache"
    data.write_text(TINY_DATA)
    Engine.load(data, cache)
    script = (
        "import sys; from nlu.engine import Engine; "
        f"e = Engine.load({str(data)!r}, {str(cache)!r}); "
        "print(e.parse('give Sam the gym')['intent']['name'], 'sklearn' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)

    assert out.stdout.split() == ["grant_access", "False"]


def test_a_corrupt_cache_is_ignored_and_rebuilt(tmp_path: Path) -> None:
    data, cache = tmp_path / "nlu.yml", tmp_path / "cache"
    data.write_text(TINY_DATA)
    cached = cache_file(data.read_bytes(), cache)
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"\x80\x05 not a pickle at all")

    engine = Engine.load(data, cache)

    assert engine.parse("good morning")["intent"]["name"] == "greet"
    assert Engine.load(data, cache).model.intents == engine.model.intents  # the rebuilt file reads back


def test_only_the_newest_cached_models_are_kept(tmp_path: Path) -> None:
    data, cache = tmp_path / "nlu.yml", tmp_path / "cache"
    data.write_text(TINY_DATA)
    cache.mkdir()
    for age in range(6):
        old = cache / f"nlu-old{age}.pkl"
        old.write_bytes(b"stale")
        os.utime(old, (1_000_000 + age, 1_000_000 + age))

    Engine.load(data, cache)

    kept = sorted(p.name for p in cache.glob("nlu-*.pkl"))
    assert len(kept) == engine_module.KEEP_CACHED
    assert cache_file(data.read_bytes(), cache).name in kept
    assert "nlu-old5.pkl" in kept and "nlu-old0.pkl" not in kept


def test_tiny_model_maps_inline_synonyms_and_tags_names(tmp_path: Path) -> None:
    data = tmp_path / "nlu.yml"
    data.write_text(TINY_DATA)
    engine = Engine.load(data, tmp_path / "cache")

    result = engine.parse("request cameras")

    assert [(e["entity"], e["value"]) for e in result["entities"]] == [("upgrade", "latch_camera")]


# --- junk never raises -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "\x00\x01\x02\x1b[31m", "\ud800 lone surrogate", "🙂" * 50, "a" * 10_000, "KC-" * 4000, "é" * 3000],
)
def test_junk_input_gets_an_answer(engine: Engine, text: str) -> None:
    result = engine.parse(text)

    assert result["text"] == text
    for entity in result["entities"]:
        assert 0 <= entity["start"] < entity["end"] <= len(text)


def test_unrecognisable_input_is_out_of_scope(engine: Engine) -> None:
    assert engine.parse("zxcvbnm qwrtpsdf")["intent"]["name"] == "out_of_scope"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_any_text_parses_without_raising(engine: Engine, text: str) -> None:
    result = engine.parse(text)

    assert set(result) == TOP_KEYS
    for entity in result["entities"]:
        assert text[entity["start"] : entity["end"]]


# --- RASA_URL: a client of a Rasa server -------------------------------------------------------


class FakeRasa(BaseHTTPRequestHandler):
    """Answers POST /model/parse like Rasa, recording each request body."""

    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeRasa.received.append({"path": self.path, "body": body})
        answer = {
            "text": body["text"],
            "intent": {"name": "greet", "confidence": 0.99},
            "entities": [],
            "intent_ranking": [{"name": "greet", "confidence": 0.99}],
        }
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def rasa_url() -> Iterator[str]:
    FakeRasa.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeRasa)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_rasa_client_posts_the_text_and_returns_rasas_json(rasa_url: str) -> None:
    result = RasaClient(rasa_url).parse("hello there")

    assert FakeRasa.received == [{"path": "/model/parse", "body": {"text": "hello there"}}]
    assert result["intent"] == {"name": "greet", "confidence": 0.99}
    assert set(result) == TOP_KEYS


def test_get_engine_uses_the_client_when_rasa_url_is_set(rasa_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_URL", rasa_url)
    monkeypatch.setattr(engine_module, "_parser", None)

    parser = engine_module.get_engine()

    assert isinstance(parser, RasaClient)
    assert parser.parse("hi")["intent"]["name"] == "greet"
    assert engine_module.get_engine() is parser


def test_an_unreachable_rasa_raises_or_falls_back(engine: Engine) -> None:
    dead = "http://127.0.0.1:9/"  # the discard port: nothing listens

    with pytest.raises(RasaUnavailable):
        RasaClient(dead, timeout=0.5).parse("hello")
    answer = RasaClient(dead, timeout=0.5, fallback=lambda: engine).parse("hello")
    assert answer["intent"]["name"] == "greet"
