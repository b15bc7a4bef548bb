"""No door code, token, cookie or signature in any log line or traceback, even with every logger at DEBUG."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from access_core.db import Database
from access_core.models import Doorcode
from bot.state import MemoryStore
from bot.web.app import create_app
from bot.web.auth import issue_token

JANE = "jane.park@example.com"


@pytest.fixture
def client(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("CONCIERGE_SECRET", "log-test-secret-value")
    with TestClient(create_app(foundry, store=MemoryStore(), slack=False)) as test_client:
        yield test_client


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(caplog.handler.format(record) for record in caplog.records)


def test_a_doorcode_made_and_a_failing_request_leave_no_code_or_token_in_the_logs(
    client: TestClient, foundry: Database, caplog: pytest.LogCaptureFixture
) -> None:
    token = issue_token(foundry, JANE)
    with caplog.at_level(logging.DEBUG):  # SQLAlchemy then logs every statement with its parameters
        headers = {"Authorization": f"Bearer {token}"}
        assert client.post("/api/chat", headers=headers, json={"message": "send a door code for tomorrow"}).json()["status"] == "confirm"
        done = client.post("/api/chat", headers=headers, json={"message": "yes"}).json()
        assert done["status"] == "done", done
        code = str(done["result"]["code"])
        assert code in done["reply"]
        with foundry.session() as session:
            row = session.scalar(select(Doorcode).where(Doorcode.code == code))
            assert row is not None
            duplicate = Doorcode(code=code, key_id=row.key_id, granter_id=row.granter_id, day=row.day)
        try:  # a failing request: the database refuses a row, and the error names its parameters
            with foundry.session() as session:
                session.add(duplicate)
        except IntegrityError:
            logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
        else:
            pytest.fail("the duplicate code was stored")
        logging.getLogger("bot.test").warning("guest texted their code %s with header %s", code, f"Bearer {token}")
    text = logged(caplog)
    assert "[parameters: [redacted]]" in text and "Traceback" in text  # the failure itself is still logged
    assert not re.search(rf"\b{code}\b", text)
    assert token not in text and "log-test-secret-value" not in text
