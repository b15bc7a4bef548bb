"""The describe layer words every change the services report, as the replies always have."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import access_core.services
from access_core.describe import DONE, done
from access_core.services.context import Outcome

NY = ZoneInfo("America/New_York")


def test_every_change_a_service_reports_has_its_wording() -> None:
    reported = {
        name
        for path in Path(access_core.services.__file__).parent.glob("*.py")
        for name in re.findall(r'Outcome\(\s*"(\w+)"', path.read_text())
    }
    assert reported and reported <= set(DONE)


def test_a_change_is_worded_from_its_facts() -> None:
    starts = datetime.fromisoformat("2027-01-01T00:00:00-05:00")
    granted = Outcome("granted", {"person": "Priya Shah", "key": "Resident 3A", "resident": True, "starts_at": starts, "ends_at": None})
    assert done(granted, NY) == "Gave Priya Shah Resident 3A as a resident from Fri 1 Jan 2027 with no end date."
    assert done(Outcome("schedule_set", {"key": "Staff", "door": "Gym", "schedule": None}), NY) == "Gym in Staff now opens at any time."
