"""Which property a conversation is about, and each property's cached lexicon."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from access_core import directory, policy, views
from access_core.errors import CoreError
from access_core.principal import Principal, load_principal
from access_core.sources import zone
from access_core.views import Asker, Site
from access_core.vocabulary import property_terms
from actions.layout import Layout, build_layout
from bot.state import Conversation
from nlu.property_fit import distinctive, foreign, mentions_by_property
from nlu.property_lexicon import build_lexicon
from nlu.resolve import Lexicon

VERSION_TTL = 0.5


def properties_of(session: Session, person: Asker) -> list[Site]:
    """The properties the person manages, holds a key to or was shared one at, by name (``directory.properties_of``)."""
    return list(directory.properties_of(session, person.id))


class Places:
    """Per-process cache of lexicons, rebuilt when the property's data changes.

    One instance may serve several dialogue threads: the caches are shared (whole values replaced,
    never mutated in place), and the data version a turn works with is the thread's own.
    """

    def __init__(self) -> None:
        self._cache: dict[int, tuple[tuple[int, int], Lexicon, Layout]] = {}
        self._people: dict[tuple[int, tuple[int, int]], list[int]] = {}
        self._portfolio_ids: dict[tuple[frozenset[int], tuple[int, int]], list[int]] = {}
        self._latest: tuple[tuple[int, int], float] | None = None
        self._speakers: dict[str, int] = {}
        self._principals: dict[tuple[int, tuple[int, int]], Principal] = {}
        self._turn = threading.local()
        self._rows = views.Rows()

    def asker(self, session: Session, person_id: int) -> Asker | None:
        """The person, from the core's copy kept while the turn's data version holds."""
        return self._rows.asker(session, person_id, self.turn_version)

    def site(self, session: Session, property_id: int) -> Site | None:
        """The property, from the core's copy kept while the turn's data version holds."""
        return self._rows.site(session, property_id, self.turn_version)

    @property
    def turn_version(self) -> tuple[int, int] | None:
        """The data version of the turn this thread is answering."""
        return getattr(self._turn, "version", None)

    @turn_version.setter
    def turn_version(self, version: tuple[int, int] | None) -> None:
        self._turn.version = version

    def property_for(
        self,
        session: Session,
        conv: Conversation,
        person: Asker,
        text: str,
        *,
        fits: Callable[[Site], bool] | None = None,
        needs_property: bool = True,
        across: bool = False,
    ) -> Site | str | list[Site]:
        """The property, or the question to ask when it is not clear.

        The property named, else the one whose doors, keys, amenities, services or people the message names
        and no other does, else the conversation's, else the only one where the asker may make this kind of
        request (``fits``). A request about another property of the portfolio, where the asker has no role or
        access, is refused. When nothing tells two properties apart the asker is asked which, unless the
        answer does not depend on the property (``needs_property`` false: help). A question that may be answered
        at each of them (``across``: "which doors have low batteries?" from a portfolio manager) gets them all.
        """
        candidates = self.candidates(session, person)
        if not candidates:
            if not needs_property:
                return "You have no access or role at any property yet."
            policy.refuse_without_a_place()
        lowered = text.lower()
        named = [p for p in candidates if p.name.lower() in lowered] or _by_town(candidates, lowered)
        chosen = named[0] if len(named) == 1 else self._from_mentions(session, conv, person, candidates, text, fits, needs_property, across)
        if isinstance(chosen, (str, list)):
            return chosen
        if chosen is None:
            return candidates[0]  # the answer does not depend on the property: not remembered
        conv.property_id = chosen.id
        return chosen

    def candidates(self, session: Session, person: Asker) -> list[Site]:
        """The asker's properties, kept while the data version holds."""
        version = self.turn_version or self.version(session)
        ids = self._people.get((person.id, version))
        if ids is None:
            ids = [p.id for p in properties_of(session, person)]
            if len(self._people) > 50_000:
                self._people.clear()
            self._people[(person.id, version)] = ids
        return [p for p in (self.site(session, i) for i in ids) if p is not None]

    def _from_mentions(
        self,
        session: Session,
        conv: Conversation,
        person: Asker,
        candidates: list[Site],
        text: str,
        fits: Callable[[Site], bool] | None,
        needs_property: bool,
        across: bool = False,
    ) -> Site | str | list[Site] | None:
        neighbours = self._neighbours(session, candidates)
        by_id = {p.id: p for p in candidates}
        if len(neighbours) == len(candidates) and len(candidates) == 1:
            return candidates[0]
        lexicons = {pid: self.views(session, prop)[0] for pid, prop in neighbours.items()}
        found = mentions_by_property(lexicons, text)
        mine = distinctive(found, among=by_id)
        if needs_property and not mine:
            elsewhere = foreign(found, by_id)
            if elsewhere:
                pid, hits = next(iter(elsewhere.items()))
                entry = next(e for e in hits[0].entries if e.kind != "person")
                where = neighbours[pid].name
                said = f"{where} is a property" if entry.kind == "property" else f"{entry.name} is at {where}"
                policy.refuse_elsewhere(said, [p.name for p in candidates])
        if len(mine) == 1:
            return by_id[next(iter(mine))]
        if conv.property_id in mine:
            return by_id[conv.property_id]
        fitting = [by_id[pid] for pid in mine] or candidates
        if len(fitting) == 1:
            return fitting[0]
        if not mine and conv.property_id in by_id:
            return by_id[conv.property_id]
        allowed = [p for p in fitting if fits is None or fits(p)]
        if len(allowed) == 1:
            return allowed[0]
        homes = [p for p in allowed if p.id in self._homes(session, person)]
        if len(homes) == 1:
            return homes[0]  # the one property the asker lives at
        if not needs_property:
            return None
        if not allowed:
            return fitting[0]  # refused there, by the rule that refuses it everywhere
        if across:
            return allowed
        return "Which property: " + ", ".join(p.name for p in allowed) + "?"

    def _homes(self, session: Session, person: Asker) -> frozenset[int]:
        """The properties where the asker holds a resident grant."""
        return views.homes_of(session, person.id)

    def portfolio(self, session: Session, person: Asker) -> list[Site]:
        """Every property of the asker's portfolios, theirs or not."""
        return list(self._neighbours(session, self.candidates(session, person)).values())

    def _neighbours(self, session: Session, candidates: list[Site]) -> dict[int, Site]:
        """The asker's properties and the others of their portfolios, by id."""
        version = self.turn_version or self.version(session)
        portfolios = frozenset(p.portfolio_id for p in candidates)
        key = (portfolios, version)
        ids = self._portfolio_ids.get(key)
        if ids is None:
            ids = views.portfolio_property_ids(session, portfolios)
            if len(self._portfolio_ids) > 10_000:
                self._portfolio_ids.clear()
            self._portfolio_ids[key] = ids
        found = {p.id: p for p in candidates}
        for pid in ids:
            if pid not in found:
                prop = self.site(session, pid)
                if prop is not None:
                    found[pid] = prop
        return found

    @staticmethod
    def zone(prop: Site) -> ZoneInfo:
        return zone(prop.timezone)

    def begin(self, session: Session, *, fresh: bool = False) -> None:
        """Read the data version for the turn about to be answered.

        Another process's change is noticed within ``VERSION_TTL`` seconds; this process's own
        changes, and every turn that executes a plan (``fresh``), read it at once.
        """
        now = time.monotonic()
        latest = self._latest
        if fresh or latest is None or now - latest[1] > VERSION_TTL:
            latest = self._latest = (self.version(session), now)
        self.turn_version = latest[0]

    @staticmethod
    def version(session: Session) -> tuple[int, int]:
        """Changes through the core write the audit log; loads make new properties."""
        return views.data_version(session)

    def views(self, session: Session, prop: Site) -> tuple[Lexicon, Layout]:
        version = self.turn_version or self.version(session)
        cached = self._cache.get(prop.id)
        if cached is None or cached[0] != version:
            cached = (version, build_lexicon(property_terms(session, prop)), build_layout(session, prop))
            self._cache[prop.id] = cached
        return cached[1], cached[2]

    def person(self, session: Session, handle: str) -> Asker | None:
        """The speaker, looked up once per handle (people are never renamed to another's handle)."""
        person_id = self._speakers.get(handle)
        if person_id is not None:
            person = self.asker(session, person_id)
            if person is not None and handle in (person.email, person.phone):
                return person
        from access_core.lookup import person_by_ref

        try:
            person = person_by_ref(session, handle)
        except CoreError:
            return None
        if person is not None and len(self._speakers) < 100_000:
            self._speakers[handle] = person.id
        return person

    def principal(self, session: Session, person: Asker) -> Principal:
        """The speaker's roles, reloaded whenever the data changed."""
        version = self.turn_version or self.version(session)
        key = (person.id, version)
        cached = self._principals.get(key)
        if cached is None:
            if len(self._principals) > 50_000:
                self._principals.clear()
            cached = self._principals[key] = load_principal(session, person)
        return cached

    def changed(self, property_id: int) -> None:
        self.turn_version = None
        self._latest = None
        self._cache.pop(property_id, None)


def _by_town(candidates: list[Site], lowered: str) -> list[Site]:
    """The properties whose town a message names ("the edinburgh flat"): a word of the address after its street
    that no other of the asker's properties has in its address."""
    words = {p.id: _town_words(p.address or "") for p in candidates}
    said = set(re.findall(r"[a-z]+", lowered))
    return [p for p in candidates if any(w in said for w in words[p.id] if all(w not in words[o] for o in words if o != p.id))]


def _town_words(address: str) -> set[str]:
    """The alphabetic words of an address after its first part (the street): town, region, country."""
    parts = address.lower().split(",")[1:]
    return {w for part in parts for w in re.findall(r"[a-z]+", part) if len(w) > 3}
