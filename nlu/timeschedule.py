"""Weekly schedules said in words ("weekdays 5am to 11pm, weekends 7 to 9pm"), in canonical form.

Days and hours pair in either order ("Mon-Fri 9-5", "9am to 5pm every day"); several pairs may
follow each other. Hours with no days count as every day only when the message talks about a
schedule or hours. "24/7", "always", "no restrictions" and the like mean always open.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from access_core.schedule import Window, schedule_from_windows
from nlu.timelexer import normalise
from nlu.timeresolve import pair_minutes
from nlu.timetypes import PartOfDay, TimeOfDay
from nlu.timevocab import HOUR_WORDS, HOURS, WEEKDAY, WEEKDAYS


@dataclass(frozen=True, slots=True)
class ScheduleMatch:
    """A weekly schedule said in a message."""

    start: int
    """Offset of the first character of the schedule words."""
    end: int
    """Offset after the last character (exclusive)."""
    text: str
    """The matched text."""
    schedule: str | None
    """The canonical schedule ("Mon-Fri 09:00-17:00; Sat-Sun 07:00-21:00"); None when always open."""
    always: bool
    """Open all the time ("24/7", "no restrictions")."""
    parts: tuple[tuple[int, int], ...] = ()
    """The spans of its words, when they lie apart ("sat, can you let her in … 10 till 6"); empty: the whole span."""


_T = (
    r"(?:(?P<{0}_w>noon|midday|midnight)|(?<![\w$#+/.:])(?P<{0}_h>\d{{1,2}})(?::(?P<{0}_m>\d{{2}}))?"
    r"(?:\s*(?P<{0}_ap>a\.m\.?|p\.m\.?|am|pm|a|p))?)(?!\w)"
)
_DAY_RUN = rf"(?:{WEEKDAY})s?\.?"
_DAY_LIST = rf"{_DAY_RUN}(?:\s*(?:-|to|through|thru|till|until)\s*{_DAY_RUN})?"
_DAY_LISTS = rf"{_DAY_LIST}(?:\s*(?:,|/|&|\band\b|\bor\b|,\s*and\b)\s*{_DAY_LIST})*"
_PODS = r"mornings?|afternoons?|evenings?|nights?"
"""A part of the day said after days ("weekday mornings", "saturday nights"): those days, at that part."""
_ALTERNATIVES = [
    (
        "always",
        r"24\s*(?:/|x|-)\s*7|\ball\s+the\s+time\b|\balways\b|\bany\s*time\b|\ba?round\s+the\s+clock\b"
        r"|\bno\s+(?:time\s+)?restrictions?\b|\bunrestricted\b|\bday\s+and\s+night\b"
        r"|\b24\s*(?:hours|hrs|h)\s+a\s+day\b",
    ),
    ("business", r"\b(?:business|office|working|work)\s+hours\b"),
    ("allday", r"\ball\s+day(?:\s+long)?\b"),
    (
        "range",
        r"(?:\b(?:from|between)\s+)?" + _T.format("a") + r"\s*(?:-|–|to|till|til|'til|until|untill|thru|through|and)\s*" + _T.format("b"),
    ),
    ("after", r"\b(?P<side>after|from|before|until|till)\s+" + _T.format("c")),
    (
        "except",
        r"\b(?:except(?:\s+(?:on|for))?|but\s+not(?:\s+on)?|excluding|other\s+than|not\s+on)\s+(?P<ex>" + _DAY_LISTS + r")(?!\w)",
    ),
    (
        "everyday",
        r"\b(?:every\s*day|daily|each\s+day|all\s+week(?:\s+long)?|(?:7|seven)\s+days(?:\s+a\s+week)?"
        r"|every\s+(?P<ev>night|evening|morning)|(?P<pl>nights|evenings|mornings|nightly))\b",
    ),
    ("weekdays", r"\b(?:every\s+)?(?:week\s*days?|work\s*days?)(?:\s+(?P<wpod>" + _PODS + r"))?\b"),
    ("weekends", r"\b(?:every\s+|on\s+)?(?:the\s+)?week\s*ends?(?:\s+(?P<epod>" + _PODS + r"))?\b"),
    ("days", r"\b(?:every\s+|on\s+)?(?P<dl>" + _DAY_LISTS + r")(?:\s+(?P<dpod>" + _PODS + r"))?(?!\w)"),
]
_SCANNER = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _ALTERNATIVES))
_CONTEXT = re.compile(r"\b(?:schedule|hours|open|access|allowed|window|times)\b")
_DAY_RANGE = re.compile(rf"({WEEKDAY})s?\.?\s*(?:-|to|through|thru|till|until)\s*({WEEKDAY})s?")
_DAY_NAME = re.compile(rf"\b({WEEKDAY})s?\b")
_ALL = frozenset(range(7))


@dataclass(frozen=True, slots=True)
class _Piece:
    start: int
    end: int
    kind: str
    days: frozenset[int] = frozenset()
    hours: tuple[TimeOfDay, TimeOfDay] | None = None
    pod: PartOfDay | None = None


def _days(text: str) -> frozenset[int]:
    days: set[int] = set()
    for first, last in _DAY_RANGE.findall(text):
        day, stop = WEEKDAYS[first], WEEKDAYS[last]
        days.add(day)
        while day != stop:
            day = (day + 1) % 7
            days.add(day)
    for name in _DAY_NAME.findall(_DAY_RANGE.sub(" ", text)):
        days.add(WEEKDAYS[name])
    return frozenset(days)


def _time(m: re.Match[str], side: str) -> TimeOfDay | None:
    word = m[f"{side}_w"]
    if word:
        return TimeOfDay(0, 0, "24", midnight=True) if word == "midnight" else TimeOfDay(12, 0, "24")
    hour, minute, said = int(m[f"{side}_h"]), int(m[f"{side}_m"] or 0), m[f"{side}_ap"]
    if hour > 24 or minute > 59 or (said and not 1 <= hour <= 12):
        return None
    if said:
        return TimeOfDay(hour, minute, said[0] + "m")
    clock = hour == 0 or hour > 12 or m[f"{side}_h"].startswith("0")
    return TimeOfDay(hour, minute, "24" if clock else None)


def _piece(m: re.Match[str]) -> _Piece | None:
    kind = m.lastgroup or ""
    span = m.start(), m.end()
    if kind == "range":
        first, last = _time(m, "a"), _time(m, "b")
        return _Piece(*span, "hours", hours=(first, last)) if first and last else None
    if kind == "after":
        said = _time(m, "c")
        if said is None or (said.meridiem is None and not said.midnight):
            return None
        edge = TimeOfDay(0, 0, "24", midnight=True)
        hours = (said, edge) if m["side"] in ("after", "from") else (edge, said)
        return _Piece(*span, "hours", hours=hours)
    if kind == "allday":
        return _Piece(*span, "hours", hours=(TimeOfDay(0, 0, "24"), TimeOfDay(0, 0, "24", midnight=True)))
    if kind == "everyday":
        pod = m["ev"] or m["pl"] or ""
        name = {"mornings": "morning", "morning": "morning", "": ""}.get(pod, "evening")
        return _Piece(*span, "days", _ALL, pod=PartOfDay(name) if name else None)
    days = {"weekdays": frozenset(range(5)), "weekends": frozenset({5, 6})}.get(kind)
    if kind in ("days", "except"):
        days = _days(m["dl"] or m["ex"])
    part = (m["wpod"] or m["epod"] or m["dpod"] or "").lower().rstrip("s") if kind in ("weekdays", "weekends", "days") else ""
    pod = PartOfDay(part) if part in ("morning", "afternoon", "evening", "night") else None
    return _Piece(*span, kind if kind in ("always", "business", "except") else "days", days or frozenset(), pod=pod)


def _window(days: frozenset[int], hours: tuple[TimeOfDay, TimeOfDay], pod: PartOfDay | None) -> Window | None:
    """Opening hours run long: a start of 5..11 with no am/pm is morning ("weekends 7 to 9pm")."""
    first, last = hours
    if first.meridiem is None and pod is None and 5 <= first.hour <= 11:
        first = replace(first, meridiem="am")
    start, end = pair_minutes(first, last, pod)
    start, end = start % 1440, end % 1440 or 1440
    return Window(days, start, end) if days and start != end else None


class _Pairing:
    """Days and hours met left to right; each pair (in either order) makes a window."""

    def __init__(self) -> None:
        self.windows: list[Window] = []
        self.used: list[_Piece] = []
        self.days: _Piece | None = None
        self.hours: _Piece | None = None

    def add(self, days: _Piece, hours: _Piece) -> None:
        assert hours.hours is not None
        window = _window(days.days, hours.hours, days.pod)
        if window is not None:
            self.windows.append(window)
            self.used += [days, hours]

    def take(self, piece: _Piece) -> None:
        if piece.kind == "business":
            self.windows.append(Window(frozenset(range(5)), 9 * 60, 17 * 60))
            self.used.append(piece)
        elif piece.kind == "always" and self.days is not None:
            self.windows.append(Window(self.days.days, 0, 1440))
            self.used += [self.days, piece]
            self.days = None
        elif piece.kind == "except":
            self._except(piece)
        elif piece.kind == "days":
            self._days(piece)
        elif piece.kind == "hours":
            if self.days is not None:
                self.add(self.days, piece)
                self.days = None
            else:
                self.hours = piece

    def _days(self, piece: _Piece) -> None:
        if self.hours is not None:
            self.add(piece, self.hours)
            self.hours = None
        elif self.days is not None:
            self.days = _Piece(
                self.days.start,
                piece.end,
                "days",
                self.days.days | piece.days,
                pod=self.days.pod or piece.pod,
            )
        else:
            self.days = piece

    def _except(self, piece: _Piece) -> None:
        if self.days is not None:
            self.days = _Piece(self.days.start, piece.end, "days", self.days.days - piece.days, pod=self.days.pod)
        elif self.windows:
            last = self.windows[-1]
            self.windows[-1] = Window(last.days - piece.days, last.start, last.end)
            self.used.append(piece)


_SPOKEN_CLOCK = re.compile(r"\b(?P<q>half|quarter)\s+(?P<dir>past|after|to)\s+(?P<h>\d{1,2})(?!\w)")
_HALF_HOUR = re.compile(rf"\bhalf\s+(?P<h>\d{{1,2}}|{HOUR_WORDS})(?![\w:])")
"""Half past, as said in Ireland and Britain: "half ten" is 10:30."""
_PART_SAID = re.compile(
    r"(?<![\w:])(?P<t>\d{1,2}(?::\d{2})?)\s+(?:(?:o'?clock\s+)?(?:in\s+the\s+|at\s+)?(?P<pod>morning|afternoon|evening|night))\b"
)


def _same_length(text: str, pattern: re.Pattern[str], word: Callable[[re.Match[str]], str | None], spans: list[tuple[int, int]]) -> str:
    def put(m: re.Match[str]) -> str:
        said = word(m)
        if said is None or len(said) > len(m.group()):
            return m.group()
        spans.append(m.span())
        return said.ljust(len(m.group()))

    return pattern.sub(put, text)


def _clock(m: re.Match[str]) -> str | None:
    hour = int(m["h"])
    if not 1 <= hour <= 12:
        return None
    minutes = 30 if m["q"] == "half" else 15
    if m["dir"] == "to":
        if m["q"] == "half":
            return None
        hour, minutes = (hour - 1) or 12, 45
    return f"{hour}:{minutes:02d}"


def _half_hour(m: re.Match[str]) -> str | None:
    hour = int(m["h"]) if m["h"].isdigit() else HOURS[m["h"]]
    return f"{hour}:30" if 1 <= hour <= 12 else None


def _meridiem(m: re.Match[str]) -> str | None:
    hour = int(m["t"].split(":")[0])
    if not 1 <= hour <= 12:
        return None
    return m["t"] + ("am" if m["pod"] == "morning" else "pm")


def spoken_clock(norm: str) -> tuple[str, list[tuple[int, int]]]:
    """Clock times as people say them, written as digits in the same space ("half past 6 in the evening" is
    6:30pm), with the spans rewritten."""
    spans: list[tuple[int, int]] = []
    clocks = _same_length(_same_length(norm, _SPOKEN_CLOCK, _clock, spans), _HALF_HOUR, _half_hour, spans)
    return _same_length(clocks, _PART_SAID, _meridiem, spans), spans


def find_schedule(text: str) -> ScheduleMatch | None:
    """The weekly schedule said in ``text``, or None when it says none."""
    norm, rewritten = spoken_clock(normalise(text))
    pieces = [piece for m in _SCANNER.finditer(norm) if (piece := _piece(m)) is not None]
    pairing = _Pairing()
    for piece in pieces:
        pairing.take(piece)
    if not pairing.windows and pairing.hours is not None and _CONTEXT.search(norm):
        pairing.add(_Piece(pairing.hours.start, pairing.hours.start, "days", _ALL), pairing.hours)
    windows = [w for w in pairing.windows if w.days]
    if not windows:
        always = next((p for p in pieces if p.kind == "always"), None)
        if always is None:
            return None
        return ScheduleMatch(always.start, always.end, text[always.start : always.end], None, True)
    schedule = schedule_from_windows(windows)
    start, end = min(p.start for p in pairing.used), max(p.end for p in pairing.used)
    end = max([end] + [stop for begin, stop in rewritten if begin < end <= stop])  # the whole of "half past 6 in the evening"
    canonical = schedule.canonical() if schedule is not None else None
    parts = tuple(sorted((p.start, end if p.end == max(q.end for q in pairing.used) else p.end) for p in pairing.used))
    return ScheduleMatch(start, end, text[start:end], canonical, canonical is None, parts)
