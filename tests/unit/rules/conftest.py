"""The Foundry as plain objects, once for every rule test (no database)."""

from __future__ import annotations

from functools import cache

import pytest

from tests.conftest import fixture_file
from tests.fakes.uow import FakeUnitOfWork, from_property_file


@cache
def _foundry() -> FakeUnitOfWork:
    return from_property_file(fixture_file())


@pytest.fixture
def foundry() -> FakeUnitOfWork:
    return _foundry()
