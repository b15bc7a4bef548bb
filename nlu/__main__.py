"""Command line of the NLU engine.

python -m nlu parse "give Sam the gym key"   # Rasa /model/parse JSON
python -m nlu train [--data FILE]            # (re)train and cache the model
python -m nlu evaluate FILE [-v]             # score a labelled Rasa NLU file
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from nlu.training_data import DEFAULT_DATA_PATH


def _parse(args: argparse.Namespace) -> int:
    from nlu.engine import get_engine

    print(json.dumps(get_engine().parse(args.text), ensure_ascii=False, indent=2))
    return 0


def _train(args: argparse.Namespace) -> int:
    from nlu.engine import Engine, cache_file

    started = time.perf_counter()
    engine = Engine.load(args.data, retrain=True)
    model = engine.model
    print(f"trained from {args.data} in {time.perf_counter() - started:.1f} s")
    print(f"intents: {len(model.intents)}, entity labels: {len(model.tag_labels)}")
    print(f"features: {len(model.word_vocab)} word, {len(model.char_vocab)} char, {len(model.tag_vocab)} token")
    print(f"cached at {cache_file(Path(args.data).read_bytes())}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from nlu.engine import Engine
    from nlu.engine_eval import evaluate, format_report
    from nlu.training_data import load_training_data

    report = evaluate(Engine.load(args.data), load_training_data(args.file).examples)
    if args.verbose:
        print("\n".join(report.misses))
    print("\n".join(format_report(report)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlu", description="The concierge's NLU engine.")
    commands = parser.add_subparsers(dest="command", required=True)
    parse = commands.add_parser("parse", help="print Rasa's /model/parse JSON for a message")
    parse.add_argument("text")
    parse.set_defaults(run=_parse)
    train = commands.add_parser("train", help="(re)train from the training file and cache the model")
    train.add_argument("--data", type=Path, default=DEFAULT_DATA_PATH)
    train.set_defaults(run=_train)
    evaluate = commands.add_parser("evaluate", help="score the engine on a labelled Rasa NLU file")
    evaluate.add_argument("file", type=Path)
    evaluate.add_argument("--data", type=Path, default=DEFAULT_DATA_PATH, help="training file")
    evaluate.add_argument("-v", "--verbose", action="store_true", help="list every wrong utterance")
    evaluate.set_defaults(run=_evaluate)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
