"""Registers the faithfulness marker for the suite of this folder."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "faithfulness: the faithfulness suite of issue 13 (needs CONCIERGE_FAITHFULNESS=1)")
