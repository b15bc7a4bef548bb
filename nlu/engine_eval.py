"""Scoring a parser against labelled Rasa NLU examples."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from nlu.training_data import Example


class _Parser(Protocol):
    def parse(self, text: str) -> dict[str, Any]: ...


EntityKey = tuple[int, int, str]
"""An entity as compared: start, end, type."""


@dataclass(slots=True)
class EvalReport:
    """Intent accuracy and exact-match entity scores over a labelled set."""

    n: int = 0
    """Utterances scored."""
    intent_correct: int = 0
    """Utterances whose top intent was right."""
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(expected, predicted) intent pairs that differed."""
    true_pos: Counter[str] = field(default_factory=Counter)
    """Per entity type, predicted spans matching a gold span exactly."""
    false_pos: Counter[str] = field(default_factory=Counter)
    """Per entity type, predicted spans with no exact gold match."""
    false_neg: Counter[str] = field(default_factory=Counter)
    """Per entity type, gold spans not predicted exactly."""
    misses: list[str] = field(default_factory=list)
    """One line per wrong utterance, for reading."""

    @property
    def intent_accuracy(self) -> float:
        return self.intent_correct / self.n if self.n else 0.0

    def entity_scores(self, entity: str | None = None) -> tuple[float, float, float]:
        """Micro precision, recall and F1 (of one type, or of all)."""

        def pick(counts: Counter[str]) -> int:
            return counts[entity] if entity else sum(counts.values())

        tp, fp, fn = pick(self.true_pos), pick(self.false_pos), pick(self.false_neg)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    @property
    def entity_types(self) -> list[str]:
        return sorted(set(self.true_pos) | set(self.false_pos) | set(self.false_neg))


def _entity_keys(entities: Iterable[dict[str, Any]]) -> set[EntityKey]:
    return {(int(e["start"]), int(e["end"]), str(e["entity"])) for e in entities}


def evaluate(parser: _Parser, examples: Iterable[Example]) -> EvalReport:
    """Parse every example and compare intent and entities (exact span and type)."""
    report = EvalReport()
    for example in examples:
        result = parser.parse(example.text)
        predicted_intent = (result.get("intent") or {}).get("name")
        report.n += 1
        problems = []
        if predicted_intent == example.intent:
            report.intent_correct += 1
        else:
            report.confusions[(example.intent, str(predicted_intent))] += 1
            problems.append(f"intent {example.intent} -> {predicted_intent}")
        gold = {(s.start, s.end, s.entity) for s in example.entities}
        found = _entity_keys(result.get("entities", []))
        for key in found & gold:
            report.true_pos[key[2]] += 1
        for key in found - gold:
            report.false_pos[key[2]] += 1
            problems.append(f"extra {key[2]}={example.text[key[0] : key[1]]!r}")
        for key in gold - found:
            report.false_neg[key[2]] += 1
            problems.append(f"missed {key[2]}={example.text[key[0] : key[1]]!r}")
        if problems:
            report.misses.append(f"{example.text!r}: {'; '.join(problems)}")
    return report


def format_report(report: EvalReport, top_confusions: int = 10) -> list[str]:
    """Human-readable lines: accuracy, entity scores per type, most confused intents."""
    precision, recall, f1 = report.entity_scores()
    lines = [
        f"utterances: {report.n}",
        f"intent accuracy: {report.intent_accuracy:.4f} ({report.intent_correct}/{report.n})",
        f"entities (exact span+type, micro): precision {precision:.4f} recall {recall:.4f} f1 {f1:.4f}",
    ]
    for entity in report.entity_types:
        p, r, f = report.entity_scores(entity)
        support = report.true_pos[entity] + report.false_neg[entity]
        lines.append(f"  {entity:<14} p {p:.3f} r {r:.3f} f1 {f:.3f} (gold {support})")
    lines.append("most confused intents (expected -> predicted: count):")
    for (gold, predicted), count in report.confusions.most_common(top_confusions):
        lines.append(f"  {gold} -> {predicted}: {count}")
    if not report.confusions:
        lines.append("  none")
    return lines
