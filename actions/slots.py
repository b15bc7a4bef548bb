"""What one message says, resolved against the property: people, doors, keys, times, flags."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from access_core.directory import ambiguous_person, named_elsewhere_in_portfolio
from access_core.holiday_names import place_of
from access_core.views import asker_by_contact
from actions.turn import TurnContext, my_residence_doors
from nlu import qualifiers, timeexpr
from nlu.contacts import find_contacts
from nlu.qualifiers import Span as QualifierSpan
from nlu.resolve import TOKEN, Mention, normalize
from nlu.timeplace import reads_day_first, with_holidays_as_dates

SERIAL = re.compile(r"\b(?:(?:[A-Za-z]{1,4}-){1,2}\d{2,10}|[A-Za-z]{1,4}\d{3,10}|\d{5,12})\b")
"""A keycard's serial: "KC-0144", "RM-KC-0144", "HV0002", "4417220"."""
CALLED = re.compile(
    r"\b(?:called|named|name it|call it|titled)\s+[\"'‘“]?([A-Za-z0-9][\w '&\-]*?)[\"'’”]?"
    r"(?=\s+(?:with|for|that|which|and|to|covering|including|opening|on|in|at|as|of)\b|\s*[,.;:!?+(]|\s+[\-–]|$)",
    re.I,
)
QUOTED = re.compile(
    r"\b(?:key|door|group)\s*[:=]?\s*[\"'‘“]([A-Za-z0-9][\w '&\-]*?)[\"'’”]|"
    r"[\"“‘']([A-Z0-9][\w '&\-]*?)[\"”’'](?=\s+(?:key|door)\b)"
)
UNQUOTED = re.compile(
    r"(?:(?i:\bnew\s+key)\s+|(?i:\b(?:make|create|set\s+up)\s+(?:a|an)(?:\s+new)?|\badd\s+(?:a|an)\s+new)\s+"
    r"(?=(?:[A-Z0-9][\w'&\-]*\s+)+(?i:key|fob|pass|card)\b))"
    r"([A-Z0-9][\w'&\-]*(?:\s+[A-Z0-9][\w'&\-]*)*)"
)
"""A new key's name written in capitals without "called": "new key Garden Fob with …", "make a Bike Pass key …"."""
HOME_WORDS = r"(?:apartment|apt|place|unit|suite|door|home|flat|condo|residence|house|front door|room)"
"""The words for someone's home: "my suite", "her flat", "Hannah's place"."""
THEIR_PLACE = re.compile(rf"\b(?:his|her|their|\w+'s)\s+(?:own\s+)?{HOME_WORDS}\b", re.I)
"""Someone else's home: "her apartment", "Hannah's place" (the residence of the person the message names)."""
ATTRIBUTE_KINDS = (qualifiers.RESIDENT, qualifiers.MAY_SHARE, qualifiers.SHAREABLE)
"""Yes/no attributes: their words ("as a resident", "residents can share") name nothing, even inside a name."""
MY_PLACE = re.compile(rf"\b(?:my|our)\s+(?:own\s+|(?!(?:and|or|the|a|an)\b)[a-z]+\s+)?{HOME_WORDS}\b", re.I)
"""The asker's own home: "my flat", "our apartment", "my london flat", "my new place"."""
THE_PLACE = re.compile(r"\bthe\s+(?:apartment|apt|flat|unit|suite|condo)\b(?!\s*(?:#?\d|keys?\b|fobs?\b|doors?\b))", re.I)
"""A resident's "the flat": their own home (a manager's "the flat" names nothing)."""


@dataclass(slots=True)
class Slots:
    """The details of one message, each already matched to the property where it can be."""

    text: str
    people: list[str] = field(default_factory=list)
    """Handles of known people mentioned, in order."""
    offers: dict[str, str] = field(default_factory=dict)
    """A service or experience a word of the message may point at ("the bloomsday tour"): a hint, never a booking."""
    together: dict[str, tuple[int, int]] = field(default_factory=dict)
    """People named at once by a shared first name ("both Seáns") -> where."""
    named_at: dict[int, str] = field(default_factory=dict)
    """Where a person's full name ends in the text -> their handle ("Raj Malhotra's suite")."""
    unsure_people: list[str] = field(default_factory=list)
    """Handles of known people a misspelt name resembles: asked about, never acted on as said."""
    new_people: list[dict[str, Any]] = field(default_factory=list)
    """Emails or phones that name no one yet."""
    ambiguous: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    """Kind -> (what was written, the candidates)."""
    which_person: str = ""
    """With an ambiguous person: which one, asked with only the contacts the asker may see (``directory.people``)."""
    found: dict[str, list[str]] = field(default_factory=dict)
    """Kind -> names found (door, key, amenity, service, experience, upgrade, property)."""
    time: timeexpr.TimeMatch | None = None
    schedule: timeexpr.ScheduleMatch | None = None
    resident: bool | None = None
    shareable: bool | None = None
    may_share: bool | None = None
    name: str | None = None
    """A name given to something new ("a key called Pool Key")."""
    serial: str | None = None
    their_place: bool = False
    """The message speaks of a named person's home ("her apartment")."""

    @property
    def about_the_property(self) -> bool:
        """Whether the message names a person, door, key, amenity or anything else of the property (or an address)."""
        return bool(self.people or self.unsure_people or self.new_people or self.found or self.ambiguous or self.my_place or self.serial)

    my_place: bool = False
    home_spans: list[tuple[int, int]] = field(default_factory=list)
    """Where the message speaks of the asker's own home ("my flat", a resident's "the apartment")."""
    mentions: list[Mention] = field(default_factory=list)
    qualifiers: list[QualifierSpan] = field(default_factory=list)
    """The conditions, recurrences, times of day and yes/no attributes the recognizer found (``nlu.qualifiers``)."""
    excluded: list[str] = field(default_factory=list)
    """Names of keys, doors and amenities the message leaves out ("but not the building entrance")."""
    unnamed_exclusions: list[str] = field(default_factory=list)
    """What the message leaves out in words that name no key or door here ("except his unit key")."""
    unknown_doors: list[str] = field(default_factory=list)
    """What the recognizer took for a door that names nothing here ("the freight elevator" where there is none)."""
    used: set[str] = field(default_factory=set)
    """Kinds of qualifier the plan used; the others are accounted for by ``actions.account``."""

    def use(self, *kinds: str) -> None:
        """Mark the qualifiers of these kinds as carried by the plan."""
        self.used.update(kinds)

    def unused(self, kind: str) -> list[QualifierSpan]:
        """The qualifiers of one kind the plan left out."""
        return [] if kind in self.used else [s for s in self.qualifiers if s.kind == kind]

    def first(self, kind: str) -> str | None:
        names = self.found.get(kind)
        return names[0] if names else None


HYPOTHETICAL = re.compile(r"\b(?:can|could|will|would|shall)\b(?!n?['’]t)|\b(?:able to|allowed to|be let|going to|gonna)\b", re.I)
"""A question about what would happen: its bare times look ahead."""
PAST_TENSE = re.compile(r"\b(?:was|were|did|didn'?t|couldn'?t|wasn'?t|weren'?t|got|yesterday|last|earlier|ago|before)\b", re.I)


def tense(text: str) -> str:
    """ "future" for a question about what would happen, else "past" (what happened, or what happens now)."""
    return "future" if HYPOTHETICAL.search(text) and not PAST_TENSE.search(text) else "past"


def extract(ctx: TurnContext, text: str, *, prefer: str = "future", entities: list[dict[str, Any]] | None = None) -> Slots:
    if prefer == "tense":
        prefer = tense(text)
    slots = Slots(text)
    blanked = _people_by_address(ctx, slots, text)
    # a name the property gives to something ("new resident for Albion Yard: …") is nobody's name
    _name_new_people(slots, [e for e in entities or [] if not ctx.lexicon.names_exactly(str(e.get("value") or ""))])
    blanked = _people_by_full_name(ctx, slots, blanked)
    blanked = _people_sharing_a_name(ctx, slots, blanked)
    slots.name = _new_name(text)
    if slots.name:
        blanked = blanked.replace(slots.name, " " * len(slots.name))
    blanked = with_holidays_as_dates(ctx.prop, blanked, ctx.now.astimezone(ctx.tz).date())
    slots.schedule = timeexpr.find_schedule(blanked)
    slots.time = timeexpr.parse_when(blanked, ctx.now, ctx.tz, prefer=prefer, day_first=reads_day_first(ctx.prop))
    if slots.time is not None and ctx.lexicon.names_exactly(slots.time.text):
        slots.time = None
    before_times = blanked
    for match in (slots.schedule, slots.time):
        for start, end in (match.parts or ((match.start, match.end),)) if match is not None else ():
            blanked = blanked[:start] + " " * (end - start) + blanked[end:]  # only its words: names between them stay
    found = qualifiers.recognize(text)
    flags = [(q.start, q.end) for q in found if q.kind in ATTRIBUTE_KINDS]
    slots.mentions = sorted(ctx.lexicon.mentions(blanked) + _named_inside_times(ctx, slots, before_times), key=lambda m: m.start)
    # a word of a yes/no phrase ("as a resident", "residents can share") names nothing, even if a name contains it
    slots.mentions = [m for m in slots.mentions if not any(_inside(m, start, end) for start, end in flags)]
    left_out = [q for q in found if q.kind == qualifiers.EXCLUDED]
    named_out: set[int] = set()
    for mention in slots.mentions:
        within = [i for i, q in enumerate(left_out) if q.start <= mention.start and mention.end <= q.end]
        if within and any(e.kind in NAMED_KINDS for e in mention.entries):
            named_out.update(within)
            slots.excluded += [e.name for e in mention.entries if e.kind in NAMED_KINDS and e.name not in slots.excluded]
        else:
            _take(slots, mention)
        blanked = blanked[: mention.start] + " " * (mention.end - mention.start) + blanked[mention.end :]
    slots.unnamed_exclusions = [q.text for i, q in enumerate(left_out) if i not in named_out and ACCESS_WORD.search(q.text)]
    if not slots.found.get("service") and not slots.found.get("experience") and "service" not in slots.ambiguous:
        for entry in ctx.lexicon.by_words(text):
            slots.found.setdefault(entry.kind, []).append(entry.name)
        slots.offers = {e.kind: e.name for e in ctx.lexicon.by_distinct_word(blanked, ("service", "experience"))}
    _prefer_named_keys(slots)
    _drop_weak_person_doubt(slots)
    if "person" in slots.ambiguous:
        written, handles = slots.ambiguous["person"]
        slots.which_person = ambiguous_person(ctx.session, ctx.principal, ctx.prop, ctx.now, written, handles).message
    named = [(m.start, m.end) for m in slots.mentions if not m.fuzzy]
    slots.qualifiers = [
        q
        for q in found
        if q.kind in (qualifiers.CONDITION, qualifiers.RECURRENCE, qualifiers.TIME_OF_DAY)
        or not any(start <= q.start and q.end <= end and end - start > q.end - q.start for start, end in named)
        # an attribute word inside a longer name ("Resident 4B") is the name's
    ]
    slots.resident = qualifiers.value(slots.qualifiers, qualifiers.RESIDENT)
    slots.shareable = qualifiers.value(slots.qualifiers, qualifiers.SHAREABLE)
    slots.may_share = qualifiers.value(slots.qualifiers, qualifiers.MAY_SHARE)
    slots.home_spans = [m.span() for m in MY_PLACE.finditer(text)]
    if THE_PLACE.search(text) and my_residence_doors(ctx):
        slots.home_spans = sorted(slots.home_spans + [m.span() for m in THE_PLACE.finditer(text)])
    slots.my_place = bool(slots.home_spans)
    slots.their_place = bool(THEIR_PLACE.search(text))
    serial = SERIAL.search(blanked)
    slots.serial = serial.group().upper() if serial else None
    slots.unknown_doors = _unknown_doors(slots, entities or [])
    return slots


def _unknown_doors(slots: Slots, entities: list[dict[str, Any]]) -> list[str]:
    """The door spans of the recognizer that no mention, time or home word of the message covers."""
    covered = [(m.start, m.end) for m in slots.mentions]
    covered += [(match.start, match.end) for match in (slots.time, slots.schedule) if match is not None]
    covered += [(m.start(), m.end()) for pattern in (MY_PLACE, THEIR_PLACE) for m in pattern.finditer(slots.text)]
    unknown = []
    for entity in entities:
        start, end = entity.get("start"), entity.get("end")
        if entity.get("entity") != "door" or not isinstance(start, int) or not isinstance(end, int):
            continue
        if float(entity.get("confidence") or 0.0) < 0.8 or any(s < end and start < e for s, e in covered):
            continue
        unknown.append(slots.text[start:end])
    return unknown


def _inside(mention: Mention, start: int, end: int) -> bool:
    """Whether a mention lies within the span, which is longer or which it matched only fuzzily."""
    return start <= mention.start and mention.end <= end and (mention.fuzzy or end - start > mention.end - mention.start)


def _named_inside_times(ctx: TurnContext, slots: Slots, text: str) -> list[Mention]:
    """Exact names that a long time span swallowed ("monday, needs the maintenance key thru 12/18")."""
    found: list[Mention] = []
    for match in (slots.schedule, slots.time):
        if match is None or len(match.text.split()) < 4:
            continue
        region = " " * match.start + text[match.start : match.end] + " " * (len(text) - match.end)
        found += [
            m
            for m in ctx.lexicon.mentions(region, fuzzy=False)
            if m.score == 100 and any(e.kind in NAMED_KINDS for e in m.entries) and any(ch.isalpha() for ch in m.text)
        ]  # a bare number inside a date ("2/1/27") is the date's
    return found


NAMED_KINDS = ("key", "door", "amenity", "service", "experience")
ACCESS_WORD = re.compile(r"\b(?:keys?|doors?|fobs?|pass|cards?|unit|apartment|apt|flat|home|entrance|gate|room|access|code)\b", re.I)


def _people_by_address(ctx: TurnContext, slots: Slots, text: str) -> str:
    """Emails and phones (national ones in the property's country): known people, or new ones; their spans are blanked."""
    blanked = text
    for contact in find_contacts(text, place_of(ctx.prop)[0]):
        for start, end in contact.spans:
            blanked = blanked[:start] + " " * (end - start) + blanked[end:]
        person = None
        for column, handle in (("email", contact.email), ("phone", contact.phone)):
            if person is None and handle is not None:
                person = asker_by_contact(ctx.session, column, handle)
        if person is not None:
            if person.handle not in slots.people:
                slots.people.append(person.handle)
        elif slots.new_people and _more_of_the_same(text, slots.new_people[-1], contact):
            slots.new_people[-1].update({k: v for k, v in (("email", contact.email), ("phone", contact.phone)) if v})
        else:
            slots.new_people.append({"name": None, "email": contact.email, "phone": contact.phone, "_end": contact.spans[-1][1]})
    for new in slots.new_people:
        new.pop("_end", None)
    return blanked


CONTACT_OF = re.compile(
    r"\b(?:his|her|their|(?:reach|text|call|email)\s+(?:him|her|them)\s+(?:on|at|via))"
    r"(?:\s+(?:cell|mobile|phone|number|email|e-mail|contact)(?:\s+(?:phone|number|address))?(?:\s+is|:)?)?\s*$",
    re.I,
)
"""Before a contact given later, these say it is the contact of someone spoken of ("…, his cell is (416) 555-0190")."""


ASIDE = re.compile(
    r"\b(?:rent(?:s|ing)?|sublet(?:s|ting)?|leas(?:es|ing)|buy(?:s|ing)|bought|liv(?:es|ing)|stay(?:s|ing)|"
    r"shar(?:es|ing)|work(?:s|ing)|clean(?:s|ing)|sub(?:s|bing)?|mov(?:e|es|ed|ing)\s+in|room(?:s|ing))\s+(?:it\s+|(?:the|a|her|his|their)\s+\w+\s+)?"
    r"(?:off|from|with|for)\s+$",
    re.I,
)
"""Words before a person named only to say who else is involved ("renting it off Priya", "lives with Tom")."""


def _more_of_the_same(text: str, earlier: dict[str, Any], contact: Any) -> bool:
    """A new person's other contact, given later ("k.lee@… a manager, her mobile is …"): one person, not two."""
    missing = ("phone" if contact.phone else "email") if not (contact.phone and contact.email) else None
    if missing is None or earlier.get(missing) or "_end" not in earlier:
        return False
    return bool(CONTACT_OF.search(text[earlier["_end"] : contact.spans[0][0]]))


FULL_NAME = re.compile(r"\b([A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?)\s+([A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?)\b")


def _people_by_full_name(ctx: TurnContext, slots: Slots, text: str) -> str:
    """A capitalised first and last name naming exactly one person known at the property.

    Someone of that name known only elsewhere (another portfolio) is no one here: a stranger is
    never picked by name."""
    for match in FULL_NAME.finditer(text):
        name = " ".join(TOKEN.findall(normalize(f"{match.group(1)} {match.group(2)}")))
        found = sorted({e.name for e in ctx.lexicon.aliases.get(name, ()) if e.kind == "person"})
        if not found and name not in ctx.lexicon.aliases:
            found = _in_the_portfolio(ctx, name)
        if len(found) == 1:
            if found[0] not in slots.people:
                slots.people.append(found[0])
            slots.named_at[match.end()] = found[0]
            text = text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]
    return text


SHARED_NAME = re.compile(r"\b(?P<many>both|all(?:\s+the)?|the\s+two|all\s+three|the\s+three)\s+(?P<name>[^\W\d_]{2,})(?:'?s)\b", re.I)
"""Everyone of one first name at once: "both Seáns", "all the Marias"."""
COUNTS = {"both": 2, "the two": 2, "all three": 3, "the three": 3}


def _people_sharing_a_name(ctx: TurnContext, slots: Slots, text: str) -> str:
    """The people "both Seáns" names: every person here of that first name, when they are as many as said."""
    for match in SHARED_NAME.finditer(text):
        name = " ".join(TOKEN.findall(normalize(match["name"])))
        found = sorted({e.name for e in ctx.lexicon.aliases.get(name, ()) if e.kind == "person"})
        wanted = COUNTS.get(" ".join(match["many"].lower().split()))
        if len(found) < 2 or (wanted is not None and len(found) != wanted):
            continue
        slots.people += [handle for handle in found if handle not in slots.people]
        slots.together.update({handle: match.span() for handle in found})
        text = text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]
    return text


def _in_the_portfolio(ctx: TurnContext, name: str) -> list[str]:
    """The people of that full name known at another property of the portfolio whose people the asker may list
    ("make Hannah Brooks a manager here too")."""
    people = named_elsewhere_in_portfolio(ctx.session, ctx.principal, ctx.prop, ctx.now)
    return sorted({handle for handle, said in people if " ".join(TOKEN.findall(normalize(said))) == name})


def _name_new_people(slots: Slots, entities: list[dict[str, Any]]) -> None:
    """A new person's name, from the NLU's person span next to their address."""
    names = [str(e.get("value") or "") for e in entities if e.get("entity") == "person"]
    names = [n for n in names if n and "@" not in n and not any(ch.isdigit() for ch in n)]
    for person, name in zip(slots.new_people, names, strict=False):
        person["name"] = " ".join(w.capitalize() if w.islower() else w for w in name.split())


def _take(slots: Slots, mention: Mention) -> None:
    kinds: dict[str, list[str]] = {}
    for entry in mention.entries:
        kinds.setdefault(entry.kind, []).append(entry.name)
    for kind, names in kinds.items():
        if kind == "person":
            if mention.fuzzy:
                slots.unsure_people += [n for n in names if n not in slots.unsure_people]
            elif len(names) > 1:
                slots.ambiguous["person"] = (mention.text, names)
            elif names[0] not in slots.people:
                slots.people.append(names[0])
            continue
        if len(names) > 1:
            slots.ambiguous[kind] = (mention.text, names)
        else:
            slots.found.setdefault(kind, [])
            if names[0] not in slots.found[kind]:
                slots.found[kind].append(names[0])


def _prefer_named_keys(slots: Slots) -> None:
    """A key named as such ("the staff key") comes before one only implied by a door's word ("the pool")."""
    keys = slots.found.get("key")
    if not keys or len(keys) < 2:
        return
    implied = {name for m in slots.mentions if m.of("door") or m.of("amenity") for name in m.of("key")}
    slots.found["key"] = [k for k in keys if k not in implied] + [k for k in keys if k in implied]


def _drop_weak_person_doubt(slots: Slots) -> None:
    """A lone word that is also part of several names ("grant ivy access") is no doubt once someone is named.

    Nor is a word that may name an object the message names plainly elsewhere ("lobby ... front door")."""
    for kind, (_, choices) in list(slots.ambiguous.items()):
        named = slots.people if kind == "person" else slots.found.get(kind, [])
        if any(choice in named for choice in choices):
            del slots.ambiguous[kind]
    if "person" not in slots.ambiguous or not slots.people:
        return
    written = slots.ambiguous["person"][0]
    if any(m.text == written and m.score < 100 and " " not in m.text.strip() for m in slots.mentions):
        del slots.ambiguous["person"]


def _new_name(text: str) -> str | None:
    match = CALLED.search(text) or QUOTED.search(text) or UNQUOTED.search(text)
    if not match:
        return None
    name = next((g for g in match.groups() if g), "").strip(" '\"")
    return " ".join(w if w[:1].isupper() or not w.isalpha() else w.capitalize() for w in name.split()) or None
