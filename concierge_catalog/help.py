"""The product's help: its sections and tasks, and ranking a "how do I …" question."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Section:
    """One section of Mission Control, with what it is for and how to start."""

    name: str
    """The section's exact name (DOMAIN.md)."""
    path: str
    """Where it lives in the product."""
    words: tuple[str, ...]
    """Words that point at it."""
    steps: tuple[str, ...]
    """Short steps for its most common task."""


SECTIONS = (
    Section(
        "People",
        "/people",
        (
            "people",
            "person",
            "invite",
            "tenant",
            "resident",
            "user",
            "add someone",
            "remove someone",
            "move in",
            "move out",
            "guest",
            "visitor",
            "access",
            "give access",
            "revoke",
            "share",
            "sharing",
            "door code",
            "doorcode",
            "code",
        ),
        (
            "Open People and choose Invite.",
            "Enter their email or phone, pick the keys and dates.",
            "Say whether they are a resident, then send the invitation.",
        ),
    ),
    Section(
        "Keys",
        "/keys",
        (
            "key",
            "keys",
            "create key",
            "new key",
            "key group",
            "shareable",
            "group of doors",
            "edit key",
            "add door to key",
            "door to key",
            "remove door from key",
            "door from key",
            "door out of key",
            "delete key",
        ),
        ("Open Keys and choose New key.", "Name it and pick its doors.", "Decide whether it is shareable, then save."),
    ),
    Section(
        "Doors",
        "/doors",
        ("door", "doors", "lock", "locks", "new door", "add door", "rename door", "entrance", "unlock", "remote unlock", "open the door"),
        (
            "Open Doors and choose the door.",
            "Use Unlock to open it remotely, or Edit to rename it.",
            "New doors need a device manager to install the lock.",
        ),
    ),
    Section(
        "Activity",
        "/activity",
        (
            "activity",
            "history",
            "log",
            "logs",
            "entries",
            "who came",
            "who entered",
            "came in",
            "access history",
            "report",
            "audit",
            "events",
            "photo",
            "photos",
            "entry",
            "entry history",
            "entry log",
            "door history",
            "access log",
            "see who",
            "who opened",
            "who used",
        ),
        (
            "Open Activity.",
            "Filter by door, person and dates.",
            "You see only the events your role allows (residents' own entries stay private).",
        ),
    ),
    Section(
        "Managers",
        "/managers",
        ("manager", "managers", "permission", "permissions", "admin", "property manager", "role", "roles", "staff access level"),
        (
            "Open Managers and choose Add manager.",
            "Pick the person and the property.",
            "Choose the permission levels: full, limited, specific keys or devices.",
        ),
    ),
    Section(
        "Keycards",
        "/keycards",
        ("keycard", "keycards", "card", "cards", "fob", "fobs", "badge", "issue card", "deactivate card", "lost card"),
        (
            "Open Keycards and choose Issue keycard.",
            "Scan or type the card's serial.",
            "Pick the person: the card mirrors their access. Deactivate a lost card at once.",
        ),
    ),
    Section(
        "CSV import",
        "/people/import",
        ("csv", "import", "bulk", "spreadsheet", "many people", "upload", "excel", "file", "batch", "mass"),
        (
            "Open People and choose Import CSV.",
            "Use the columns name, email, phone, starts, ends, resident, may_share.",
            "Pick the key; a file with a bad row is reported line by line and nothing is applied.",
        ),
    ),
    Section(
        "Schedules",
        "/keys/schedules",
        (
            "schedule",
            "schedules",
            "hours",
            "opening hours",
            "time window",
            "weekdays",
            "weekends",
            "restrict",
            "only open",
            "business hours",
            "time",
        ),
        (
            "Open Keys and choose the key.",
            "Pick the door and set its weekly windows (e.g. Mon-Fri 09:00-17:00).",
            "Save: everyone holding the key follows the schedule at once.",
        ),
    ),
    Section(
        "Concierge",
        "/concierge",
        (
            "concierge",
            "amenity",
            "amenities",
            "book",
            "booking",
            "reserve",
            "reservation",
            "service",
            "services",
            "experience",
            "upgrade",
            "upgrades",
            "request",
            "front desk",
            "intercom call",
            "pro",
            "courier",
            "couriers",
            "delivery",
            "deliveries",
            "ring",
            "rings",
            "ringing",
            "buzz",
            "buzzes",
            "answer the intercom",
            "call",
            "calls",
        ),
        (
            "Open Concierge.",
            "Browse help, feature highlights, upgrades and the catalog.",
            "Use Submit a Request for an upgrade, or book an amenity or service.",
        ),
    ),
    Section(
        "Devices",
        "/devices",
        (
            "device",
            "devices",
            "battery",
            "batteries",
            "install",
            "uninstall",
            "installing",
            "installed",
            "install a lock",
            "install the lock",
            "new lock",
            "replace a lock",
            "lock battery",
            "firmware",
            "update",
            "low battery",
            "battery level",
            "dead battery",
            "lock status",
            "install lock",
            "replace lock",
            "software",
            "offline",
            "online",
            "hardware",
            "activate",
            "intercom",
            "reader",
            "status",
        ),
        ("Open Devices.", "Check battery, status and firmware per door.", "Device managers install, activate and upgrade locks here."),
    ),
)

_WORD = re.compile(r"[a-z]+")


ARTICLES = frozenset({"a", "an", "the", "my", "our", "some", "new"})
"""Words a phrase may have in between ("install a lock" is "install lock")."""
SAME_AS = (
    (re.compile(r"\b(?:key|access|swipe|id|entry)[\s-]+cards?\b"), "keycard"),
    (re.compile(r"\b(?:fit|fits|fitted|fitting|mount|mounted|mounting)\b"), "install"),
    (re.compile(r"\b(?:hire|book in|reserve|rent)\b"), "book"),
)
"""Everyday or regional ways of saying a word the sections know ("key card", "fit a lock", "hire the lounge")."""


def _words(text: str) -> list[str]:
    text = text.lower()
    for pattern, word in SAME_AS:
        text = pattern.sub(word, text)
    return [_stem(w) for w in _WORD.findall(text) if w not in ARTICLES]


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"  # "entries" is "entry"
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def rank(question: str) -> list[tuple[Section, float]]:
    """Sections by how well they fit the question, best first."""
    text = " " + " ".join(_words(question)) + " "
    scored = []
    for section in SECTIONS:
        score = 0.0
        for stemmed in dict.fromkeys(" ".join(_words(phrase)) for phrase in section.words):
            if stemmed and f" {stemmed} " in text:
                score += 1.0 + 0.8 * stemmed.count(" ")
        if section.name.lower().rstrip("s") in text:
            score += 0.5
        scored.append((section, score))
    return sorted(scored, key=lambda pair: -pair[1])


def section_named(name: str) -> Section | None:
    return next((s for s in SECTIONS if s.name.lower() == name.lower()), None)
