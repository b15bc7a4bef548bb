"""Held-out benchmark of the NLU engine.

`python -m bench.nlu_eval [--test FILE] [--train FILE] [-v]` prints intent accuracy,
entity precision/recall/F1 (exact span and type, micro), the most confused intents,
and as its last line one JSON object with the headline figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from nlu.engine import Engine
from nlu.engine_eval import evaluate, format_report
from nlu.training_data import DEFAULT_DATA_PATH, Example, load_training_data

TEST_PATH = Path(__file__).parent / "data" / "nlu_test.yml"


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def assert_held_out(test: list[Example], train: list[Example]) -> None:
    """No test utterance may also be a training one (case and spacing ignored)."""
    seen = {_normal(ex.text) for ex in train}
    leaked = [ex.text for ex in test if _normal(ex.text) in seen]
    if leaked:
        raise SystemExit(f"{len(leaked)} test utterances are also training data: {leaked[:5]}")


def warm_latency_ms(engine: Engine, texts: list[str], rounds: int = 3) -> tuple[float, float]:
    """p50 and p99 of `engine.parse` over the texts, after one warm-up pass."""
    for text in texts:
        engine.parse(text)
    timings = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            engine.parse(text)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return timings[len(timings) // 2], timings[min(len(timings) - 1, int(len(timings) * 0.99))]


def cold_load_seconds(train: Path) -> float:
    """Imports plus loading the cached model, in a fresh interpreter."""
    script = (
        "import time; t = time.perf_counter(); from nlu.engine import Engine; "
        f"Engine.load({str(train)!r}).parse('hello'); print(time.perf_counter() - t)"
    )
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    return float(out.stdout.split()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.nlu_eval", description=__doc__)
    parser.add_argument("--test", type=Path, default=TEST_PATH, help="held-out Rasa NLU file")
    parser.add_argument("--train", type=Path, default=DEFAULT_DATA_PATH, help="training Rasa NLU file")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every wrong utterance")
    args = parser.parse_args(argv)

    test = load_training_data(args.test).examples
    assert_held_out(test, load_training_data(args.train).examples)
    engine = Engine.load(args.train)
    report = evaluate(engine, test)
    if args.verbose:
        print("\n".join(report.misses))
    print("\n".join(format_report(report)))
    p50, p99 = warm_latency_ms(engine, [ex.text for ex in test])
    print(f"parse latency (warm): p50 {p50:.3f} ms, p99 {p99:.3f} ms; cold import+load {cold_load_seconds(args.train):.2f} s")
    _, _, f1 = report.entity_scores()
    summary = {"intent_accuracy": round(report.intent_accuracy, 4), "entity_f1": round(f1, 4), "n": report.n}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
