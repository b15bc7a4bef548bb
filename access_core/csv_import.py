"""CSV import: many people onto one key at once (DOMAIN "CSV import").

Every row is checked, and a bad row never stops the others being checked: the
error lists every bad line and why. A file with any bad row applies nothing.
Good rows give the key exactly as ``grant_key`` does (the same resident and
may_share rules, the same grant changed when the person already holds the key).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from access_core import policy
from access_core.csv_table import Note, Table, decode, parse_when, parse_yes_no, read_table
from access_core.errors import Ambiguous, Invalid, NotFound
from access_core.file_fields import FileError, FileErrors
from access_core.grant_terms import default_may_share, kept_terms, resident_answer
from access_core.models import Grant, Key, Person, Property
from access_core.phones import normalize_email, normalize_phone
from access_core.services.access import put_grants
from access_core.services.context import Context

CHUNK = 500


class ImportRejected(FileErrors):
    """A CSV file with bad rows (or no readable table): ``errors`` names every bad line; nothing applied."""


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One checked row: who, and the terms of their grant."""

    line: int
    """Its line in the file."""
    name: str
    """The person's name ("" when not given)."""
    email: str | None
    """Normalised email."""
    phone: str | None
    """E.164 phone."""
    starts: datetime
    """Start of access (aware)."""
    ends: datetime | None
    """Exclusive end, None for open-ended."""
    resident: bool | None
    """Resident for the key's doors; None when not said (kept from the grant held, else an error)."""
    may_share: bool | None
    """May share the key; None when not said (kept from the grant held, else the default)."""


@dataclass(slots=True)
class ImportReport:
    """What an import did."""

    key: str
    """The key given."""
    property: str
    """Its property."""
    imported: int = 0
    """Rows applied."""
    people_created: int = 0
    """New people among them."""
    grants_created: int = 0
    """People who did not hold the key before."""
    grants_updated: int = 0
    """People whose grant of the key was changed."""
    warnings: list[Note] = field(default_factory=list)
    """Things ignored or noticed (unused columns, a person matched by phone with another email)."""

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "property": self.property,
            "imported": self.imported,
            "people_created": self.people_created,
            "grants_created": self.grants_created,
            "grants_updated": self.grants_updated,
            "warnings": [str(w) for w in self.warnings],
        }


def import_csv(ctx: Context, key_name: str, text: str | bytes) -> ImportReport:
    """Give ``key_name`` to everyone in the CSV (text or file bytes), in the caller's transaction.

    All or nothing: ``ImportRejected`` lists every bad line; ``Refused`` when the asker may not.
    """
    key = ctx.key(key_name)
    policy.require_key_giving(ctx.principal, key)
    try:
        table = read_table(decode(text) if isinstance(text, bytes) else text)
        _require_columns(table, key)
    except FileError as exc:
        raise ImportRejected([exc]) from None
    reader = RowReader(table, key, ctx.tz, ctx.now)
    errors: list[FileError] = []
    rows = []
    for line, cells in table.rows:
        row = reader.read(line, cells, errors)
        if row is not None:
            rows.append(row)
    report = ImportReport(key.name, ctx.prop.name, warnings=list(table.warnings))
    people = match_people(ctx.session, rows, errors, report.warnings)
    held = _grants_of(ctx.session, key, [p.id for p in people.values() if p is not None])
    rows = _with_terms(key, [row for row in rows if row.line in people], people, held, ctx.now, errors)
    if errors:
        raise ImportRejected(errors)
    if any(people.get(row.line) is None for row in rows):
        policy.require_inviting(ctx.principal, ctx.prop)
    _apply(ctx, key, rows, people, held, report)
    return report


def _with_terms(
    key: Key, rows: list[CsvRow], people: dict[int, Person | None], held: dict[int, Grant], now: datetime, errors: list[FileError]
) -> list[CsvRow]:
    """Each row with the terms it did not say: those of the grant the person holds (or renews), as grant_key
    keeps them; else may_share by default, and a missing resident answer is that row's error."""
    done = []
    for row in rows:
        person = people[row.line]
        kept = kept_terms(held.get(person.id) if person else None, now, renewing=True)
        resident = row.resident if row.resident is not None else kept.resident if kept else None
        if resident is None and key.has_residence:
            errors.append(FileError(row.line, f"resident: must be yes or no: {key.name} opens a residence door"))
            continue
        resident = bool(resident)
        may_share = row.may_share
        if may_share is None:
            may_share = kept.may_share if kept else default_may_share(key.shareable, resident)
        done.append(replace(row, resident=resident, may_share=may_share))
    return done


def _require_columns(table: Table, key: Key) -> None:
    if key.has_residence and not table.has("resident"):
        raise FileError(
            1,
            f"a 'resident' column (yes or no) is needed: {key.name} opens a residence door, "
            "so every row must say whether the person lives there",
        )


class RowReader:
    """Checks rows against the header's columns, the key and the property's zone."""

    def __init__(self, table: Table, key: Key, tz: ZoneInfo, now: datetime) -> None:
        self.table, self.key, self.tz, self.now = table, key, tz, now

    def cell(self, cells: list[str], name: str) -> str:
        position = self.table.columns.get(name)
        if position is None or position >= len(cells):
            return ""
        return cells[position].strip()

    def read(self, line: int, cells: list[str], errors: list[FileError]) -> CsvRow | None:
        """The checked row, or None after adding each of its problems to ``errors``."""
        problems: list[str] = []
        if any(c.strip() for c in cells[self.table.width :]):
            problems.append(f"{len(cells)} values but the header has {self.table.width} columns")
        email, phone = self._contact(cells, problems)
        starts, ends = self._period(cells, problems)
        resident, may_share = self._terms(cells, problems)
        if problems:
            errors.extend(FileError(line, p) for p in problems)
            return None
        assert starts is not None
        return CsvRow(line, self._name(cells), email, phone, starts, ends, resident, may_share)

    def _name(self, cells: list[str]) -> str:
        full = self.cell(cells, "name")
        parts = (self.cell(cells, "first_name"), self.cell(cells, "last_name"))
        return full or " ".join(p for p in parts if p)

    def _contact(self, cells: list[str], problems: list[str]) -> tuple[str | None, str | None]:
        email_text, phone_text = self.cell(cells, "email"), self.cell(cells, "phone")
        email = normalize_email(email_text) if email_text else None
        phone = normalize_phone(phone_text) if phone_text else None
        if email_text and email is None:
            problems.append(f"email {email_text!r} is not an email address")
        if phone_text and phone is None:
            problems.append(f"phone {phone_text!r} is not a phone number (numbers outside the US need +country)")
        if not email_text and not phone_text:
            problems.append("an email or a phone number is needed")
        return email, phone

    def _period(self, cells: list[str], problems: list[str]) -> tuple[datetime | None, datetime | None]:
        starts: datetime | None = self.now
        ends: datetime | None = None
        try:
            starts = parse_when(self.cell(cells, "starts"), self.tz, end=False) or self.now
        except ValueError as exc:
            problems.append(f"starts: {exc}")
            starts = None
        try:
            ends = parse_when(self.cell(cells, "ends"), self.tz, end=True)
        except ValueError as exc:
            problems.append(f"ends: {exc}")
        if starts is not None and ends is not None and ends <= starts:
            problems.append(
                f"ends ({self.cell(cells, 'ends')}) is not after starts "
                f"({self.cell(cells, 'starts') or 'now'}); access must end after it starts"
            )
        return starts, ends

    def _terms(self, cells: list[str], problems: list[str]) -> tuple[bool | None, bool | None]:
        resident: bool | None = None
        may_share: bool | None = None
        try:
            stated = parse_yes_no(self.cell(cells, "resident"))
            resident = None if stated is None else resident_answer(self.key, stated)
        except ValueError as exc:
            problems.append(f"resident: {exc}")
        except Invalid as exc:
            problems.append(f"resident: {exc.message}")
        try:
            may_share = parse_yes_no(self.cell(cells, "may_share"))
        except ValueError as exc:
            problems.append(f"may_share: {exc}")
        return resident, may_share


def match_people(session: Session, rows: list[CsvRow], errors: list[FileError], warnings: list[Note]) -> dict[int, Person | None]:
    """Line -> the known person a row names (by email or phone), or None for someone new."""
    by_email = _people_by(session, Person.email, {r.email for r in rows if r.email})
    by_phone = _people_by(session, Person.phone, {r.phone for r in rows if r.phone})
    first_line: dict[object, int] = {}
    found: dict[int, Person | None] = {}
    for row in rows:
        consistent, person = _known(row, by_email, by_phone, errors, warnings)
        if not consistent:
            continue
        handles: list[object] = [h for h in (row.email, row.phone) if h]
        if person is not None:
            handles.append(person.id)
        earlier = next((first_line[h] for h in handles if h in first_line), None)
        if earlier is not None:
            errors.append(FileError(row.line, f"the same person as line {earlier}; each person may appear only once"))
            continue
        first_line.update(dict.fromkeys(handles, row.line))
        found[row.line] = person
    return found


def _known(
    row: CsvRow,
    by_email: dict[str, Person],
    by_phone: dict[str, Person],
    errors: list[FileError],
    warnings: list[Note],
) -> tuple[bool, Person | None]:
    """The person the row names (None for a new one); False first when email and phone name two people."""
    email_person = by_email.get(row.email or "")
    phone_person = by_phone.get(row.phone or "")
    if email_person and phone_person and email_person.id != phone_person.id:
        errors.append(FileError(row.line, f"email {row.email} is {email_person.label}'s but phone {row.phone} is {phone_person.label}'s"))
        return False, None
    person = email_person or phone_person
    if person is not None and row.email and person.email and row.email != person.email:
        warnings.append(
            Note(row.line, f"matched {person.label} by phone {row.phone}; the email on file ({person.email}) was kept, not {row.email}")
        )
    if person is not None and row.phone and person.phone and row.phone != person.phone:
        warnings.append(
            Note(row.line, f"matched {person.label} by email {row.email}; the phone on file ({person.phone}) was kept, not {row.phone}")
        )
    return True, person


def _people_by(session: Session, column: Any, values: set[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    ordered = sorted(values)
    for chunk in _chunks(ordered):
        for person in session.scalars(select(Person).where(column.in_(chunk))):
            found[person.email if column is Person.email else person.phone] = person  # type: ignore[index]
    return found


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _apply(
    ctx: Context,
    key: Key,
    rows: list[CsvRow],
    people: dict[int, Person | None],
    held: dict[int, Grant],
    report: ImportReport,
) -> None:
    created = _create_people(ctx.session, [row for row in rows if people[row.line] is None])
    entries = []
    for row in rows:
        person = people[row.line] or created[row.line]
        assert row.resident is not None and row.may_share is not None
        entries.append((person, held.get(person.id), (row.starts, row.ends, row.resident, row.may_share)))
    put_grants(ctx, key, entries)
    ctx.audit("import_csv", key=key.name, rows=len(rows), people_created=len(created))
    ctx.session.flush()
    report.imported = len(rows)
    report.people_created = len(created)
    report.grants_updated = sum(grant is not None for _, grant, _ in entries)
    report.grants_created = report.imported - report.grants_updated


def _create_people(session: Session, rows: list[CsvRow]) -> dict[int, Person]:
    """Line -> the new person of each row, inserted in bulk."""
    if not rows:
        return {}
    values = [{"name": row.name, "email": row.email, "phone": row.phone} for row in rows]
    made = session.scalars(insert(Person).returning(Person, sort_by_parameter_order=True), values).all()
    return {row.line: person for row, person in zip(rows, made, strict=True)}


def _grants_of(session: Session, key: Key, person_ids: list[int]) -> dict[int, Grant]:
    held: dict[int, Grant] = {}
    for chunk in _chunks(sorted(person_ids)):
        for grant in session.scalars(select(Grant).where(Grant.key_id == key.id, Grant.person_id.in_(chunk))):
            held[grant.person_id] = grant
    return held


def property_of_key(session: Session, key_name: str, property_name: str | None = None) -> Property:
    """The property named, or else the only property that has a key of that name."""
    if property_name:
        wanted = property_name.strip().lower()
        prop = session.scalar(select(Property).where(func.lower(Property.name) == wanted))
        if prop is None:
            raise NotFound("property", property_name)
        return prop
    props = session.scalars(
        select(Property)
        .join(Key, Key.property_id == Property.id)
        .where(func.lower(Key.name) == key_name.strip().lower())
        .order_by(Property.name)
    ).all()
    if not props:
        raise NotFound("key", key_name)
    if len(props) > 1:
        raise Ambiguous("property", key_name, [p.name for p in props])
    return props[0]
