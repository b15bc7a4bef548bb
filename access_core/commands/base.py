"""What every command is: a frozen value in the CONTRACT vocabulary, guarded by one rule of the policy.

A command is made from an operation dict only at the edges (the turn JSON and the plans kept
between turns, the REST API, CSV rows, property files) with ``from_op``, which names the field
of a bad value (``Invalid``), and goes back with ``to_op``, field for field in the CONTRACT order.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, ClassVar, TypeVar

from access_core.errors import Invalid
from access_core.policy import Rule

ASK = "ask"
"""Field metadata: the question that asks for a missing required value ("Who is it for?")."""
INTERNAL = "internal"
"""Field metadata: not in the CONTRACT table; written out only when set (a call id, a doorcode's own code)."""


def asking(question: str) -> Any:
    """A required field whose absence is asked about in these words."""
    return dataclasses.field(metadata={ASK: question})


def internal(default: Any = None) -> Any:
    """An optional field of the internal vocabulary (left out of the operation when unset)."""
    return dataclasses.field(default=default, metadata={INTERNAL: True})


class Command:
    """Base of every command: its operation name and the rule of the policy that guards it."""

    __slots__ = ()
    op: ClassVar[str]
    """Its name in the operation vocabulary ("grant_key")."""
    rule: ClassVar[Rule]
    """Who may make it (DOMAIN "Who may do what"), checked for the kind and for each command."""

    def to_op(self) -> dict[str, Any]:
        """The operation dict: ``op`` then each field in order, values as JSON (times ISO 8601)."""
        out: dict[str, Any] = {"op": self.op}
        for spec in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, spec.name)
            if value is None and spec.metadata.get(INTERNAL):
                continue
            out[spec.name] = as_json(value)
        return out


def as_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [as_json(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {spec.name: as_json(getattr(value, spec.name)) for spec in dataclasses.fields(value)}
    return value


C = TypeVar("C", bound=Command)


def build(kind: type[C], op: Mapping[str, Any]) -> C:
    """``kind`` from an operation dict; a missing or bad value raises ``Invalid`` naming its field."""
    values: dict[str, Any] = {}
    for spec in dataclasses.fields(kind):  # type: ignore[arg-type]
        hint = _hints(kind)[spec.name]  # type: ignore[arg-type]
        raw = op.get(spec.name)
        required = spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
        if raw is None and not required:
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip() and hint is str):
            raise Invalid(spec.name, spec.metadata.get(ASK) or f"{spec.name} is required")
        values[spec.name] = convert(hint, raw, spec.name)
    return kind(**values)


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def convert(hint: Any, raw: Any, name: str) -> Any:
    """One field's value as its type says (None stays None for optional fields)."""
    if raw is None:
        return None
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, _UnionType) and args:
        if len(args) == 1:
            return convert(args[0], raw, name)
        for arg in args:  # a union such as ``str | NewPerson``: the first type the value has
            if isinstance(raw, dict) and dataclasses.is_dataclass(arg):
                return convert(arg, raw, name)
            if isinstance(raw, str) and arg is str:
                return raw
        raise Invalid(name, f"{name} {raw!r} is not valid")
    if typing.get_origin(hint) is tuple:
        if isinstance(raw, str) or not isinstance(raw, list | tuple):
            raise Invalid(name, f"{name} must be a list")
        return tuple(convert(args[0], item, name) for item in raw)
    converter = CONVERTERS.get(hint)
    if converter is not None:
        return converter(raw, name)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if not isinstance(raw, Mapping):
            raise Invalid(name, f"{name} must be an object")
        fields = {spec.name: convert(_hints(hint)[spec.name], raw.get(spec.name), name) for spec in dataclasses.fields(hint)}
        return hint(**fields)
    raise Invalid(name, f"{name} {raw!r} is not valid")  # pragma: no cover - every field type is listed above


_UnionType = type(int | None)


def _text(raw: Any, name: str) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return str(raw)
    raise Invalid(name, f"{name} must be text")


def _flag(raw: Any, name: str) -> bool:
    if isinstance(raw, bool):
        return raw
    raise Invalid(name, f"{name} must be yes or no")


def _number(raw: Any, name: str) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise Invalid(name, f"{name} {raw!r} is not a number") from None


def moment(raw: Any, name: str) -> datetime:
    """An ISO 8601 time with its offset."""
    if isinstance(raw, datetime):
        parsed = raw
    else:
        try:
            parsed = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError:
            raise Invalid(name, f"{name} {raw!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise Invalid(name, f"{name} {raw!r} needs its offset")
    return parsed


def day(raw: Any, name: str) -> date:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise Invalid(name, f"{raw!r} is not a date") from None


CONVERTERS: dict[Any, Callable[[Any, str], Any]] = {
    str: _text,
    bool: _flag,
    int: _number,
    datetime: moment,
    date: day,
}
