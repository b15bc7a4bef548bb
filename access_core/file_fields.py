"""Reading typed fields out of a property file's mappings, each error with its line."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from access_core.yaml_lines import LineDict, LineList


class FileError(ValueError):
    """One problem in a property or CSV file, at a line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


class FileErrors(ValueError):
    """Every problem found in a file; nothing from it was applied."""

    def __init__(self, errors: list[FileError]) -> None:
        self.errors = sorted(errors, key=lambda e: e.line)
        super().__init__("\n".join(str(e) for e in self.errors))


_MISSING = object()


class Fields:
    """Typed access to one mapping of the file; errors name the key's line."""

    def __init__(self, mapping: Any, line: int, what: str) -> None:
        if not isinstance(mapping, dict):
            raise FileError(line, f"{what} must be a mapping of fields")
        self.map = mapping
        self.line = getattr(mapping, "line", line) or line
        self.what = what

    def line_of(self, key: str) -> int:
        lines = getattr(self.map, "key_lines", {})
        return int(lines.get(key, self.line))

    def error(self, key: str, message: str) -> FileError:
        return FileError(self.line_of(key), f"{self.what}: {message}")

    def check_known(self, allowed: set[str]) -> None:
        for key in self.map:
            if key not in allowed:
                raise self.error(key, f"unknown field {key!r} (expected one of {', '.join(sorted(allowed))})")

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        if key not in self.map or self.map[key] is None:
            if default is _MISSING:
                raise FileError(self.line, f"{self.what}: {key!r} is required")
            return default
        return self.map[key]

    def text(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.error(key, f"{key!r} must be text")
        value = str(value).strip()
        if not value:
            raise self.error(key, f"{key!r} must not be empty")
        return value

    def choice(self, key: str, options: set[str], default: Any = _MISSING) -> Any:
        value = self.text(key, default)
        if value is not default and value not in options:
            raise self.error(key, f"{key!r} is {value!r}; expected one of {', '.join(sorted(options))}")
        return value

    def flag(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if not isinstance(value, bool) and value is not default:
            raise self.error(key, f"{key!r} must be true or false, not {value!r}")
        return value

    def number(self, key: str, default: Any = _MISSING, *, low: float = 0, high: float = 1e9) -> Any:
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            raise self.error(key, f"{key!r} must be a number from {low:g} to {high:g}, not {value!r}")
        return value

    def items(self, key: str) -> list[tuple[Any, int]]:
        value = self.raw(key, [])
        if not isinstance(value, list):
            raise self.error(key, f"{key!r} must be a list")
        lines = getattr(value, "item_lines", None) or [self.line_of(key)] * len(value)
        return list(zip(value, lines, strict=True))

    def words(self, key: str) -> list[str]:
        result = []
        for item, line in self.items(key):
            if not isinstance(item, str | int) or isinstance(item, bool) or not str(item).strip():
                raise FileError(line, f"{self.what}: every entry of {key!r} must be a name")
            result.append(str(item).strip())
        return result

    def moment(self, key: str, tz: ZoneInfo, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        try:
            return to_moment(value, tz)
        except ValueError as exc:
            raise self.error(key, f"{key!r}: {exc}") from None

    def day(self, key: str) -> date:
        value = self.raw(key)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            raise self.error(key, f"{key!r} must be a date like 2026-11-30, not {value!r}") from None


def to_moment(value: Any, tz: ZoneInfo) -> datetime:
    """A time from the file: with an offset as given, without one in the property's zone."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(0))
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{value!r} is not a time like 2026-02-01T00:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment


def as_list(value: Any, line: int, what: str) -> LineList | list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FileError(line, f"{what} must be a list")
    return value


__all__ = ["FileError", "FileErrors", "Fields", "LineDict", "to_moment", "as_list"]
