"""Refusals are the core's: the actions and the dialogue ask the policy, they never refuse on their own."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
RAISED = re.compile(r"\braise\s+Refused\(|=\s*Refused\(")


def test_no_refusal_is_raised_by_the_actions_or_the_dialogue() -> None:
    files = [*sorted((ROOT / "actions").glob("*.py")), ROOT / "bot" / "dialogue.py"]
    assert [str(path.relative_to(ROOT)) for path in files if RAISED.search(path.read_text())] == []


def test_the_core_imports_nothing_of_the_catalog() -> None:
    found = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "access_core").rglob("*.py")
        if "migrations" not in path.parts and re.search(r"^\s*(?:from|import) concierge_catalog", path.read_text(), re.M)
    ]
    assert found == []
