"""Rasa 3 NLU training data (YAML) read into plain value objects."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DATA_PATH = Path(__file__).parent / "data" / "nlu.yml"

_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<short>[^)]+)\)|(?P<json>\{[^}]*\}))")


class TrainingDataError(ValueError):
    """The training file is not valid Rasa NLU data; the message says where."""


@dataclass(slots=True, frozen=True)
class Span:
    """An entity annotated in (or extracted from) a text."""

    start: int
    """Offset of the first character."""
    end: int
    """Offset just past the last character."""
    entity: str
    """Entity type, e.g. `person`."""
    value: str
    """Canonical value: the synonym's value where one applies, else the text."""


@dataclass(slots=True, frozen=True)
class Example:
    """One training utterance with its intent and entity spans."""

    text: str
    """The plain text, annotations removed."""
    intent: str
    """The intent it is labelled with."""
    entities: tuple[Span, ...] = ()
    """Annotated entities, in text order."""


@dataclass(slots=True)
class TrainingData:
    """Everything under the `nlu:` key of one or more Rasa YAML files."""

    examples: list[Example] = field(default_factory=list)
    """Labelled utterances."""
    synonyms: dict[str, dict[str, str]] = field(default_factory=dict)
    """Entity type (`""` for any) to lower-cased surface text to canonical value."""
    lookups: dict[str, list[str]] = field(default_factory=dict)
    """Lookup table name to its phrases."""
    regexes: dict[str, list[str]] = field(default_factory=dict)
    """Regex name to its patterns."""

    @property
    def intents(self) -> list[str]:
        return sorted({ex.intent for ex in self.examples})

    def value_types(self) -> dict[str, set[str]]:
        """Canonical value (lower case) to the entity types it was annotated as."""
        types: dict[str, set[str]] = {}
        for example in self.examples:
            for span in example.entities:
                types.setdefault(span.value.lower(), set()).add(span.entity)
        return types


def parse_annotated(line: str, intent: str) -> Example:
    """Turn `give [Sam](person) a key` into an Example with its spans."""
    parts: list[str] = []
    spans: list[Span] = []
    cursor = 0
    length = 0
    for match in _ANNOTATION.finditer(line):
        before = line[cursor : match.start()]
        parts.append(before)
        length += len(before)
        text = match.group("text")
        entity, value = _annotation_target(match, text)
        spans.append(Span(length, length + len(text), entity, value))
        parts.append(text)
        length += len(text)
        cursor = match.end()
    parts.append(line[cursor:])
    return Example("".join(parts), intent, tuple(spans))


def _annotation_target(match: re.Match[str], text: str) -> tuple[str, str]:
    if match.group("short") is not None:
        entity, _, value = match.group("short").partition(":")
        return entity.strip(), (value.strip() or text)
    try:
        spec = json.loads(match.group("json"))
    except json.JSONDecodeError as exc:
        raise TrainingDataError(f"bad entity annotation {match.group(0)!r}: {exc}") from exc
    if not isinstance(spec, dict) or "entity" not in spec:
        raise TrainingDataError(f"annotation without an entity: {match.group(0)!r}")
    return str(spec["entity"]), str(spec.get("value", text))


def _example_lines(block: Any, where: str) -> list[str]:
    if isinstance(block, list):
        lines = [item["text"] if isinstance(item, dict) else item for item in block]
        return [str(line).strip() for line in lines if str(line).strip()]
    if not isinstance(block, str):
        raise TrainingDataError(f"{where}: `examples` must be a `|` block of `- ` lines")
    lines = []
    for raw in block.splitlines():
        stripped = raw.strip()
        if not stripped:
            continue
        if not stripped.startswith("- "):
            raise TrainingDataError(f"{where}: example line without '- ': {stripped!r}")
        lines.append(stripped[2:].strip())
    return lines


def _add_item(data: TrainingData, item: dict[str, Any], index: int, pending: list[tuple[str, list[str]]]) -> None:
    where = f"nlu item {index}"
    lines = _example_lines(item.get("examples", ""), where)
    if "intent" in item:
        intent = str(item["intent"])
        for line in lines:
            example = parse_annotated(line, intent)
            data.examples.append(example)
            for span in example.entities:
                surface = example.text[span.start : span.end]
                if span.value != surface:
                    data.synonyms.setdefault(span.entity, {})[surface.lower()] = span.value
    elif "synonym" in item:
        pending.append((str(item["synonym"]), lines))
    elif "lookup" in item:
        data.lookups.setdefault(str(item["lookup"]), []).extend(lines)
    elif "regex" in item:
        data.regexes.setdefault(str(item["regex"]), []).extend(lines)
    else:
        raise TrainingDataError(f"{where}: expected intent, synonym, lookup or regex")


def parse_training_yaml(content: str) -> TrainingData:
    """Parse the text of a Rasa 3 NLU YAML file."""
    import yaml  # only training reads YAML; parsing messages must not pay for the import

    try:
        document = yaml.safe_load(content) or {}
    except yaml.YAMLError as exc:
        raise TrainingDataError(f"not valid YAML: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("nlu"), list):
        raise TrainingDataError("the file has no `nlu:` list")
    data = TrainingData()
    pending: list[tuple[str, list[str]]] = []
    for index, item in enumerate(document["nlu"]):
        if not isinstance(item, dict):
            raise TrainingDataError(f"nlu item {index} is not a mapping")
        _add_item(data, item, index, pending)
    _add_synonym_blocks(data, pending)
    return data


def _add_synonym_blocks(data: TrainingData, blocks: list[tuple[str, list[str]]]) -> None:
    """A `- synonym:` block applies to the entity types its value is annotated as.

    Rasa's synonyms are untyped; typing them keeps "dog walker" a role while
    "book a dog walker" maps the service to "dog walking". A value never annotated
    applies to every type (key `""`).
    """
    types = data.value_types()
    for value, lines in blocks:
        for entity in types.get(value.lower(), {""}):
            table = data.synonyms.setdefault(entity, {})
            for line in lines:
                table.setdefault(line.lower(), value)


def load_training_data(path: str | Path = DEFAULT_DATA_PATH) -> TrainingData:
    """Read a Rasa 3 NLU YAML file."""
    return parse_training_yaml(Path(path).read_text(encoding="utf-8"))
