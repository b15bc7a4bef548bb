#!/usr/bin/env python3
"""Score the faithfulness suite (issue 13): nothing said is dropped.

Every case is one conversation (usually one message) with one qualifier of a named kind
(a time, a recurrence, a negation, a condition, a person, a contact, a key, a door, a list,
combined needs, an attribute, a holiday, a day-first date, a phone format). The last answer
of the conversation is put in one of four outcomes:

- carried: it matches one of the case's "carry" forms (the planned operations, or the answer
  to a question, hold the qualifier);
- explained: status ask or refused (or answer, when the case says "explain_answer") and the
  reply mentions one of the case's "explain" words, or the turn asks for what "ask_missing"
  names;
- silent drop: a plan was put up for a yes (status confirm or done) that does not carry the
  qualifier, or a question was answered as if the qualifier had not been said;
- miss: anything else (not understood, an ask about something unrelated, an error).

Usage, from the project's root:
    .venv/bin/python tests/faithfulness/score.py [CASES.jsonl] [-v] [--only kind,kind]
        [--without-fields country,subdivision] [--json REPORT.json] [--strict]

Case fields: id, kind, fixture (relative to the case file), as, now, turns, qualifier,
carry (list of forms: status, operations [each expected op matches a distinct actual op on
every field it names], operations_exact, result, reply_any), explain (words), ask_missing,
explain_answer. In expected values null means null or absent; {"$in": [...]} any of them;
{"$between": [lo, hi]} a time in that closed range; {"$prefix": "..."} a text that starts so;
{"$any": true} any value; a text expected where the product wrote a new person as a mapping
matches any of its values.

--without-fields drops those property fields from a copy of each fixture before loading it,
for measuring a product whose loader does not know them yet.

The command is $CONCIERGE_CMD, else .venv/bin/concierge, else concierge. Prints the
outcome counts by kind and the total of silent drops. Exit status 1 on any silent drop
(with --strict also on any miss), 2 when the product could not be run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

OUTCOMES = ("carried", "explained", "silent_drop", "miss")
SET_RESULTS = ("events", "people", "doors", "features", "upgrades")
PLANNED = ("confirm", "done")


def command() -> list[str]:
    if os.environ.get("CONCIERGE_CMD"):
        return shlex.split(os.environ["CONCIERGE_CMD"])
    local = Path(".venv/bin/concierge")
    return [str(local)] if local.exists() else ["concierge"]


def as_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or len(value) < 16 or value[4:5] != "-" or "T" not in value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def canon(value: Any) -> Any:
    if isinstance(value, str):
        return as_time(value) or value.strip().casefold()
    if isinstance(value, list):
        return sorted(repr(canon(v)) for v in value)
    return value


def value_matches(expected: Any, actual: Any) -> bool:
    """Whether an actual field holds what the case expects (see the module docstring)."""
    if isinstance(expected, dict) and len(expected) == 1 and next(iter(expected)).startswith("$"):
        op, arg = next(iter(expected.items()))
        if op == "$any":
            return actual is not None
        if op == "$in":
            return any(value_matches(option, actual) for option in arg)
        if op == "$prefix":
            return isinstance(actual, str) and actual.casefold().startswith(str(arg).casefold())
        if op == "$between":
            low, high, at = as_time(arg[0]), as_time(arg[1]), as_time(actual)
            return None not in (low, high, at) and low <= at <= high  # type: ignore[operator]
        raise ValueError(f"unknown operator {op}")
    if expected is None:
        return actual is None
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(value_matches(v, actual.get(k)) for k, v in expected.items())
    if isinstance(expected, str) and isinstance(actual, dict):
        return any(value_matches(expected, v) for v in actual.values())
    if isinstance(expected, list):
        return isinstance(actual, list) and canon(expected) == canon(actual)
    return bool(canon(expected) == canon(actual))


def form_matches(form: dict[str, Any], got: dict[str, Any]) -> bool:
    """Whether one answer is one of the forms that carry the qualifier."""
    status = form.get("status")
    if status is not None and got.get("status") not in (status if isinstance(status, list) else [status]):
        return False
    actual = [op for op in got.get("operations") or [] if isinstance(op, dict)]
    for want in form.get("operations", []):
        hit = next((op for op in actual if value_matches(want, op)), None)
        if hit is None:
            return False
        actual.remove(hit)
    if form.get("operations_exact") and actual:
        return False
    raw_result = got.get("result")
    result: dict[str, Any] = raw_result if isinstance(raw_result, dict) else {}
    for key, want in (form.get("result") or {}).items():
        have = result.get(key)
        if key == "reasons":
            ok = isinstance(have, list) and set(want) <= set(have)
        elif key in SET_RESULTS:
            ok = isinstance(have, list) and canon(want) == canon(have)
        else:
            ok = value_matches(want, have)
        if not ok:
            return False
    reply = str(got.get("reply") or "").casefold()
    return not form.get("reply_any") or any(word.casefold() in reply for word in form["reply_any"])


def explains(case: dict[str, Any], got: dict[str, Any]) -> bool:
    status = got.get("status")
    if case.get("ask_missing") and status == "ask":
        missing = {str(m).casefold() for m in got.get("missing") or []}
        if {m.casefold() for m in case["ask_missing"]} <= missing:
            return True
    if status not in ("ask", "refused") and not (status == "answer" and case.get("explain_answer")):
        return False
    reply = str(got.get("reply") or "").casefold()
    return any(word.casefold() in reply for word in case.get("explain", []))


def classify(case: dict[str, Any], got: dict[str, Any]) -> str:
    if "_error" in got:
        return "miss"
    if any(form_matches(form, got) for form in case.get("carry", [])):
        return "carried"
    if explains(case, got):
        return "explained"
    status = got.get("status")
    answers_question = any(form.get("status") == "answer" for form in case.get("carry", []))
    if status in PLANNED or (status == "answer" and answers_question):
        return "silent_drop"
    return "miss"


def load_cases(path: Path, kinds: set[str]) -> list[dict[str, Any]]:
    cases = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("//"):
            case = json.loads(line)
            if not kinds or case["kind"] in kinds:
                case["_fixture"] = (path.parent / case["fixture"]).resolve()
                cases.append(case)
    return cases


def prepared_fixture(fixture: Path, workdir: Path, drop_fields: list[str]) -> Path:
    if not drop_fields:
        return fixture
    pattern = re.compile(r"^\s*(?:" + "|".join(map(re.escape, drop_fields)) + r")\s*:")
    copy = workdir / f"{fixture.stem}.stripped.yaml"
    copy.write_text("".join(line for line in fixture.read_text().splitlines(keepends=True) if not pattern.match(line)))
    return copy


def run_fixture(fixture: Path, cases: list[dict[str, Any]], db: str) -> dict[str, dict[str, Any]]:
    """Load a fixture and feed its cases through one dry-run chat; return each case's last answer."""
    loaded = subprocess.run(command() + ["load", str(fixture), "--db", db], capture_output=True, text=True)
    if loaded.returncode != 0:
        return {c["id"]: {"_error": f"load failed: {loaded.stderr.strip()[-300:]}"} for c in cases}
    lines, owners = [], []
    for case in cases:
        lines += ["/reset", f"/as {case['as']}", f"/now {case['now']}"]
        for turn in case["turns"]:
            lines.append(turn.replace("\n", " "))
            owners.append(case["id"])
    chat = subprocess.run(
        command() + ["chat", "--json", "--dry-run", "--db", db], input="\n".join(lines) + "\n", capture_output=True, text=True
    )
    answers = [line for line in chat.stdout.splitlines() if line.strip()]
    if len(answers) != len(owners):
        error = f"chat printed {len(answers)} answers for {len(owners)} messages: {chat.stderr.strip()[-300:]}"
        return {c["id"]: {"_error": error} for c in cases}
    last: dict[str, dict[str, Any]] = {}
    for owner, line in zip(owners, answers, strict=True):
        try:
            last[owner] = json.loads(line)
        except json.JSONDecodeError:
            last[owner] = {"_error": f"not JSON: {line[:200]}"}
    return last


def score(cases: list[dict[str, Any]], drop_fields: list[str]) -> list[dict[str, Any]]:
    by_fixture: dict[Path, list[dict[str, Any]]] = defaultdict(list)
    for case in cases:
        by_fixture[case["_fixture"]].append(case)
    workdir = Path(tempfile.mkdtemp(prefix="faithfulness-"))
    rows = []
    try:
        for fixture, group in by_fixture.items():
            db = f"sqlite:///{workdir / (fixture.stem + '.db')}"
            answers = run_fixture(prepared_fixture(fixture, workdir, drop_fields), group, db)
            for case in group:
                got = answers.get(case["id"], {"_error": "no answer"})
                rows.append(
                    {"id": case["id"], "kind": case["kind"], "qualifier": case["qualifier"], "outcome": classify(case, got), "answer": got}
                )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return rows


def print_report(rows: list[dict[str, Any]], verbose: bool) -> None:
    for row in rows:
        if verbose or row["outcome"] in ("silent_drop", "miss"):
            got = row["answer"]
            brief = got.get("_error") or f"{got.get('status')} {json.dumps(got.get('operations'))[:300]} | {str(got.get('reply'))[:160]!r}"
            print(f"{row['outcome'].upper():12} {row['id']} [{row['qualifier']}]: {brief}")
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        tally[row["kind"]][row["outcome"]] += 1
    print(f"\n{'kind':22}{'cases':>6}" + "".join(f"{o:>13}" for o in OUTCOMES))
    total: Counter[str] = Counter()
    for kind in sorted(tally):
        total.update(tally[kind])
        print(f"{kind:22}{sum(tally[kind].values()):>6}" + "".join(f"{tally[kind][o]:>13}" for o in OUTCOMES))
    print(f"{'total':22}{len(rows):>6}" + "".join(f"{total[o]:>13}" for o in OUTCOMES))
    good = total["carried"] + total["explained"]
    print(f"\nfaithful: {good}/{len(rows)} ({100 * good / max(len(rows), 1):.1f} %); silent drops: {total['silent_drop']}")


def main(argv: list[str]) -> int:
    args = list(argv)
    options: dict[str, str] = {}
    for flag in ("--only", "--without-fields", "--json"):
        if flag in args:
            at = args.index(flag)
            options[flag] = args[at + 1]
            del args[at : at + 2]
    verbose, strict = "-v" in args, "--strict" in args
    paths = [a for a in args if not a.startswith("-")]
    path = Path(paths[0]) if paths else Path(__file__).with_name("cases.jsonl")
    kinds = {k.strip() for k in options.get("--only", "").split(",") if k.strip()}
    drop_fields = [f.strip() for f in options.get("--without-fields", "").split(",") if f.strip()]
    rows = score(load_cases(path, kinds), drop_fields)
    print_report(rows, verbose)
    if "--json" in options:
        Path(options["--json"]).write_text(json.dumps(rows, indent=1))
    errors = [r for r in rows if "_error" in r["answer"]]
    if errors and len(errors) == len(rows):
        return 2
    outcomes = Counter(r["outcome"] for r in rows)
    return 1 if outcomes["silent_drop"] or (strict and outcomes["miss"]) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
