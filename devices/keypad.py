"""A door's keypad slows wrong codes down, offline, without ever locking the right holders out.

After ``FREE_WRONG`` consecutive wrong codes (within ``QUIET`` of each other) the keypad evaluates the
next code only after a delay that doubles with each further wrong code, from ``FIRST_DELAY`` up to
``MAX_DELAY``. A code entered during the delay is not evaluated (the keypad answers "wait") and is not
counted, so hammering the keypad cannot push the delay further out. A quiet ``QUIET`` without a wrong code
starts afresh. When a slow-down begins the device reports it once (a ``wrong_codes`` event, which the
core records as activity and as an alert to the property's managers).

Why a capped delay and not a lockout: a keypad cannot tell the attacker from the guest whose code is
right, so anything that refuses codes for long refuses the guest too, and an attacker could use it to
shut every code holder out of a door. A capped delay costs a right holder at most ``MAX_DELAY`` seconds
while it bounds any guesser to ``max_guesses_per_day()`` evaluated codes a door a day, which the code
length (``access_core.doorcodes.CODE_DIGITS``) makes hopeless. A right code does not clear the count,
either: otherwise a guesser holding one valid code of their own could clear it between every few guesses.
Other credentials (app, keycard, remote unlocks) are never slowed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from access_core.decide import Decision

FREE_WRONG = 5
"""Consecutive wrong codes answered at once (typing slips)."""
FIRST_DELAY = 1.0
"""Seconds before the code after the last free wrong one is evaluated."""
MAX_DELAY = 60.0
"""The longest a right holder can be kept waiting by someone else's wrong codes."""
QUIET = 15 * 60.0
"""Seconds without a wrong code after which the count starts again."""
WAIT = Decision(False, ("keypad_wait",))
"""The answer to a code entered while the keypad is slowed down: not evaluated, not counted."""


def max_guesses_per_day() -> float:
    """The most codes a guesser can have evaluated at one keypad in a day: steadily one per ``MAX_DELAY``,
    or ``FREE_WRONG`` after each ``QUIET`` pause, whichever is faster."""
    return 86_400 * max(1 / MAX_DELAY, FREE_WRONG / QUIET)


@dataclass(slots=True)
class KeypadGuard:
    """The consecutive wrong codes at one door's keypad and when it next evaluates a code."""

    wrong: int = 0
    last_wrong: float | None = None
    ready_at: float = 0.0

    def wait(self, at: datetime) -> float:
        """Seconds until the keypad evaluates a code (0: now)."""
        return max(0.0, self.ready_at - at.timestamp())

    def record(self, at: datetime, *, allowed: bool) -> bool:
        """Count an evaluated code; True when this wrong code begins a slow-down (report it once)."""
        moment = at.timestamp()
        if self.last_wrong is not None and moment - self.last_wrong >= QUIET:
            self.wrong, self.last_wrong = 0, None
        if allowed:
            return False
        self.wrong += 1
        self.last_wrong = moment
        if self.wrong < FREE_WRONG:
            return False
        self.ready_at = moment + min(FIRST_DELAY * 2 ** min(self.wrong - FREE_WRONG, 32), MAX_DELAY)
        return self.wrong == FREE_WRONG


def enter_code(guard: KeypadGuard, decide_code: Callable[[str, datetime], Decision], code: str, at: datetime) -> tuple[Decision, bool]:
    """A code typed at the door's keypad: the store's decision behind the slow-down; True when a slow-down begins."""
    if guard.wait(at) > 0:
        return WAIT, False
    decision = decide_code(code, at)
    return decision, guard.record(at, allowed=decision.allowed)
