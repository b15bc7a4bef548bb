"""Score contract case files (one JSON case a line) against the `concierge` command line.

    .venv/bin/python tests/contract/run_cases.py tests/cases/sample.jsonl [-v] [--only grant,revoke] [-j 2]

A case: ``{"id": "area-n", "fixture": "foundry.yaml", "kind": "chat"|"activity"|"check"|"session", "as": ..., "now": ...,
"turns": [...], "door"/"person"/"at"/"since"/"until": ..., "expect": {...}}`` (kind chat by default). The fixture is a
path relative to the case file; when nothing is there, the file of that name in this repository's `tests/fixtures/` or
`demo/` is used, so a clone runs its own case files with nothing beside it.

- chat: every chat case of one fixture goes through one ``concierge chat --json --dry-run`` process (``/reset``,
  ``/as``, ``/now`` before each case); ``expect`` is checked against the answer to the case's last turn.
- activity / check: ``concierge activity --json`` / ``concierge check --json``; the printed JSON is the answer's
  ``result``.
- session: the turns really execute on a fresh database of the fixture; ``expect_turns`` holds one expectation (or
  null) per turn, then each case in ``after`` (activity or check, no fixture) is checked on the changed database.

Expectations (every key must be one of these; an unknown key fails the case rather than being ignored):
status (equal), status_in (one of), operations (each expected operation matches a different actual one on every field
it names: strings compare trimmed and case-insensitively, ISO times as instants, lists in any order, objects field by
field, null means null or absent), operations_exact (no actual operation left over), missing (each named slot is
among the answer's missing ones), result (events, people, doors, features, upgrades: the same items in any order;
reasons: at least these; any other field: equal), reply_contains / reply_excludes (case-insensitive substrings).

The command is $CONCIERGE_CMD, else this repository's .venv/bin/concierge, else ``python -m bot.cli``.
Prints one line per failing case (every case with -v), a tally by area and "N passed, M failed"; the exit status is 1
when a case failed or when no case was selected, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_FOLDERS = (ROOT / "tests" / "fixtures", ROOT / "demo")
"""Where a fixture that is not beside its case file is looked up by name."""
UNORDERED_RESULTS = frozenset({"events", "people", "doors", "features", "upgrades"})
TIMEOUT_S = 900.0

Answer = dict[str, Any]


# --- comparing values ------------------------------------------------------------------------------------------------


def _instant(text: str) -> datetime | None:
    """An ISO date-time with a 'T' (a 'Z' suffix allowed), else None."""
    if len(text) < 16 or text[4:5] != "-" or "T" not in text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def canonical(value: Any) -> Any:
    """A comparable form: trimmed case-folded strings, instants for ISO times, order-free lists, objects by field."""
    if isinstance(value, str):
        moment = _instant(value.strip())
        return ("instant", moment) if moment is not None else value.strip().casefold()
    if isinstance(value, list):
        return ("list", tuple(sorted(repr(canonical(item)) for item in value)))
    if isinstance(value, dict):
        return ("object", tuple(sorted((str(k), repr(canonical(v))) for k, v in value.items())))
    return value


def same(expected: Any, actual: Any) -> bool:
    """Whether one expected field value is met: null wants null or absent; an object names only the fields it checks."""
    if expected is None:
        return actual is None
    if isinstance(expected, dict) and isinstance(actual, dict):
        return all(same(want, actual.get(name)) for name, want in expected.items())
    return bool(canonical(expected) == canonical(actual))


def operation_fits(expected: dict[str, Any], actual: Any) -> bool:
    return isinstance(actual, dict) and all(same(want, actual.get(name)) for name, want in expected.items())


def pair_operations(expected: list[dict[str, Any]], actual: list[Any]) -> tuple[list[int], set[int]]:
    """Match each expected operation to a different actual one (augmenting paths, so the order of either list
    never matters). Returns the indexes of the expected operations left unmatched and the actual ones used."""
    fits = [[j for j, have in enumerate(actual) if operation_fits(want, have)] for want in expected]
    owner: dict[int, int] = {}  # actual index -> expected index

    def place(i: int, seen: set[int]) -> bool:
        for j in fits[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or place(owner[j], seen):
                owner[j] = i
                return True
        return False

    unmatched = [i for i in range(len(expected)) if not place(i, set())]
    return unmatched, set(owner)


# --- the expectations ------------------------------------------------------------------------------------------------


def _status(want: Any, _: dict[str, Any], got: Answer) -> list[str]:
    return [] if got.get("status") == want else [f"status {got.get('status')!r}, expected {want!r}"]


def _status_in(want: Any, _: dict[str, Any], got: Answer) -> list[str]:
    return [] if got.get("status") in want else [f"status {got.get('status')!r}, expected one of {want!r}"]


def _operations(want: Any, expect: dict[str, Any], got: Answer) -> list[str]:
    actual = list(got.get("operations") or [])
    unmatched, used = pair_operations(list(want), actual)
    problems = [f"no operation matches {json.dumps(want[i])}" for i in unmatched]
    if expect.get("operations_exact"):
        extra = [op for j, op in enumerate(actual) if j not in used]
        if extra:
            problems.append(f"operations beyond those expected: {json.dumps(extra)}")
    return problems


def _operations_exact(want: Any, expect: dict[str, Any], got: Answer) -> list[str]:
    if want and "operations" not in expect:  # exactly no operations
        return _operations([], expect, got)
    return []  # checked with "operations"


def _missing(want: Any, _: dict[str, Any], got: Answer) -> list[str]:
    have = {str(slot).casefold() for slot in got.get("missing") or []}
    lacking = [slot for slot in want if str(slot).casefold() not in have]
    return [f"missing should name {lacking}; it names {sorted(have)}"] if lacking else []


def _result(want: Any, _: dict[str, Any], got: Answer) -> list[str]:
    result = got.get("result")
    problems = []
    for name, wanted in want.items():
        have = result.get(name) if isinstance(result, dict) else None
        if name in UNORDERED_RESULTS:
            fine = isinstance(have, list) and Counter(map(repr, map(canonical, wanted))) == Counter(map(repr, map(canonical, have)))
        elif name == "reasons":
            fine = isinstance(have, list) and set(wanted) <= set(have)
        else:
            fine = canonical(wanted) == canonical(have)
        if not fine:
            problems.append(f"result.{name} is {have!r}, expected {wanted!r}")
    return problems


def _reply_contains(want: Any, _: dict[str, Any], got: Answer) -> list[str]:
    reply = str(got.get("reply") or "").casefold()
    return [f"reply lacks {text!r}" for text in want if text.casefold() not in reply]


def _reply_excludes(want: Any, _: dict[str, Any], got: Answer) -> list[str]:
    reply = str(got.get("reply") or "").casefold()
    return [f"reply must not contain {text!r}" for text in want if text.casefold() in reply]


EXPECTATIONS: dict[str, Callable[[Any, dict[str, Any], Answer], list[str]]] = {
    "status": _status,
    "status_in": _status_in,
    "operations": _operations,
    "operations_exact": _operations_exact,
    "missing": _missing,
    "result": _result,
    "reply_contains": _reply_contains,
    "reply_excludes": _reply_excludes,
}


def score(expect: dict[str, Any], got: Answer) -> list[str]:
    """What in ``got`` (one answer) does not meet ``expect``; empty when it all does."""
    if "_error" in got:
        return [str(got["_error"])]
    if not expect:
        return ["the case expects nothing (a case that cannot fail)"]
    problems = [f"unknown expectation {name!r}" for name in expect if name not in EXPECTATIONS]
    for name, want in expect.items():
        if name in EXPECTATIONS:
            problems += EXPECTATIONS[name](want, expect, got)
    return problems


# --- reading case files ----------------------------------------------------------------------------------------------


@dataclass
class Case:
    id: str
    kind: str
    fixture: Path
    data: dict[str, Any] = field(repr=False)

    @property
    def area(self) -> str:
        return self.id.split("-", 1)[0]


def resolve_fixture(case_file: Path, name: str) -> Path:
    """The fixture ``name`` relative to its case file, else the file of that name in this repository's fixtures."""
    beside = (case_file.parent / name).resolve()
    if beside.is_file():
        return beside
    for folder in FIXTURE_FOLDERS:
        candidate = folder / Path(name).name
        if candidate.is_file():
            return candidate
    return beside  # loading it fails and says which file


def read_cases(paths: Iterable[Path], areas: tuple[str, ...] = ()) -> list[Case]:
    """The cases of ``paths`` (blank lines and // comments skipped), only those of ``areas`` when given."""
    cases = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{number}: not JSON ({exc})") from None
            case = Case(str(data["id"]), data.get("kind", "chat"), resolve_fixture(path, data["fixture"]), data)
            if not areas or case.area in areas:
                cases.append(case)
    return cases


# --- running the command ---------------------------------------------------------------------------------------------


def concierge() -> list[str]:
    if os.environ.get("CONCIERGE_CMD"):
        return shlex.split(os.environ["CONCIERGE_CMD"])
    local = ROOT / ".venv" / "bin" / "concierge"
    return [str(local)] if local.exists() else [sys.executable, "-m", "bot.cli"]


def _call(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*concierge(), *args], input=stdin, capture_output=True, text=True, timeout=TIMEOUT_S)


def _tail(text: str, size: int = 400) -> str:
    return text.strip()[-size:]


def load(fixture: Path, db: str) -> str | None:
    """Load ``fixture`` into ``db``; an error message when that failed."""
    done = _call(["load", str(fixture), "--db", db])
    return None if done.returncode == 0 else f"loading {fixture} failed (exit {done.returncode}): {_tail(done.stderr)}"


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())


def chat(db: str, script: list[str], turns: int, *, dry_run: bool) -> list[Answer] | str:
    """Feed ``script`` (control lines and turns) to one chat process; its ``turns`` answers, or an error message."""
    done = _call(["chat", "--json", "--db", db, *(["--dry-run"] if dry_run else [])], "\n".join(script) + "\n")
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if len(lines) != turns:
        return f"chat gave {len(lines)} answers to {turns} messages (exit {done.returncode}): {_tail(done.stderr)}"
    answers: list[Answer] = []
    for line in lines:
        try:
            answers.append(json.loads(line))
        except json.JSONDecodeError:
            answers.append({"_error": f"not JSON: {line[:200]}"})
    return answers


def query(case: dict[str, Any], db: str) -> Answer:
    """Run an activity or check case; its printed JSON as the answer's result."""
    if case.get("kind") == "activity":
        args = ["activity", "--as", case["as"], "--json"]
        args += [arg for flag in ("door", "since", "until") if case.get(flag) for arg in (f"--{flag}", case[flag])]
    elif case.get("kind") == "check":
        args = ["check", "--person", case["person"], "--door", case["door"], "--json"]
        args += ["--at", case["at"]] if case.get("at") else []
    else:
        return {"_error": f"kind {case.get('kind')!r} cannot be asked of a database"}
    done = _call([*args, "--db", db])
    try:
        return {"result": json.loads(done.stdout)}
    except json.JSONDecodeError:
        return {"_error": f"{args[0]} printed no JSON (exit {done.returncode}): {_tail(done.stdout, 200)} {_tail(done.stderr, 300)}"}


def run_chats(cases: list[Case], db: str) -> dict[str, list[str]]:
    script: list[str] = []
    turns = 0
    for case in cases:
        script += ["/reset", f"/as {case.data['as']}", f"/now {case.data['now']}"]
        script += [_one_line(turn) for turn in case.data["turns"]]
        turns += len(case.data["turns"])
    answers = chat(db, script, turns, dry_run=True)
    if isinstance(answers, str):
        return {case.id: [answers] for case in cases}
    problems: dict[str, list[str]] = {}
    position = 0
    for case in cases:
        position += len(case.data["turns"])
        problems[case.id] = score(case.data.get("expect") or {}, answers[position - 1])
    return problems


def run_session(case: Case, folder: Path) -> list[str]:
    db = f"sqlite:///{folder / (case.id + '.session.db')}"
    error = load(case.fixture, db)
    if error:
        return [error]
    turns = [_one_line(turn) for turn in case.data["turns"]]
    answers = chat(db, [f"/as {case.data['as']}", f"/now {case.data['now']}", *turns], len(turns), dry_run=False)
    if isinstance(answers, str):
        return [answers]
    if not any(case.data.get("expect_turns") or []) and not case.data.get("after"):
        return ["the session expects nothing (a case that cannot fail)"]
    problems = []
    for number, (want, got) in enumerate(zip(case.data.get("expect_turns", []), answers, strict=False), 1):
        if want is not None:
            problems += [f"turn {number}: {problem}" for problem in score(want, got)]
    for number, after in enumerate(case.data.get("after", []), 1):
        problems += [f"after {number}: {problem}" for problem in score(after.get("expect") or {}, query(after, db))]
    return problems


def run_fixture(fixture: Path, cases: list[Case], folder: Path, pool: ThreadPoolExecutor) -> dict[str, list[str]]:
    """Every case of one fixture: its chats in one process, its queries on one database, its sessions on their own."""
    sessions = {case.id: pool.submit(run_session, case, folder) for case in cases if case.kind == "session"}
    problems: dict[str, list[str]] = {}
    unique = hashlib.sha256(str(fixture.resolve()).encode()).hexdigest()[:12]  # two fixtures may share a file name
    db = f"sqlite:///{folder / f'{fixture.stem}-{unique}.db'}"
    error = load(fixture, db)
    for case in cases:
        if case.kind not in ("chat", "activity", "check", "session"):
            problems[case.id] = [f"unknown kind {case.kind!r}"]
    if error:
        problems.update({case.id: [error] for case in cases if case.kind != "session"})
    else:
        chats = [case for case in cases if case.kind == "chat"]
        if chats:
            problems.update(run_chats(chats, db))
        for case in cases:
            if case.kind in ("activity", "check"):
                problems[case.id] = score(case.data.get("expect") or {}, query(case.data, db))
    problems.update({name: future.result() for name, future in sessions.items()})
    return problems


def run(cases: list[Case], jobs: int) -> dict[str, list[str]]:
    """The problems of every case, by id (empty for a case that passed)."""
    by_fixture: dict[Path, list[Case]] = defaultdict(list)
    for case in cases:
        by_fixture[case.fixture].append(case)
    problems: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="contract-cases-") as tmp, ThreadPoolExecutor(max(1, jobs)) as pool:
        groups = ThreadPoolExecutor(max(1, len(by_fixture)))
        with groups:
            futures = [groups.submit(run_fixture, fixture, group, Path(tmp), pool) for fixture, group in by_fixture.items()]
            for future in futures:
                problems.update(future.result())
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="run_cases.py", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="Case files (JSON lines).")
    parser.add_argument("-v", "--verbose", action="store_true", help="Print every case, not only the failing ones.")
    parser.add_argument("--only", default="", help="Comma-separated areas (the part of a case id before its first '-').")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="Session cases run at once (default 2).")
    args = parser.parse_args(argv)
    for path in args.files:
        if not path.is_file():
            parser.error(f"no case file {path}")
    areas = tuple(area.strip() for area in args.only.split(",") if area.strip())
    cases = read_cases(args.files, areas)
    if not cases:
        print(f"no cases selected from {', '.join(map(str, args.files))}{f' for {args.only}' if areas else ''}")
        return 1
    duplicates = [name for name, count in Counter(case.id for case in cases).items() if count > 1]
    if duplicates:
        print(f"case ids used more than once: {', '.join(sorted(duplicates))}")
        return 1
    problems = run(cases, args.jobs)
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case in cases:
        found = problems.get(case.id, ["no answer"])
        tally[case.area][1 if found else 0] += 1
        if found:
            print(f"FAIL {case.id}: {'; '.join(found)}")
        elif args.verbose:
            print(f"ok   {case.id}")
    passed = sum(ok for ok, _ in tally.values())
    failed = sum(bad for _, bad in tally.values())
    print("by area: " + ", ".join(f"{area} {ok}/{ok + bad}" for area, (ok, bad) in sorted(tally.items())))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
