"""Turn each lexer match into a token, refusing the look-alikes (unit numbers, "may", "sat", "3A")."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from nlu.timetypes import (
    Amount,
    DateRef,
    DayOfMonth,
    Duration,
    EdgeRef,
    Instant,
    MonthDay,
    MonthRef,
    Offset,
    PartOfDay,
    PeriodRef,
    RelDay,
    TimeOfDay,
    Token,
    WeekdayRef,
)
from nlu.timevocab import HOURS, MONTHS, PARTS_OF_DAY, POD, UNITS, WEAK_MONTHS, WEAK_WEEKDAYS, WEEKDAYS, number_value

Match = re.Match[str]

_CONTEXT_BEFORE = re.compile(
    r"(?:\b(?:in|of|until|untill|till|til|through|thru|from|since|by|before|after|during|starting|beginning|to|and"
    r"|or|early|mid|late|on|every|for|effective|between|as|at|next|this|last"
    r"|visiting|coming|arriving|over|round|back|away|free|busy)|-|&)[\s,]*$"
)
_TIME_AFTER = re.compile(
    rf"[\s,]*(?:at\b|@|\d|from\b|(?:{POD})\b|noon\b|between\b|-|to\b|through\b"
    r"|thru\b|until\b|till\b)"
)
_NOUN_BEFORE = re.compile(
    r"(?:\b(?:unit|apt|apartment|suite|ste|room|rm|floor|fl|level|lvl|building|bldg|door|gate|no|number|num|pin|code"
    r"|key|card|serial|id|ext|extension|box|lot|space|spot|stall|locker|mailbox|garage|st|street|ave|avenue|resident"
    r"|residents|flat|house|tower|wing|block|row|seat|table|court|lane|road|rd|ste)\.?|#)\s*$"
)
_THE_NOUN_BEFORE = re.compile(r"\bthe\s+(?:building|bldg|flat|apartment|unit|house|gate|door|garage|room)\s*$")
_CLOCK_RANGE_AFTER = re.compile(r"\s*(?:till|until|til|to|-|–)\s*\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?(?!\w)")
_NOUN_AFTER = re.compile(
    r"[\s-]*(?:guests?|people|persons?|visitors?|keys?|keycards?|cards?|fobs?|codes?|units?|doors?|times?|x\b|more\b"
    r"|others?|extra|floors?|residents?|tenants?|spots?|bikes?|cars?|packages?|parcels?|minutes?|mins?|hours?|hrs?"
    r"|days?|weeks?|months?|years?|nights?|%|dollars?|bucks?|items?|boxes?|kids?|adults?|dogs?|pets?|of\b|out\b"
    r"|percent|digits?|stars?|bedrooms?|br\b|bd\b|sq|ft|feet|stories|steps?|[a-z]\b)"
)
_END_AFTER = re.compile(r"\s*(?:[,.!?;)]|$|(?:next|this|last)\s+year\b|at\b|from\b|until\b|to\b|-|through\b|thru\b|till\b|and\b)")
_RANGE_LINK_BEFORE = re.compile(r"(?:\b(?:at|from|until|till|by|to|between|and)|@|-)\s*$")
_YEARS = range(1970, 2101)


def _span(m: Match, kind: str, value: object = None, **extra: object) -> Token:
    return Token(m.start(), m.end(), kind, value, **extra)  # type: ignore[arg-type]


def _before(norm: str, at: int, pattern: re.Pattern[str]) -> bool:
    return pattern.search(norm, max(0, at - 24), at) is not None


def _valid(year: int | None, month: int, day: int) -> bool:
    try:
        date(2000 if year is None else year, month, day)
    except ValueError:
        return False
    return year is None or year in _YEARS


def _date(m: Match, ref: DateRef, pod: PartOfDay | None = None) -> Token:
    return Token(m.start(), m.end(), "date", ref, pod=pod)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return 2000 + int(text) if len(text) == 2 else int(text)


def always(m: Match, norm: str) -> Token | None:
    return _span(m, "always")


def iso(m: Match, norm: str) -> Token | None:
    y, mo, d = int(m["iso_y"]), int(m["iso_m"]), int(m["iso_d"])
    if not _valid(y, mo, d):
        return None
    if m["iso_h"] is None:
        return _date(m, MonthDay(mo, d, y))
    hour, minute = int(m["iso_h"]), int(m["iso_mi"])
    if hour > 23 or minute > 59:
        return None
    at = datetime(y, mo, d, hour, minute)
    zone = m["iso_z"]
    if zone:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:])) * sign if zone != "z" else timedelta()
        at = at.replace(tzinfo=timezone(offset))
    return _span(m, "instant", Instant(at))


def _numeric(m: Match, first: str, second: str, year_text: str | None, *, day_first: bool = False) -> Token | None:
    """A numeric date in the order given; when only the other order is a date ("12/25", "25/12") that one."""
    a, b, year = int(first), int(second), _year(year_text)
    if day_first:
        a, b = b, a
    month, day = (a, b) if a <= 12 else (b, a)
    return _date(m, MonthDay(month, day, year)) if _valid(year, month, day) else None


def slash(m: Match, norm: str) -> Token | None:
    return _numeric(m, m["sl_a"], m["sl_b"], m["sl_y"])


def slash_day_first(m: Match, norm: str) -> Token | None:
    return _numeric(m, m["sl_a"], m["sl_b"], m["sl_y"], day_first=True)


def dashdate(m: Match, norm: str) -> Token | None:
    return _numeric(m, m["dd_a"], m["dd_b"], m["dd_y"])


def dashdate_day_first(m: Match, norm: str) -> Token | None:
    return _numeric(m, m["dd_a"], m["dd_b"], m["dd_y"], day_first=True)


def _modifier(word: str | None) -> str:
    word = " ".join((word or "").split())
    return {
        "next": "next",
        "following": "next",
        "coming": "next",
        "this coming": "next",
        "last": "last",
        "past": "last",
        "previous": "last",
        "this past": "last",
        "this": "this",
        "current": "this",
        "the": "this",
    }.get(word, "")


def edge(m: Match, norm: str) -> Token | None:
    if m["ed_abbr"]:
        unit = {"eom": "month", "eoy": "year", "eow": "week"}[m["ed_abbr"]]
        return _date(m, EdgeRef(PeriodRef(unit, "this"), at_end=True))
    what, mod = m["ed_what"], _modifier(m["ed_mod"]) or "this"
    target: MonthRef | PeriodRef
    at_end = m["ed_edge"] == "end"
    if m["ed_yr"]:
        year = _year(m["ed_yr"])
        return _date(m, EdgeRef(MonthRef(12 if at_end else 1, year, ""), at_end=at_end)) if year in _YEARS else None
    if what in ("week", "month", "year"):
        target = PeriodRef(what, mod)
    else:
        target = MonthRef(MONTHS[what], _year(m["ed_y"]), "" if mod == "this" else mod)
    return _date(m, EdgeRef(target, at_end=m["ed_edge"] == "end"))


def day_month(m: Match, norm: str) -> Token | None:
    day, month, year = int(m["dm_d"]), MONTHS[m["dm_m"]], _year(m["dm_y"])
    last = int(m["dm_d2"]) if m["dm_d2"] else None
    if not _valid(year, month, day) or (last is not None and (last <= day or not _valid(year, month, last))):
        return None
    said_as_date = m["dm_of"] or year or re.match(r"\d+(?:st|nd|rd|th)", norm[m.start("dm_d") :])
    if m["dm_m"] in WEAK_MONTHS and not said_as_date and not _END_AFTER.match(norm, m.end()):
        return None
    return _date(m, MonthDay(month, day, year, last))


def month_day(m: Match, norm: str) -> Token | None:
    day, month, year = int(m["md_d"]), MONTHS[m["md_m"]], _year(m["md_y"])
    last = int(m["md_d2"]) if m["md_d2"] else None
    if not _valid(year, month, day) or (last is not None and (last <= day or not _valid(year, month, last))):
        return None
    return _date(m, MonthDay(month, day, year, last))


def day_of_month(m: Match, norm: str) -> Token | None:
    day = int(m["dom_d"] or m["dom_d2"])
    if not 1 <= day <= 31:
        return None
    which = " ".join((m["dom_m"] or "").split())
    offset = {"": None, "this": 0, "the": 0, "next": 1, "the following": 1}[which]
    return _date(m, DayOfMonth(day, offset))


def _amount(count: str, unit: str) -> Amount | None:
    name = UNITS[unit]
    value = number_value(count)
    if value <= 0:
        return None
    return Amount(value * 2, "week") if name == "fortnight" else Amount(value, name)


def offset(m: Match, norm: str) -> Token | None:
    if m["of_n"]:
        amount, sign, base = _amount(m["of_n"], m["of_u"]), 1, None
    else:
        direction = " ".join(m["of_dir"].split())
        amount, sign = _amount(m["of_n2"], m["of_u2"]), -1 if direction in ("ago", "back") else 1
        base = {"from today": 0, "after today": 0, "from tomorrow": 1, "after tomorrow": 1}.get(direction)
    return _span(m, "offset", Offset(amount, sign, base)) if amount else None


def duration(m: Match, norm: str) -> Token | None:
    for suffix in ("", "2", "3", "4", "5"):
        unit = m[f"du_u{suffix}"]
        if unit is None:
            continue
        amount = _amount(m[f"du_n{suffix}"] if suffix in ("", "4", "5") else "1", unit)
        direction = m[f"du_dir{suffix}"] if suffix in ("", "2", "3") else "for"
        past = direction in ("past", "last", "previous")
        return _span(m, "duration", Duration(amount, past)) if amount else None
    return None


def relday(m: Match, norm: str) -> Token | None:
    offsets = {"rd_dat": 2, "rd_dby": -2, "rd_today": 0, "rd_tom": 1, "rd_yes": -1, "rd_eod": 0}
    for group, days in offsets.items():
        if m[group]:
            return _date(m, RelDay(days))
    return None


def night(m: Match, norm: str) -> Token | None:
    if m["ni_tonight"]:
        return _date(m, RelDay(0), PartOfDay("night"))
    if m["ni_last"]:
        return _date(m, RelDay(-1), PartOfDay(PARTS_OF_DAY[m["ni_last"]]))
    return _date(m, RelDay(0), PartOfDay(PARTS_OF_DAY[m["ni_this"]]))


def period(m: Match, norm: str) -> Token | None:
    unit = {"wknd": "weekend", "wkend": "weekend", "week-end": "weekend", "wk": "week", "yr": "year"}.get(m["pe_u"], m["pe_u"])
    said = m["pe_mod"]
    if unit == "weekend" and said in ("the", "coming", "this", "current"):
        return _date(m, PeriodRef(unit, "" if said == "the" else "this"))
    return _date(m, PeriodRef(unit, _modifier(said)))


def part_of_day(m: Match, norm: str) -> Token | None:
    if re.search(r"\bgood\s*$", norm[max(0, m.start() - 8) : m.start()]):
        return None
    return _span(m, "pod", PartOfDay(PARTS_OF_DAY[m["po_w"]]), weak=m["po_in"] is None)


def month(m: Match, norm: str) -> Token | None:
    word, year = m["mo_m"], _year(m["mo_y"])
    if year is not None and year not in _YEARS:
        return None
    if word in WEAK_MONTHS and not m["mo_mod"] and year is None and not _before(norm, m.start(), _CONTEXT_BEFORE):
        return None
    return _date(m, MonthRef(MONTHS[word], year, _modifier(m["mo_mod"])))


def weekday(m: Match, norm: str) -> Token | None:
    word = m["wd_w"]
    said_alone = word in WEAK_WEEKDAYS and not m["wd_mod"]
    if said_alone and not (_before(norm, m.start(), _CONTEXT_BEFORE) or _TIME_AFTER.match(norm, m.end())):
        return None
    return _date(m, WeekdayRef(WEEKDAYS[word], _modifier(m["wd_mod"])))


def now(m: Match, norm: str) -> Token | None:
    return _span(m, "now")


def time_word(m: Match, norm: str) -> Token | None:
    if m["tw_w"] == "midnight":
        return _span(m, "time", TimeOfDay(0, 0, "24", midnight=True))
    return _span(m, "time", TimeOfDay(12, 0, "24"))


def time_half(m: Match, norm: str) -> Token | None:
    hour = int(m["th_h"])
    if not 1 <= hour <= 12:
        return None
    minutes = 30 if m["th_q"] == "half" else 15
    if m["th_dir"] in ("to", "til"):
        return _span(m, "time", TimeOfDay(hour - 1 or 12, 60 - minutes, None))
    return _span(m, "time", TimeOfDay(hour, minutes, None))


def time_half_hour(m: Match, norm: str) -> Token | None:
    """ "half six": half past six, as said in Ireland and Britain."""
    said = m["hh_h"]
    hour = int(said) if said.isdigit() else HOURS[said]
    if not 1 <= hour <= 12:
        return None
    return _span(m, "time", TimeOfDay(hour, 30, None))


def time_meridiem(m: Match, norm: str) -> Token | None:
    hour, minute = int(m["tm_h"]), int(m["tm_mi"] or 0)
    if not 1 <= hour <= 12 or minute > 59:
        return None
    if m["tm_ap1"]:
        in_range = _before(norm, m.start(), _RANGE_LINK_BEFORE) or re.match(r"\s*(?:-|to\b)", norm[m.end() :])
        if not in_range or _before(norm, m.start(), _NOUN_BEFORE):
            return None
    meridiem = (m["tm_ap"] or m["tm_ap1"])[0] + "m"
    return _span(m, "time", TimeOfDay(hour, minute, meridiem))


def _clock(m: Match, hour_text: str, minute: int, norm: str) -> Token | None:
    hour = int(hour_text)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        return None
    if hour == 24:
        return _span(m, "time", TimeOfDay(0, 0, "24", midnight=True))
    day_clock = hour == 0 or hour > 12 or hour_text.startswith("0")
    return _span(m, "time", TimeOfDay(hour, minute, "24" if day_clock else None))


def time_colon(m: Match, norm: str) -> Token | None:
    return _clock(m, m["tc_h"], int(m["tc_mi"]), norm)


def time_oclock(m: Match, norm: str) -> Token | None:
    return _clock(m, m["to_h"], 0, norm) if 1 <= int(m["to_h"]) <= 12 else None


def time_bare(m: Match, norm: str) -> Token | None:
    hour = int(m["tb_h"])
    named = _before(norm, m.start(), _NOUN_BEFORE) and not (
        _before(norm, m.start(), _THE_NOUN_BEFORE) and _CLOCK_RANGE_AFTER.match(norm, m.end())
    )  # "unit 10" is a name; "the building 10 till 6" is the building from 10 till 6
    if not 1 <= hour <= 23 or named or _NOUN_AFTER.match(norm, m.end()):
        return None
    return _span(m, "time", TimeOfDay(hour, 0, "24" if hour > 12 else None, bare=True), weak=True)


_LINK_WORDS = (
    ("from", re.compile(r"from|start|begin|commenc|as\s|effective|valid\s+from|since")),
    ("until", re.compile(r"until|untill|untl|till|til|'til|up\s|through|thru|thrugh")),
    ("by", re.compile(r"end|expir|valid|no\s+later|by")),
    ("before", re.compile(r"before|prior|ahead")),
    ("after", re.compile(r"after")),
    ("between", re.compile(r"between|btwn")),
    ("and", re.compile(r"and|&")),
)


def link(m: Match, norm: str) -> Token | None:
    said = m["li_w"]
    for word, pattern in _LINK_WORDS:
        if pattern.match(said):
            return _span(m, "link", word=word)
    return _span(m, "link", word="to")


def fill(m: Match, norm: str) -> Token | None:
    said = m["fi_w"]
    word = said if said in ("on", "in", "of", "during", "for") else "at"
    return _span(m, "fill", word=word)
