"""The time lexer: one pass of one regex over the normalised message, offsets kept exact."""

from __future__ import annotations

import re
from collections.abc import Callable

from nlu import timebuild as b
from nlu.timetypes import Token
from nlu.timevocab import (
    HOUR_WORDS,
    HOURS,
    MONTH,
    NUMBER,
    ORDINAL,
    POD,
    TODAY,
    TOMORROW,
    TONIGHT,
    UNIT,
    WEEKDAY,
    YESTERDAY,
    alternation,
)

_NUM_START = r"(?<![\w$#+/.:£€])(?<![b-lnoq-z]-)(?<![^ap]m-)(?<![a-z][ap]m-)(?<![^\d][ap]-)"
"""Where a number may start: not inside a word, code, price or serial (KC-17), but after "9am-"."""
_MERIDIEM = r"(?:\s*(?P<{0}_ap>a\.m\.?|p\.m\.?|am|pm)|(?P<{0}_ap1>a|p))(?!\w)"
_RANGE_DAY = r"(?:\s*(?:-|to|thru|through|until|till)\s*(?P<{0}_d2>\d{{1,2}}){1}?(?![\w:]))?"
_DOM_NOT = (
    r"(?!\s+(?:floor|fl\b|door|unit|apt|apartment|building|bldg|street|st\b|ave|avenue|time|one|person"
    r"|people|guest|key|row|level|spot|space|place|day|week|month|year|hour|minute|grade|gen|edition"
    r"|anniversary|birthday|try|attempt|of\b(?!\s+(?:this|next|the\s+following|the)\s+month)))"
)
_ISO = (
    r"(?<![\w/.-])(?P<iso_y>\d{4})(?P<iso_s>[-/.])(?P<iso_m>\d{1,2})(?P=iso_s)(?P<iso_d>\d{1,2})"
    r"(?:t(?P<iso_h>\d{1,2}):(?P<iso_mi>\d{2})(?::\d{2}(?:\.\d+)?)?(?P<iso_z>z|[+-]\d{2}:?\d{2})?)?(?![\w/-]|\.\d)"
)
_SLASH = r"(?<![\w/.:+$#])(?<![a-z]-)(?P<sl_a>\d{1,2})/(?P<sl_b>\d{1,2})(?:/(?P<sl_y>\d{4}|\d{2}))?(?![\w/]|\.\d)"
_DASHDATE = r"(?<![\w/.:+$#-])(?P<dd_a>\d{1,2})(?P<dd_s>[-.])(?P<dd_b>\d{1,2})(?P=dd_s)(?P<dd_y>\d{4})(?![\w/.-])"
_EDGE = (
    r"\b(?:the\s+)?(?P<ed_edge>end|beginning|begining|start)\s+of\s+(?:the\s+)?"
    r"(?:(?P<ed_mod>this|next|last|current|following)\s+)?"
    rf"(?:(?:year\s+)?(?P<ed_yr>20\d\d)|(?P<ed_what>week|month|year|{MONTH})\.?(?:,?\s+(?P<ed_y>\d{{4}}))?)(?!\w)"
    r"|\b(?P<ed_abbr>eom|eoy|eow)\b"
)
_DAY_MONTH = (
    rf"(?<![\w$#.:/-])(?:the\s+)?(?P<dm_d>\d{{1,2}}){ORDINAL}?{_RANGE_DAY.format('dm', ORDINAL)}"
    rf"\s+(?P<dm_of>of\s+)?(?P<dm_m>{MONTH})\b\.?(?:,?\s*(?P<dm_y>\d{{4}})(?!\w))?"
)
_MONTH_DAY = (
    rf"\b(?P<md_m>{MONTH})\.?\s*(?:the\s+)?(?P<md_d>\d{{1,2}}){ORDINAL}?(?![\w:])"
    rf"{_RANGE_DAY.format('md', ORDINAL)}(?!\s*(?:am|pm|a\.m|p\.m)\b)(?:,?\s*(?P<md_y>\d{{4}})(?![\w:]))?"
)
_DAY_OF_MONTH = (
    rf"\b(?:(?:on\s+)?the|on)\s+(?P<dom_d>\d{{1,2}}){ORDINAL}"
    rf"(?:\s+of\s+(?P<dom_m>this|next|the\s+following|the)\s+month)?(?!\w){_DOM_NOT}"
    rf"|\b(?:on\s+)?(?:{WEEKDAY})\.?,?\s+(?P<dom_d2>\d{{1,2}}){ORDINAL}(?!\w)(?!,?\s+(?:of\s+)?(?:{MONTH})\b){_DOM_NOT}"
    # "fri 18th": the 18th ("sat 2nd jan" is read as a date)
)
_OFFSET = (
    rf"\bin\s+(?:about\s+|around\s+|approx\.?\s+)?(?P<of_n>{NUMBER})\s*(?P<of_u>{UNIT})(?!\w)"
    rf"|\b(?P<of_n2>{NUMBER})\s*(?P<of_u2>{UNIT})\s+(?P<of_dir>ago|back|from\s+now|from\s+today"
    r"|from\s+tomorrow|later|hence|after\s+today|after\s+tomorrow)(?!\w)"
)
_DIRECTION = r"next|coming|following|past|last|previous"
_DURATION = (
    rf"\b(?:(?:for|over|during|within|in)\s+)?(?:the\s+)?(?P<du_dir>{_DIRECTION})"
    rf"\s+(?P<du_n>{NUMBER})\s*(?P<du_u>{UNIT})(?!\w)"
    rf"|\b(?:for|over|during|within|in)\s+the\s+(?P<du_dir2>{_DIRECTION})\s+(?P<du_u2>{UNIT})(?!\w)"
    rf"|\b(?:the\s+)?(?P<du_dir3>past|previous)\s+(?P<du_u3>{UNIT})(?!\w)"
    r"|\bfor\s+(?:another\s+|an\s+extra\s+|an?\s+additional\s+|about\s+|around\s+)?"
    rf"(?P<du_n4>{NUMBER})\s*(?P<du_u4>{UNIT})(?!\w)"
    rf"|\b(?P<du_n5>{NUMBER})\s*(?P<du_u5>{UNIT})(?=[\s,]+(?:starting|beginning|commencing|effective)\b)"
)
_RELDAY = (
    rf"\b(?:(?:the\s+)?day\s+after\s+(?P<rd_dat>{alternation(TOMORROW)})"
    rf"|(?:the\s+)?day\s+before\s+(?P<rd_dby>{alternation(YESTERDAY)})"
    rf"|(?P<rd_today>{alternation(TODAY)})|(?P<rd_tom>{alternation(TOMORROW)})"
    rf"|(?P<rd_yes>{alternation(YESTERDAY)})"
    r"|(?:the\s+)?(?P<rd_eod>end\s+of\s+(?:the\s+)?(?:day|business(?:\s+day)?)|eod|cob|close\s+of\s+business|eob)"
    r")(?!\w)"
)
_NIGHT = (
    rf"\b(?:(?P<ni_tonight>{alternation(TONIGHT)})|last\s+(?P<ni_last>night|nite|evening|eve)"
    r"|this\s+(?P<ni_this>morning|mornin|afternoon|arvo|evening|eve))(?!\w)"
)
_PERIOD = (
    r"\b(?P<pe_mod>this|next|last|coming|the|following|current)\s+(?:coming\s+)?"
    r"(?P<pe_u>weekend|week-end|wknd|wkend|week|wk|month|year|yr)(?![\w-])"  # not "the year-end function"
)
_LINK = (
    r"(?P<li_w>\b(?:from|starting(?:\s+(?:on|from|at|in))?|start(?:s|ing)?\s+(?:on|from|at)"
    r"|beginning(?:\s+(?:on|in|at))?|begin(?:s)?(?:\s+on)?|commencing|as\s+of|effective(?:\s+(?:from|on|as\s+of))?"
    r"|valid\s+from|since|until|untill|untl|till|til|up\s+(?:to|until|till)|through|thru|thrugh|throught"
    r"|ending(?:\s+on)?|ends?(?:\s+on)?|expir(?:es|ing|y)(?:\s+on)?|valid\s+(?:until|till|through|thru|to)"
    r"|no\s+later\s+than|by|before|prior\s+to|ahead\s+of|after|between|btwn|and|to)\b|'til\b|&|-|~)"
)
_NOW = r"\b(?:right\s+now|now(?:\s+on)?|rn|asap|a\.s\.a\.p\.?|immediately|right\s+away|straight\s+away)(?!\w)"

_ALTERNATIVES: list[tuple[str, str]] = [
    ("always", r"(?<!\d)24\s*(?:/|x|-)\s*7(?!\d)"),
    ("iso", _ISO),
    ("slash", _SLASH),
    ("dashdate", _DASHDATE),
    ("edge", _EDGE),
    ("dm", _DAY_MONTH),
    ("md", _MONTH_DAY),
    ("dom", _DAY_OF_MONTH),
    ("offset", _OFFSET),
    ("duration", _DURATION),
    ("relday", _RELDAY),
    ("night", _NIGHT),
    ("period", _PERIOD),
    ("pod", rf"\b(?P<po_in>(?:in|during)\s+the\s+|(?:at|by)\s+(?=ni(?:ght|te)\b))?(?P<po_w>{POD})(?!\w)"),
    (
        "month",
        rf"\b(?:(?P<mo_mod>this|next|last|coming)\s+)?(?P<mo_m>{MONTH})\.?(?:,?\s*(?P<mo_y>\d{{4}}))?(?!\w)",
    ),
    (
        "weekday",
        rf"(?<!')\b(?:(?P<wd_mod>next|last|this\s+coming|this\s+past|this|coming|past|previous)\s+)?"
        rf"(?P<wd_w>{WEEKDAY})\.?(?!\w)",
    ),
    ("now", _NOW),
    ("tword", r"\b(?:12\s*)?(?P<tw_w>noon|midday|midnight|lunch\s*time|noontime)(?!\w)"),
    ("thalf", r"\b(?P<th_q>half|quarter)\s+(?P<th_dir>past|after|to|til)\s+(?P<th_h>\d{1,2})(?!\w)"),
    ("thalfhour", rf"\bhalf\s+(?P<hh_h>\d{{1,2}}|{HOUR_WORDS})(?![\w:])"),
    ("tmer", _NUM_START + r"(?P<tm_h>\d{1,2})(?:[:.](?P<tm_mi>\d{2}))?" + _MERIDIEM.format("tm")),
    (
        "tcolon",
        _NUM_START + r"(?P<tc_h>\d{1,2}):(?P<tc_mi>\d{2})(?::\d{2})?(?![\w:]|\.\d)(?:\s*o'?\s*clock)?",
    ),
    ("toclock", _NUM_START + r"(?P<to_h>\d{1,2})\s*o'?\s*clock(?!\w)"),
    ("tbare", _NUM_START + r"(?P<tb_h>\d{1,2})(?![\w%/]|[.:,]\d)"),
    ("link", _LINK),
    ("fill", r"(?P<fi_w>\b(?:at|around|about|approx(?:imately)?|circa|on|in|of|during|for)\b|@)"),
]

_LEXER = re.compile(r"(?=[\w@&~'-])(?:" + "|".join(f"(?P<{n}>{p})" for n, p in _ALTERNATIVES) + ")")
_ANY_TIME_WORD = re.compile(
    rf"\d|\bhalf\s+(?:{HOUR_WORDS})\b|\b(?:{MONTH}|{WEEKDAY}|{UNIT}|{POD}|{alternation([*TODAY, *TOMORROW, *YESTERDAY, *TONIGHT])}"
    r"|now|rn|asap|immediately|right\s+away|straight\s+away|noon|midday|midnight|lunch\s*time|noontime"
    r"|weekend|wknd|wkend|eom|eoy|eow|eod|cob|eob|end|beginning|begining|start)\b"
)
"""A cheap first look: a message with none of these words and no digit has no time in it."""
_BUILDERS: dict[str, Callable[[re.Match[str], str], Token | None]] = {
    "always": b.always,
    "iso": b.iso,
    "slash": b.slash,
    "dashdate": b.dashdate,
    "edge": b.edge,
    "dm": b.day_month,
    "md": b.month_day,
    "dom": b.day_of_month,
    "offset": b.offset,
    "duration": b.duration,
    "relday": b.relday,
    "night": b.night,
    "period": b.period,
    "pod": b.part_of_day,
    "month": b.month,
    "weekday": b.weekday,
    "now": b.now,
    "tword": b.time_word,
    "thalf": b.time_half,
    "thalfhour": b.time_half_hour,
    "tmer": b.time_meridiem,
    "tcolon": b.time_colon,
    "toclock": b.time_oclock,
    "tbare": b.time_bare,
    "link": b.link,
    "fill": b.fill,
}
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u2019": "'", "\u2018": "'"})
_MASKED = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|www\.\S+|\+\d[\d\s().-]{6,}\d")


def normalise(text: str) -> str:
    """Lower-cased text with the same length and offsets; emails, links and phone numbers blanked."""
    plain = text.translate(_DASHES)
    lowered = plain.lower()
    if len(lowered) != len(plain):
        lowered = "".join(ch if len(low := ch.lower()) != 1 else low for ch in plain)
    return _clock_words(_MASKED.sub(lambda m: " " * len(m.group()), lowered))


_HALF_WORD = re.compile(rf"\b(?<=half )(?P<h>{HOUR_WORDS})\b")
_WORD_BEFORE_CLOCK = re.compile(rf"\b(?P<h>{HOUR_WORDS})(?=\s*(?:-|to|till|til|until)\s*(?:\d|half\s|(?:{HOUR_WORDS})\b))")
_WORD_AFTER_CLOCK = re.compile(
    rf"(?<=[\dm])(?P<link>\s*(?:-|to|till|til|until)\s*)(?P<h>{HOUR_WORDS})\b"
    r"(?!\s*(?:people|persons|guests|of|days?|weeks?|hours?|months?|more|others?)\b)"
)


def _clock_words(norm: str) -> str:
    """Hours written as words in a clock range ("half seven till six", "from six to nine") as digits, in the same space."""
    if not any(p.search(norm) for p in (_HALF_WORD, _WORD_BEFORE_CLOCK, _WORD_AFTER_CLOCK)):
        return norm

    def ending(m: re.Match[str]) -> str:  # the time ends where the word did
        return str(HOURS[m["h"]]).rjust(len(m["h"]))

    def starting(m: re.Match[str]) -> str:  # the time starts where the word did
        return str(HOURS[m["h"]]).ljust(len(m["h"]))

    norm = _HALF_WORD.sub(ending, norm)
    norm = _WORD_BEFORE_CLOCK.sub(starting, norm)
    return _WORD_AFTER_CLOCK.sub(lambda m: m["link"] + ending(m), norm)


_DAY_FIRST: dict[str, Callable[[re.Match[str], str], Token | None]] = {"slash": b.slash_day_first, "dashdate": b.dashdate_day_first}


def tokenize(text: str, *, day_first: bool = False) -> tuple[str, list[Token]]:
    """The normalised text and its time tokens, left to right; ``day_first`` reads "3/1" as 3 January."""
    norm = normalise(text)
    if not _ANY_TIME_WORD.search(norm):
        return norm, []
    tokens = []
    for match in _LEXER.finditer(norm):
        name = match.lastgroup
        if name is None:
            continue
        builder = (_DAY_FIRST.get(name) if day_first else None) or _BUILDERS[name]
        token = builder(match, norm)
        if token is not None:
            tokens.append(token)
    return norm, tokens
