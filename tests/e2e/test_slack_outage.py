"""`concierge serve` with Slack's API unreachable, or with a signing secret and no token: it starts, answers web chat,
SMS and voice, shows Slack's state on /health, and says what is missing in one log line (no traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from e2e_support import ROOT, fixture_file, free_port, stop
from twilio.request_validator import RequestValidator

from bot.web.readiness import wait_until_serving

TWILIO = "e2e-outage-token"


def serve(tmp_path: Path, slack: dict[str, str]) -> Iterator[tuple[str, Path]]:
    db = f"sqlite:///{tmp_path / 'outage.db'}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "CONCIERGE_DEMO": "1", "TWILIO_AUTH_TOKEN": TWILIO, "TWILIO_ACCOUNT_SID": "AC-e2e", "PUBLIC_URL": base, **slack}
    for name in ("REDIS_URL", "DATABASE_URL", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        env.pop(name, None)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL"):
        if name not in slack:
            env.pop(name, None)
    concierge = [sys.executable, "-m", "bot.cli"]
    subprocess.run([*concierge, "load", str(fixture_file()), "--db", db], check=True, cwd=ROOT, env=env, capture_output=True)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*concierge, "serve", "--port", str(port), "--db", db], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            wait_until_serving(base, server, seconds=60)
            yield base, log
        finally:
            stop(server)


def twilio(base: str, path: str, form: dict[str, str]) -> int:
    signature = RequestValidator(TWILIO).compute_signature(base + path, form)
    return httpx.post(base + path, data=form, headers={"X-Twilio-Signature": signature}, timeout=30).status_code


@pytest.mark.e2e
def test_serve_with_slack_unreachable_answers_every_other_channel(tmp_path: Path) -> None:
    slack = {"SLACK_BOT_TOKEN": "xoxb-e2e", "SLACK_SIGNING_SECRET": "e2e-secret", "SLACK_API_URL": "http://127.0.0.1:9/api/"}
    for base, _log in serve(tmp_path, slack):
        chat = httpx.post(base + "/api/chat", json={"message": "help", "as": "jane.park@example.com"}, timeout=60)
        assert chat.status_code == 200 and chat.json()["status"] == "answer"
        assert twilio(base, "/twilio/sms", {"From": "+17185550142", "Body": "help", "MessageSid": "SM-e2e"}) == 200
        assert twilio(base, "/twilio/voice/intercom?serial=I-5001", {"CallSid": "CA-e2e", "From": "+15005550006"}) == 200
        channels = httpx.get(base + "/health", timeout=10).json()["channels"]
        assert channels["slack"]["state"] in ("starting", "down") and channels["web"]["state"] == "up"


@pytest.mark.e2e
def test_serve_with_a_secret_and_no_token_names_the_missing_setting(tmp_path: Path) -> None:
    for base, log in serve(tmp_path, {"SLACK_SIGNING_SECRET": "e2e-secret"}):
        assert httpx.get(base + "/health", timeout=10).json()["channels"]["slack"]["state"] == "misconfigured"
        text = log.read_text()
        assert text.count("SLACK_BOT_TOKEN") == 1 and "Traceback" not in text, text[-2000:]
