"""The store's fast path answers exactly as ``decide`` over the same sources."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from access_core.decide import decide
from access_core.sources import zone
from devices.compile import pack
from devices.store import DoorStore

BASE = datetime(2026, 3, 1, tzinfo=UTC)
SCHEDULES = [None, "Mon-Fri 09:00-17:00", "Mon-Sun 22:00-02:00", "Sat 10:00-14:00; Sun 01:30-03:30"]
HOUR = 3600.0

source = st.tuples(st.integers(0, 24 * 60), st.one_of(st.none(), st.integers(1, 24 * 60)), st.sampled_from(SCHEDULES), st.booleans())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(source, max_size=4),
    st.integers(0, 24 * 90),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["America/New_York", "Europe/London", "Asia/Kolkata"]),
)
def test_fast_path_equals_decide(sources: list, hour: int, activated: bool, live: bool, tz: str) -> None:
    encoded = [
        [
            f"key {n}",
            BASE.timestamp() + start * HOUR,
            None if length is None else BASE.timestamp() + (start + length) * HOUR,
            schedule,
            active,
        ]
        for n, (start, length, schedule, active) in enumerate(sources)
    ]
    store = DoorStore(1)
    store.apply(0, {"door": {"activated": activated, "tz": tz}, **pack({"9": encoded})}, snapshot=True)
    at = BASE + timedelta(hours=hour, minutes=17)
    expected = decide([c.source for c in store.people.get(9, ())], at, zone(tz), door_activated=activated, credential_live=live)
    assert store.decide_person(9, at, credential_live=live) == expected
