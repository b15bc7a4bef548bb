"""The in-memory access index answers exactly as the database decision does."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.access_index import AccessIndex
from access_core.db import Database
from access_core.lookup import property_by_name, require_person
from access_core.models import Amenity, Door, Grant, GuestShare, Key, Person, Reservation
from access_core.sources import decide_person

MOMENTS = [
    datetime.fromisoformat(t)
    for t in (
        "2025-01-01T12:00:00-05:00",  # before most grants
        "2026-03-08T02:30:00-05:00",  # around the spring DST change
        "2026-11-28T10:00:00-05:00",  # a Saturday: outside the boiler room's weekday hours
        "2026-11-30T12:30:00-05:00",  # during the guest shares
        "2026-11-30T23:30:00-05:00",  # after the amenities close
        "2026-12-01T10:00:00-05:00",
        "2026-12-05T19:30:00-05:00",  # the reservation below
        "2027-06-01T09:00:00-04:00",  # after the one-year leases
    )
]


def _variety(session: Session) -> None:
    """Sources of every kind: a reservation, a revoked share, a share whose sharer lost the right to share."""
    prop = property_by_name(session, "The Foundry")
    assert prop is not None
    roof = session.scalar(select(Amenity).where(Amenity.property_id == prop.id, Amenity.name == "Roof Deck"))
    assert roof is not None
    omar = require_person(session, "omar.haddad@example.com")
    evening = MOMENTS[6].replace(hour=19, minute=0), MOMENTS[6].replace(hour=21, minute=0)
    session.add(Reservation(amenity_id=roof.id, person_id=omar.id, starts_at=evening[0], ends_at=evening[1]))
    shares = session.scalars(select(GuestShare).order_by(GuestShare.id)).all()
    shares[0].active = False
    jane = require_person(session, "jane.park@example.com")
    common = select(Key.id).where(Key.property_id == prop.id, Key.name == "Common Door Key").scalar_subquery()
    grant = session.scalar(select(Grant).where(Grant.person_id == jane.id, Grant.key_id == common))
    assert grant is not None
    grant.may_share = False


@pytest.mark.parametrize("variety", [False, True])
def test_index_decides_as_the_database_does(foundry: Database, variety: bool) -> None:
    if variety:
        with foundry.session() as session:
            _variety(session)
    with foundry.session() as session:
        prop = property_by_name(session, "The Foundry")
        assert prop is not None
        index = AccessIndex.build(session, prop)
        people = session.scalars(select(Person).order_by(Person.id)).all()
        doors = session.scalars(select(Door).where(Door.property_id == prop.id).order_by(Door.id)).all()
        compared = allowed = 0
        for person in people:
            for door in doors:
                for at in MOMENTS:
                    for live in (True, False):
                        expected = decide_person(session, person, door, at, credential_live=live)
                        got = index.decide(person.id, door.id, at, credential_live=live)
                        assert got == expected, (person.handle, door.name, at.isoformat(), live)
                        compared += 1
                        allowed += got.allowed
    assert compared == len(people) * len(doors) * len(MOMENTS) * 2
    assert 0 < allowed < compared


def test_index_knows_only_its_property_doors(foundry: Database) -> None:
    with foundry.session() as session:
        prop = property_by_name(session, "The Foundry")
        assert prop is not None
        index = AccessIndex.build(session, prop)
        with pytest.raises(KeyError):
            index.decide(1, 10_000, MOMENTS[0])
