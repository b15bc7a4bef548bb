"""Instructions per chat message and per access decision, counted by valgrind's callgrind.

    python -m bench.instructions [--messages N] [--decisions N] [--only chat,core] [--ref GITREF]

Wall-clock figures swing with whatever else runs on the machine; the number of instructions
the interpreter executes does not. Each workload runs twice under callgrind, once with none
of the measured units and once with N of them, everything else identical (same start-up,
warm-up, seed, ``PYTHONHASHSEED``), so ``(total_N - total_0) / N`` is the cost of one unit
with start-up and warm-up subtracted:

- chat: bench/chat.py's message mix (its speakers, seed and clock) through
  ``concierge chat --json --dry-run`` on the demo property, after the first question and a
  few warm-up messages; instructions per message.
- core: bench/core.py's decision loop (``AccessIndex.decide`` over random people, doors and
  moments of the first property of its synthetic portfolio, loaded into SQLite); per decision.

With ``--ref`` the same workloads also run on that commit (a temporary detached worktree,
this .venv's interpreter, ``PYTHONPATH`` at the worktree) and the ratio current/ref is
printed. The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.chat import NOW, messages

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
FIXTURE = Path("demo") / "foundry.yaml"
FIRST_QUESTION = ("ben.carter@harbor.example", "who has access to unit 4B right now?")
WARM_UP = 10
"""Messages after the first question that both chat runs send before the measured ones."""

_TOTALS = re.compile(r"^(?:totals|summary):\s+(\d+)", re.MULTILINE)


def callgrind_total(text: str) -> int:
    """The instructions (Ir) of a callgrind output file: its ``totals:`` line, else its ``summary:``."""
    found = {}
    for match in _TOTALS.finditer(text):
        found.setdefault(match.group(0).split(":")[0], int(match.group(1)))
    if not found:
        raise ValueError("no totals: or summary: line in the callgrind output")
    events = re.search(r"^events:\s+(\S+)", text, re.MULTILINE)
    if events is None or events.group(1) != "Ir":
        raise ValueError("the callgrind output's first event is not Ir (instructions)")
    return found.get("totals", found.get("summary", 0))


@dataclass(frozen=True, slots=True)
class Tree:
    """A checkout whose code is measured, run with this .venv's interpreter."""

    label: str
    root: Path
    scratch: Path

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DATABASE_URL", "REDIS_URL")}
        env.update(PYTHONPATH=str(self.root), PYTHONHASHSEED="0", CONCIERGE_CACHE_DIR=str(self.scratch / "cache"))
        return env

    def run(self, args: list[str], *, stdin: str = "", callgrind: bool = False) -> tuple[str, int | None]:
        """Run ``python ARGS`` in this tree; its stdout and, under callgrind, the instructions it executed."""
        command = [str(PYTHON), *args]
        out = self.scratch / "callgrind.out"
        if callgrind:
            out.unlink(missing_ok=True)
            command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--trace-children=no", *command]
        done = subprocess.run(command, input=stdin, capture_output=True, text=True, cwd=self.root, env=self.env())
        if done.returncode != 0:
            raise SystemExit(f"{self.label}: {' '.join(args[:3])} failed ({done.returncode}):\n{done.stderr[-3000:]}")
        return done.stdout, callgrind_total(out.read_text()) if callgrind else None


def chat_input(count: int) -> tuple[str, int]:
    """bench/chat.py's session: the first question, then WARM_UP + ``count`` messages; the lines and answers expected."""
    lines = [f"/as {FIRST_QUESTION[0]}", f"/now {NOW}", FIRST_QUESTION[1]]
    speaker = FIRST_QUESTION[0]
    sent = messages(WARM_UP + count)
    for who, text in sent:
        if who != speaker:
            lines += ["/reset", f"/as {who}", f"/now {NOW}"]
            speaker = who
        lines.append(text)
    return "\n".join(lines) + "\n", 1 + len(sent)


def chat(tree: Tree, count: int) -> float:
    """Instructions per message of ``concierge chat --json --dry-run`` in ``tree``."""
    loaded = tree.scratch / "loaded.db"
    db = tree.scratch / "chat.db"
    tree.run(["-m", "bot.cli", "load", str(FIXTURE), "--db", f"sqlite:///{loaded}"])
    command = ["-m", "bot.cli", "chat", "--json", "--dry-run", "--db", f"sqlite:///{db}"]
    totals = []
    for n, measured in enumerate((0, 0, count)):  # the first run, not counted, fills the NLU model cache
        shutil.copyfile(loaded, db)
        text, expected = chat_input(measured)
        stdout, total = tree.run(command, stdin=text, callgrind=n > 0)
        answers = [json.loads(line) for line in stdout.splitlines() if line.strip()]
        if len(answers) != expected:
            raise SystemExit(f"{tree.label}: chat gave {len(answers)} answers to {expected} messages")
        if total is not None:
            totals.append(total)
    return (totals[1] - totals[0]) / count


# Run with the measured tree's code: bench/core.py's decisions() with the loop's length as argument.
CORE_DRIVER = """
import gc, random, sys
from datetime import timedelta
from sqlalchemy import select
from access_core.access_index import AccessIndex
from access_core.models import Grant, Key, Property
from bench.core_portfolio import SPAN_START, Size, blueprint, insert_blueprint
from bot import bootstrap

url, cases_n, decided_n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
plan = blueprint(Size(properties=1))
db = bootstrap.database(url)
if decided_n < 0:  # fill the database (not measured)
    with db.engine.begin() as connection:
        insert_blueprint(connection, plan)
    sys.exit(0)
site, rng = plan.sites[0], random.Random(5)
with db.sessions() as session:
    prop = session.get(Property, site.id)
    index = AccessIndex.build(session, prop)
    people = list(session.scalars(select(Grant.person_id).join(Key).where(Key.property_id == site.id).distinct()))
    people += [guest for guest, *_ in site.shares] + [plan.portfolio_manager]
    doors = site.units + list(site.common.values())
    span = plan.size.days * 86400
    cases = [
        (rng.choice(people), rng.choice(doors), SPAN_START + timedelta(seconds=rng.randrange(-span // 4, span + span // 4)))
        for _ in range(cases_n)
    ]
    gc.collect()
    gc.freeze()  # else a full collection of the set-up's heap may or may not fall inside the loop
    allowed = sum(index.decide(person, door, at).allowed for person, door, at in cases[:decided_n])
print(allowed)
"""


def core(tree: Tree, count: int) -> float:
    """Instructions per ``AccessIndex.decide`` in ``tree`` (the cases are drawn in both runs, decided in one)."""
    url = f"sqlite:///{tree.scratch / 'core.db'}"
    tree.run(["-c", CORE_DRIVER, url, "0", "-1"])
    totals = []
    for decided in (0, count):
        _, total = tree.run(["-c", CORE_DRIVER, url, str(count), str(decided)], callgrind=True)
        assert total is not None
        totals.append(total)
    return (totals[1] - totals[0]) / count


def measure(tree: Tree, workloads: dict[str, Callable[[Tree], float]]) -> dict[str, float]:
    figures = {}
    for name, workload in workloads.items():
        print(f"{tree.label}: {name} under callgrind ...", flush=True)
        figures[name] = round(workload(tree))
        print(f"  {figures[name]:,} instructions per {'message' if name == 'chat' else 'decision'}", flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=30, help="measured chat messages (default 30)")
    parser.add_argument("--decisions", type=int, default=2000, help="measured access decisions (default 2,000)")
    parser.add_argument("--only", default="chat,core", help="comma-separated workloads: chat, core")
    parser.add_argument("--ref", help="also measure this commit and print current/ref ratios")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    available: dict[str, Callable[[Tree], float]] = {
        "chat": lambda tree: chat(tree, args.messages),
        "core": lambda tree: core(tree, args.decisions),
    }
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    if not chosen or set(chosen) - set(available):
        raise SystemExit(f"--only: choose among {', '.join(available)}")
    workloads = {name: available[name] for name in chosen}
    result: dict[str, object] = {"messages": args.messages, "decisions": args.decisions}
    with tempfile.TemporaryDirectory(prefix="bench-instructions-") as scratch:
        current = Tree("current", ROOT, Path(scratch, "current"))
        current.scratch.mkdir()
        result["current"] = measure(current, workloads)
        if args.ref:
            sha = subprocess.run(["git", "rev-parse", "--verify", f"{args.ref}^{{commit}}"], cwd=ROOT, capture_output=True, text=True)
            if sha.returncode != 0:
                raise SystemExit(f"--ref {args.ref}: not a commit")
            ref = Tree(f"ref {args.ref}", Path(scratch, "ref-tree"), Path(scratch, "ref"))
            ref.scratch.mkdir()
            subprocess.run(
                ["git", "worktree", "add", "--detach", str(ref.root), sha.stdout.strip()], cwd=ROOT, check=True, capture_output=True
            )
            try:
                result["ref"] = {"commit": sha.stdout.strip()[:12], **measure(ref, workloads)}
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(ref.root)], cwd=ROOT, check=False, capture_output=True)
            ratios = {name: round(result["current"][name] / result["ref"][name], 3) for name in workloads}  # type: ignore[index]
            for name, ratio in ratios.items():
                print(f"{name}: current/ref = {ratio:.3f} ({(ratio - 1) * 100:+.1f} %)")
            result["ratio"] = ratios
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
