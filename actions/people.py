"""Who a request is for: the people a message names, where, and those it speaks of but does not name.

"give A, B and C the key" names three people; "give Harriet Lewis's partner the fob" names one
(Harriet) only as whose the partner is: the partner is the one meant, and no one knows who that is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from access_core.holiday_names import place_of
from access_core.lookup import person_by_ref
from actions.slots import ASIDE, CONTACT_OF, Slots
from actions.turn import TurnContext
from nlu.contacts import find_contacts

RELATIONS = (
    r"roommate|room-mate|roomie|flatmate|housemate|lodger|cleaner|cleaning lady|guest|partner|wife|husband|spouse|"
    r"fianc[ée]e?|boyfriend|girlfriend|kid|kids|child|children|son|daughter|friend|nanny|au pair|babysitter|"
    r"dog ?walker|sitter|mom|mum|mother|dad|father|parents?|brother|sister|cousin|aunt|uncle|niece|nephew|"
    r"grandma|grandpa|grandmother|grandfather|carer|caregiver|nurse|assistant|colleague|co-?worker|contractor|"
    r"builder|plumber|electrician|handyman|decorator|gardener|driver|visitor|tenant|subtenant|replacement|"
    r"successor|stand-?in|cover|temp|intern|deputy|helper|relative|family member"
)
RELATION = re.compile(
    rf"(?P<owner>\b(?:his|her|their|my|our)|\b[\w.\-@+]+['’]s)\s+"
    rf"(?:new\s+|own\s+|future\s+|other\s+|regular\s+)?(?P<who>{RELATIONS})\b"
    r"(?!['’]s\b|\s+(?:keys?|fobs?|pass(?:es)?|cards?|codes?|doors?|access)\b)",
    re.I,
)
"""Someone spoken of as whose they are: "Harriet Lewis's partner", "his wife", "my cleaner"."""
DESCRIBED = re.compile(r"(?:\b(?:is|are|was|be|as)|['’]s|,|\bwho(?:['’]s| is)?)\s*(?:[^\W\d_][\w'’-]*\s+){0,2}$", re.I)
"""Before a relation (and its owner's other names), these make it say who someone named already is ("Ivy is Hannah's
new roommate", "he's sam tuilagi's new flatmate")."""
APPOSITION = re.compile(
    r"^\s*(?:[,(:\-–]\s*)?(?:(?:called|named|is|who is|on|at|via|,"
    r"|(?:whose\s+)?(?:phone|mobile|cell|number|email)(?:\s+(?:number|is))*:?)\s+)?",
    re.I,
)
"""What may stand between a relation and the name or contact that says who it is ("my cleaner on 07400 123555")."""
LINKS = re.compile(r"^\s*(?:,\s*and|,\s*n|,|and|&|\+|n|an|plus|as well as|along with|together with)\s*(?:the\s+)?$", re.I)
"""What may stand between two names of one list."""


@dataclass(frozen=True, slots=True)
class Named:
    """A person a message names, and where."""

    handle: Any
    """Email or phone of a known person, or a new person's mapping."""
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Unnamed:
    """Someone a message speaks of without naming them ("her partner")."""

    said: str
    """The words used, as written."""
    owner_end: int
    """Where the owner's part ends (the owner alone is not who is meant)."""
    start: int
    end: int


def named(ctx: TurnContext, slots: Slots) -> list[Named]:
    """Every person of ``slots`` with the first span that names them, in the order they were written."""
    text = slots.text
    lowered = text.lower()
    region = place_of(ctx.prop)[0]
    contacts = find_contacts(text, region)
    found: list[Named] = []
    handles: list[Any] = [*slots.people, *slots.new_people]
    for handle in handles:
        spans = [(m.start, m.end) for m in slots.mentions if isinstance(handle, str) and handle in m.of("person")]
        addresses: list[Any] = [handle] if isinstance(handle, str) else [handle.get("email"), handle.get("phone")]
        for contact in contacts:
            if contact.email in addresses or contact.phone in addresses:
                spans += list(contact.spans)
        if isinstance(handle, str):
            person = person_by_ref(ctx.session, handle)
            label = (person.label if person else "").lower()
            if label and (at := lowered.find(label)) >= 0:
                spans.append((at, at + len(label)))
            elif person is not None and (written := _full_name_at(lowered, label)) is not None:
                spans.append(written)
        if isinstance(handle, str) and handle in slots.together:
            spans.append(slots.together[handle])
        if spans:
            start, end = min(spans)
            found.append(Named(handle, start, end))
    return sorted(found, key=lambda n: n.start)


def _full_name_at(lowered: str, label: str) -> tuple[int, int] | None:
    """A label written with other punctuation ("mei-ling zhou" for "Mei-Ling Zhou", "Turner Hall")."""
    words = re.findall(r"[^\W\d_]+", label)
    if len(words) < 2:
        return None
    match = re.search(r"\b" + r"[\s\-'’.]*".join(map(re.escape, words)) + r"\b", lowered)
    return (match.start(), match.end()) if match else None


def relations(slots: Slots) -> list[Unnamed]:
    """Everyone spoken of by how they relate to someone ("Hannah's new roommate"), named or not."""
    return [Unnamed(m.group().strip(), m.end("owner"), m.start(), m.end()) for m in RELATION.finditer(slots.text)]


def unnamed(slots: Slots, people: list[Named]) -> list[Unnamed]:
    """The people spoken of only by how they relate to someone, whom the message does not name."""
    found: list[Unnamed] = []
    for relation in relations(slots):
        if DESCRIBED.search(slots.text[: relation.start]):
            continue  # "Ivy is Hannah's new roommate": it says who a named person is
        rest = slots.text[relation.end :]
        after = relation.end + len(APPOSITION.match(rest).group())  # type: ignore[union-attr]
        if any(relation.end <= p.start <= after + 1 for p in people):
            continue  # "her cleaner max@mail.example": named right after
        found.append(relation)
    later = [p for p in people if CONTACT_OF.search(slots.text[: p.start])]
    if len(found) == 1 and len(later) == 1 and later[0].start > found[0].end:
        return []  # "give my cousin a guest pass …, his cell is (416) 555-0190": the one spoken of, named later
    return found


def aside(slots: Slots, people: list[Named]) -> set[Any]:
    """People named only as others the request involves ("finished cleaning for Olivia and Ruby"), a list included."""
    found: set[Any] = set()
    last: Named | None = None
    for person in people:
        joined = last is not None and key_of(last.handle) in found and LINKS.match(slots.text[last.end : person.start])
        if ASIDE.search(slots.text[: person.start]) or joined:
            found.add(key_of(person.handle))
        last = person
    return found


def owners_only(people: list[Named], relations: list[Unnamed]) -> set[Any]:
    """People named only as whose someone is: "Harriet Lewis" in "Harriet Lewis's partner"."""
    owners = set()
    for person in people:
        if any(_owns(person, r) for r in relations):
            owners.add(key_of(person.handle))
    plain = {key_of(p.handle) for p in people if not any(_owns(p, r) for r in relations)}
    return owners - plain


def _owns(person: Named, relation: Unnamed) -> bool:
    return relation.start < person.end <= relation.owner_end


def listed(slots: Slots, people: list[Named]) -> list[Named]:
    """The longest run of people written as one list ("A, B and C"), when it holds several."""
    best: list[Named] = []
    run: list[Named] = []
    for person in people:
        at_once = run and _together(slots, run[-1], person)  # "both Seáns"
        if run and (at_once or LINKS.match(slots.text[run[-1].end : person.start])):
            run.append(person)
        else:
            run = [person]
        if len(run) > len(best):
            best = list(run)
    return best if len(best) > 1 else []


def _together(slots: Slots, one: Named, other: Named) -> bool:
    """Two people named by one shared first name ("both Seáns")."""
    return all(isinstance(p.handle, str) and p.handle in slots.together for p in (one, other)) and one.start == other.start


def key_of(handle: Any) -> Any:
    return handle if isinstance(handle, str) else (handle.get("email"), handle.get("phone"))
