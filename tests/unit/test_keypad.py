"""The keypad's slow-down: wrong codes wait longer and longer, a right code never waits past the cap, and the
code length makes guessing hopeless at the rate the keypad allows."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from access_core.doorcodes import CODE_DIGITS, guess_odds, new_code
from devices import keypad
from devices.store import DoorStore

START = datetime.fromisoformat("2026-12-01T09:00:00+00:00")
RIGHT = "123456789012"


def door() -> DoorStore:
    store = DoorStore(1)
    store.apply(
        1,
        {"full": True, "door": {"activated": True, "tz": "UTC"}, "codes": {RIGHT: [["code from Jane", "2026-12-01", None, True]]}},
        snapshot=True,
    )
    return store


def test_wrong_codes_wait_longer_and_longer_up_to_the_cap() -> None:
    store, at, waits = door(), START, []
    for _ in range(keypad.FREE_WRONG):
        decision, _ = store.enter_code("000000000000", at)
        assert decision.reasons != keypad.WAIT.reasons
    for _ in range(10):
        waits.append(store.keypad.wait(at))
        assert store.enter_code(RIGHT, at)[0] == keypad.WAIT  # not evaluated while slowed, right or wrong
        at += timedelta(seconds=waits[-1])
        assert not store.enter_code("000000000000", at)[0].allowed
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    at += timedelta(seconds=store.keypad.wait(at))
    assert store.enter_code(RIGHT, at)[0].allowed


def test_hammering_never_keeps_a_right_code_out_past_the_cap() -> None:
    store, at = door(), START
    for _ in range(20_000):  # a wrong code every half second for almost three hours
        store.enter_code("999999999999", at)
        at += timedelta(seconds=0.5)
    assert store.keypad.wait(at) <= keypad.MAX_DELAY
    at += timedelta(seconds=keypad.MAX_DELAY)
    assert store.enter_code(RIGHT, at)[0].allowed


def test_a_slow_down_is_reported_once_and_starts_afresh_after_a_quiet_spell() -> None:
    store, at, reports = door(), START, 0
    for _ in range(50):
        at += timedelta(seconds=store.keypad.wait(at))
        reports += store.enter_code("000000000000", at)[1]
    assert reports == 1
    at += timedelta(seconds=keypad.QUIET + keypad.MAX_DELAY)
    assert [store.enter_code("000000000000", at + timedelta(seconds=n))[1] for n in range(keypad.FREE_WRONG)] == [False] * (
        keypad.FREE_WRONG - 1
    ) + [True]


def test_a_right_code_does_not_clear_the_count() -> None:
    """A guesser holding one valid code can't use it to get free guesses."""
    store, at = door(), START
    for _ in range(200):
        at += timedelta(seconds=store.keypad.wait(at))
        store.enter_code(RIGHT, at)
        at += timedelta(seconds=store.keypad.wait(at))
        store.enter_code("000000000000", at)
    assert at - START >= timedelta(seconds=(200 - 20) * keypad.MAX_DELAY)


def test_the_keypad_evaluates_at_most_its_daily_budget_of_guesses() -> None:
    store, at, evaluated = door(), START, 0
    while at < START + timedelta(days=1):
        decision, _ = store.enter_code(new_code(), at)
        evaluated += decision != keypad.WAIT
        at += timedelta(seconds=0.25)
    ramp = math.ceil(math.log2(keypad.MAX_DELAY / keypad.FIRST_DELAY))  # the doublings below the cap
    assert evaluated <= keypad.max_guesses_per_day() + keypad.FREE_WRONG + ramp
    assert keypad.max_guesses_per_day() == 1440


def test_twelve_digits_make_guessing_hopeless_where_six_fall_within_the_hour() -> None:
    """The issue's worst case: 5,400 live codes of one property on one day, every one of 20 keypads attacked."""
    rate = keypad.max_guesses_per_day()
    worst = {"live_codes": 5_400, "keypads": 20, "guesses_per_day": rate}
    assert guess_odds(digits=6, days=1 / 24, **worst) > 1
    assert guess_odds(digits=10, days=30, **worst) > 0.01
    assert guess_odds(digits=CODE_DIGITS, days=30, **worst) < 0.01
    assert len(new_code()) == CODE_DIGITS and new_code() != new_code()
