"""A local fake of Twilio's Messages API (each POST creates a queued message with a new SID) and call updates."""

from __future__ import annotations

import itertools
from typing import Any

from fakes.http_fake import Call, FakeServer


def fake_twilio() -> FakeServer:
    ids = itertools.count(1)

    def answer(call: Call) -> tuple[int, Any]:
        if call.path.endswith("/Messages.json"):
            form = call.form
            return 201, {
                "sid": f"SM{next(ids):032d}",
                "status": "queued",
                "to": form.get("To"),
                "from": form.get("From"),
                "body": form.get("Body"),
                "account_sid": "ACtest",
            }
        if "/Calls/" in call.path and call.path.endswith(".json"):
            sid = call.path.rsplit("/", 1)[-1].removesuffix(".json")
            return 200, {"sid": sid, "status": "in-progress", "account_sid": "ACtest", "twiml": call.form.get("Twiml")}
        return 404, {"message": "not found"}

    return FakeServer(answer)
