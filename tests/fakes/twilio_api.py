"""A local fake of Twilio's Messages API: each POST creates a queued message with a new SID."""

from __future__ import annotations

import itertools
from typing import Any

from fakes.http_fake import Call, FakeServer


def fake_twilio() -> FakeServer:
    ids = itertools.count(1)

    def answer(call: Call) -> tuple[int, Any]:
        if call.path.endswith("/Messages.json"):
            form = call.form
            return 201, {"sid": f"SM{next(ids):032d}", "status": "queued", "to": form.get("To"),
                         "from": form.get("From"), "body": form.get("Body"), "account_sid": "ACtest"}
        return 404, {"message": "not found"}

    return FakeServer(answer)
