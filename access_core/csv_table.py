"""Reading a CSV file of people: its text, its header's columns, its rows with their line numbers.

Columns are matched by name, case-insensitively, with the usual spellings ("Email
Address", "Phone Number", "Start", "End date", "Resident?"). Line numbers are those
of the file as a person sees it: the header is line 1, blank lines count.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from access_core.file_fields import FileError

FIELDS = ("name", "first_name", "last_name", "email", "phone", "starts", "ends", "resident", "may_share")

ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "person", "resident name", "guest name", "display name"),
    "first_name": ("first name", "first", "given name", "firstname"),
    "last_name": ("last name", "last", "surname", "family name", "lastname"),
    "email": ("email", "email address", "e mail", "e mail address", "mail"),
    "phone": ("phone", "phone number", "mobile", "mobile number", "mobile phone", "cell", "cell phone", "telephone", "tel", "phone no"),
    "starts": (
        "starts",
        "start",
        "starts at",
        "start date",
        "start time",
        "from",
        "begins",
        "valid from",
        "move in",
        "move in date",
        "access start",
    ),
    "ends": (
        "ends",
        "end",
        "ends at",
        "end date",
        "end time",
        "until",
        "to",
        "expires",
        "valid until",
        "move out",
        "move out date",
        "access end",
    ),
    "resident": ("resident", "is resident", "resident yes no", "residency"),
    "may_share": ("may share", "can share", "sharing", "share", "allow sharing", "may share yes no"),
}
COLUMN_NAMES = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
DELIMITERS = (",", ";", "\t")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Note:
    """Something said about one line of the file (a warning, or one reason of an error)."""

    line: int
    """The line of the file, the header being line 1."""
    message: str
    """What about it."""

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(slots=True)
class Table:
    """The file split into its header's columns and its rows."""

    columns: dict[str, int]
    """Field name (of ``FIELDS``) -> position in each row."""
    width: int
    """How many columns the header names."""
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    """(line, cells) of every non-blank row after the header."""
    warnings: list[Note] = field(default_factory=list)
    """Columns that were ignored."""

    def has(self, name: str) -> bool:
        return name in self.columns


def column_key(header: str) -> str:
    """How a header cell is compared: lower case, words only ("E-mail Address?" -> "e mail address")."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", header.lower()).split())


def decode(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), or UTF-16 with its BOM."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileError(1, f"this is not a CSV text file (not UTF-8 at byte {exc.start}); save it as 'CSV UTF-8'") from None


def read_table(text: str) -> Table:
    """Split the text into header and rows; a file that can't be read as a table raises ``FileError``."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise FileError(1, "the file is empty; expected a header line such as 'name,email,phone,resident'")
    junk = _CONTROL.search(text)
    if junk:
        line = text.count("\n", 0, junk.start()) + 1
        raise FileError(line, "this is not a CSV text file (it contains binary data)")
    records = [(n, cells) for n, cells in _records(text, _delimiter(text)) if any(c.strip() for c in cells)]
    if not records:
        raise FileError(1, "the file has no names in it; expected a header line such as 'name,email,phone'")
    header_line, header = records[0]
    table = _header(header, header_line)
    table.rows = records[1:]
    if not table.rows:
        raise FileError(header_line, "the file has a header but no people")
    return table


def _delimiter(text: str) -> str:
    first = next(line for line in text.splitlines() if line.strip())
    scores = {d: sum(column_key(c) in COLUMN_NAMES for c in first.split(d)) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: scores[d])
    return best if scores[best] else ","


def _records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for cells in reader:
            records.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise FileError(line, f"this is not valid CSV ({exc}); a quote may be left open") from None
    return records


def _header(cells: list[str], line: int) -> Table:
    columns: dict[str, int] = {}
    warnings: list[Note] = []
    problems: list[str] = []
    for position, cell in enumerate(cells):
        name = COLUMN_NAMES.get(column_key(cell))
        if name is None:
            if cell.strip():
                warnings.append(Note(line, f"column {cell.strip()!r} is not used"))
            continue
        if name in columns:
            problems.append(f"two columns mean {name}: {cells[columns[name]].strip()!r} and {cell.strip()!r}")
        columns[name] = position
    if not columns:
        raise FileError(
            line, "the first line is not a header; expected column names such as name, email, phone, starts, ends, resident, may_share"
        )
    if "email" not in columns and "phone" not in columns:
        problems.append("an email or a phone column is needed to know who each row is")
    if problems:
        raise FileError(line, "; ".join(problems))
    return Table(columns, len(cells), warnings=warnings)


YES = frozenset({"yes", "y", "true", "t", "1"})
NO = frozenset({"no", "n", "false", "f", "0"})
_US_DATE = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_ISO_SLASHES = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})")


def parse_yes_no(text: str) -> bool | None:
    """yes/no, y/n, true/false, 1/0 (any case); None when empty."""
    value = text.strip().lower()
    if not value:
        return None
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(f"{text.strip()!r} is not yes or no")


def parse_when(text: str, tz: ZoneInfo, *, end: bool) -> datetime | None:
    """A start or end in the property's zone; None when empty (CONTRACT conventions).

    A bare day starts at 00:00 local; a bare day named as an end includes that whole day,
    so it ends at the next day's 00:00 local. A time with an offset keeps it.
    """
    value = text.strip()
    if not value:
        return None
    moment, bare_day = _moment(value)
    if bare_day:
        day = moment.date() + timedelta(days=1) if end else moment.date()
        return datetime.combine(day, time(0), tzinfo=tz)
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _moment(value: str) -> tuple[datetime, bool]:
    """The written time (naive unless it has an offset), and whether it is a bare day."""
    hint = f"{value!r} is not a date like 2027-01-31 or 1/31/2027 (optionally with a time, 2027-01-31T08:00)"
    value = _ISO_SLASHES.sub(lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", value)
    us = _US_DATE.match(value)
    if us:
        return _us_moment(us), us[4] is None
    try:
        if len(value) <= 10:
            return datetime.combine(date.fromisoformat(value), time(0)), True
        return datetime.fromisoformat(value.replace("Z", "+00:00")), False
    except ValueError:
        raise ValueError(hint) from None


def _us_moment(match: re.Match[str]) -> datetime:
    month, day, year = int(match[1]), int(match[2]), int(match[3])
    hour, minute, second = int(match[4] or 0), int(match[5] or 0), int(match[6] or 0)
    if match[7] and 1 <= hour <= 12:
        hour = hour % 12 + (12 if match[7].lower() == "pm" else 0)
    elif match[7]:
        hour = 99
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise ValueError(f"{match[0]!r} is not a date: dates with slashes are month/day/year, like 1/31/2027") from None
