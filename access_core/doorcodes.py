"""Daily doorcodes are made here, by the server alone: random, unique in their property on their day.

Nobody chooses a code: a caller's ``code`` is never read. Each code is ``CODE_DIGITS`` digits from the
operating system's CSPRNG (``secrets``). The database holds the rule "one code per property and day"
(``uq_doorcodes_property_day_code``), so two workers making codes at the same moment can never both keep
the same one: the insert runs in a savepoint, and a collision is answered by drawing again. A collision
is never reported, so making a code tells nobody whether some other code exists.

Why twelve digits: a keypad slows wrong codes down (``devices.keypad``) to at most
``devices.keypad.max_guesses_per_day()`` evaluated guesses a door a day. Against the worst live count
seen (5,400 codes of one property on one day) at 20 keypads, six digits give an attacker a correct
guess within the hour; twelve keep a month of nonstop guessing below a 1 % chance
(``guess_odds``; tests/unit/test_keypad.py checks the figures).
"""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from access_core.models import Doorcode, Key, Person

CODE_DIGITS = 12
"""Digits of every code the server makes; property files may still carry shorter, older codes."""
DRAWS = 8
"""Fresh codes tried before giving up; with 10**12 codes a second draw is already rare."""


def new_code(digits: int = CODE_DIGITS) -> str:
    """A uniformly random code of ``digits`` digits (leading zeros kept)."""
    return f"{secrets.randbelow(10**digits):0{digits}d}"


def guess_odds(*, digits: int, live_codes: int, keypads: int, days: float, guesses_per_day: float) -> float:
    """The expected number of correct guesses (an upper bound on the chance of one) for an attacker who
    tries fresh random codes at every keypad of a property for ``days``, as fast as the keypads allow."""
    return keypads * days * guesses_per_day * live_codes / float(10**digits)


def issue_doorcode(session: Session, *, key: Key, granter: Person, day: date) -> Doorcode:
    """Store a fresh code for ``key`` on ``day``, drawing again on the rare collision."""
    for _ in range(DRAWS):
        doorcode = Doorcode(code=new_code(), key_id=key.id, property_id=key.property_id, granter_id=granter.id, day=day)
        try:
            with session.begin_nested():
                session.add(doorcode)
                session.flush()
        except IntegrityError:
            continue  # taken, maybe by another worker this very moment: draw again, say nothing
        return doorcode
    raise RuntimeError(f"no free doorcode after {DRAWS} draws")
