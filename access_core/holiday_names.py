"""Named public holidays of a property's country and state, through the ``holidays`` package.

The country and subdivision are the property's ``country`` / ``subdivision`` fields when given,
otherwise read from its address (a US state or Canadian province before the postal code) and its
time zone (the country of the zone in the tz database's ``zone.tab``).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Protocol, cast

import holidays


class Located(Protocol):
    """Where a property is: all the holiday resolver reads of it (an ORM ``Property`` is one)."""

    @property
    def country(self) -> str | None: ...
    @property
    def subdivision(self) -> str | None: ...
    @property
    def timezone(self) -> str: ...
    @property
    def address(self) -> str | None: ...


OBSERVANCES = {"New Year's Eve": (12, 31), "Christmas Eve": (12, 24), "Halloween": (10, 31), "Valentine's Day": (2, 14)}
"""Days people close for that are no public holiday anywhere: the same date every year."""
ALIASES: dict[str, tuple[str, ...]] = {
    "presidents day": ("Washington's Birthday",),
    "mlk day": ("Martin Luther King Jr. Day",),
    "thanksgiving": ("Thanksgiving Day",),
    "fourth of july": ("Independence Day",),
    "4th of july": ("Independence Day",),
    "july 4th": ("Independence Day",),
    "xmas": ("Christmas Day",),
    "new years": ("New Year's Day",),
    "juneteenth": ("Juneteenth National Independence Day",),
    "summer bank holiday": ("Late Summer Bank Holiday", "Summer Bank Holiday"),
    "august bank holiday": ("Late Summer Bank Holiday", "Summer Bank Holiday"),
    "may bank holiday": ("Early May Bank Holiday", "May Day"),
    "early may bank holiday": ("Early May Bank Holiday", "May Day"),
    "paddys day": ("Saint Patrick's Day",),
    "st paddys day": ("Saint Patrick's Day",),
    "hogmanay": ("New Year's Eve",),
    "nye": ("New Year's Eve",),
}
"""Everyday names of holidays, each with the names it has in the package, in the order tried (England's
August bank holiday is the "Late Summer Bank Holiday", Scotland's the "Summer Bank Holiday")."""
ALIAS_PAIRS = [(alias, name) for alias, names in ALIASES.items() for name in names]
_POSTAL = (
    ("US", re.compile(r"\b([A-Z]{2})\s+\d{5}(?:-\d{4})?\b")),
    ("CA", re.compile(r"\b([A-Z]{2})\s+[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")),
    ("AU", re.compile(r"\b(NSW|VIC|QLD|WA|SA|TAS|ACT|NT)\s+\d{4}\b")),
)


@dataclass(frozen=True, slots=True)
class Holiday:
    """One named holiday on one date."""

    name: str
    """Its name as the holidays package (or OBSERVANCES) writes it."""
    day: date
    """The date it falls on."""


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    texts = []
    with contextlib.suppress(ModuleNotFoundError, FileNotFoundError):
        texts.append(resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text())
    system = Path("/usr/share/zoneinfo/zone.tab")
    if system.exists():
        texts.append(system.read_text())
    table: dict[str, str] = {}
    for text in texts:
        for line in text.splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and not line.startswith("#"):
                table.setdefault(parts[2], parts[0])
    return table


def place_of(prop: Located) -> tuple[str | None, str | None]:
    """(country, subdivision) where the property's public holidays are looked up."""
    country = (prop.country or "").upper() or None
    subdivision = (prop.subdivision or "").upper() or None
    if country is None:
        country = _zone_countries().get(prop.timezone)
    if subdivision is None and country is not None:
        for code, pattern in _POSTAL:
            match = pattern.search(prop.address or "") if code == country else None
            if match and match[1] in _subdivisions(country):
                subdivision = match[1]
    return country, subdivision


@lru_cache(maxsize=64)
def _subdivisions(country: str) -> frozenset[str]:
    try:
        return frozenset(holidays.country_holidays(country).subdivisions)
    except NotImplementedError:
        return frozenset()


def holidays_in(prop: Located, years: range) -> list[Holiday]:
    """Every named holiday of those years at the property, observances included, by date."""
    country, subdivision = place_of(prop)
    found: list[Holiday] = []
    if country is not None:
        try:
            table: dict[date, str] = dict(holidays.country_holidays(country, subdiv=subdivision, years=list(years)))
        except NotImplementedError:
            table = {}
        for day, names in table.items():
            found.extend(Holiday(name.strip(), day) for name in str(names).split(";"))
    for name, (month, dom) in OBSERVANCES.items():
        found.extend(Holiday(name, date(year, month, dom)) for year in years)
    return sorted(found, key=lambda h: (h.day, h.name))


def _norm(text: str) -> str:
    text = text.casefold().replace("’", "'").replace("'s", "s").replace("'", "")
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _variants(name: str) -> set[str]:
    """The ways a holiday's name is written: "Christmas" for Christmas Day; "St Stephen's Day" and "Stephen's Day"
    for Saint Stephen's Day (a saint's day keeps its "day": "St Stephen's Green" is a park)."""
    base = _norm(name)
    if base.startswith("saint "):
        rest = base[len("saint ") :]
        return {base, f"st {rest}", rest} if rest.endswith(" day") else {base, f"st {rest}"}
    forms = {base}
    if base.endswith(" day") and len(base.split()) > 1:
        forms.add(base[: -len(" day")])
    if base.endswith(" anniversary day"):
        forms.add("anniversary day")  # "Auckland Anniversary Day": each region of New Zealand has its own
    for american, british in _SPELLINGS:
        forms |= {form.replace(american, british) for form in forms} | {form.replace(british, american) for form in forms}
    return forms


_SPELLINGS = (("labor", "labour"), ("honor", "honour"))
"""Words a holiday's name is spelt two ways ("Labor Day" in the package; "Labour Day" in Sydney and Auckland)."""


def next_holiday(prop: Located, name: str, today: date) -> Holiday | None:
    """The next date (today or later) on which the holiday called ``name`` falls at the property."""
    wanted = [_norm(target) for target in ALIASES.get(_norm(name), (name,))]
    coming = [h for h in holidays_in(prop, range(today.year, today.year + 2)) if h.day >= today and "observed" not in h.name]
    for target in wanted:
        for holiday in coming:
            if target in _variants(holiday.name):
                return holiday
    return None


def holiday_in_text(prop: Located, text: str, today: date) -> Holiday | None:
    """The holiday a message names ("we're closed on christmas day"), at its next date; the longest name wins."""
    spans = holiday_spans(prop, text, today)
    return max(spans, key=lambda span: span[1] - span[0])[2] if spans else None


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def holiday_spans(prop: Located, text: str, today: date) -> list[tuple[int, int, Holiday]]:
    """Every holiday the text names, with the span of its name, at its next date; longer names first, no overlaps."""
    pattern, by_form = _day_names(_where(prop), today)
    if pattern is None:
        return []
    kept: list[int] = []
    plain: list[str] = []
    for i, ch in enumerate(text.casefold().replace("’", "'")):
        if ch == "'":
            continue
        plain.append(ch if ch.isalnum() else " ")
        kept.append(i)
    padded = " " + "".join(plain) + " "
    found: list[tuple[int, int, Holiday]] = []
    for match in pattern.finditer(padded):
        form = " ".join(match.group().split())
        form = form if form in by_form else form[:-1]
        start, end = kept[match.start() - 1], kept[match.end() - 2] + 1
        found.append((start, end, by_form[form]))
    return found


@dataclass(frozen=True, slots=True)
class _Where:
    """The fields of a property that say where it is (a hashable stand-in for ``place_of``)."""

    country: str | None
    subdivision: str | None
    timezone: str
    address: str | None


def _where(prop: Located) -> _Where:
    return _Where(prop.country, prop.subdivision, prop.timezone, prop.address)


@lru_cache(maxsize=256)
def _day_names(where: _Where, today: date) -> tuple[re.Pattern[str] | None, dict[str, Holiday]]:
    """One pattern for every name of every coming holiday there (longest first), and each name's holiday."""
    prop = cast(Located, where)
    names = {h.name for h in holidays_in(prop, range(today.year, today.year + 2)) if "observed" not in h.name}
    candidates = [(form, name) for name in names for form in _variants(name)] + ALIAS_PAIRS
    by_form: dict[str, Holiday] = {}
    for form, name in candidates:
        holiday = next_holiday(prop, name, today)
        if holiday is not None and form not in by_form:
            by_form[form] = holiday
    if not by_form:
        return None, by_form
    forms = sorted(by_form, key=len, reverse=True)
    alternatives = "|".join(r" +".join(map(re.escape, f.split())) for f in forms)
    pattern = re.compile(r"(?<= )(?:" + alternatives + r")s?(?= )")  # "s": "their anniversary days"
    return pattern, by_form
