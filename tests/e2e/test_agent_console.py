"""The Concierge Pro agent console in real headless Chromium, on a desktop and a 390x844 phone: a courier's
intercom call arrives live, is answered, the resident is rung (a failure first), the courier let in, the call
resolved and found in the history; nothing the agent types is lost to an update."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from conftest import serve
from test_pages import SIZES, Browser, shot, sign_in
from test_pages import browser as browser  # the fixture
from twilio.request_validator import RequestValidator

from tests.fakes.http_fake import Call, FakeServer

TOKEN = "e2e-twilio-token"  # tests/e2e/conftest.py's TWILIO_TOKEN
AGENT, JANE = "kim.tran@callcenter.example", "jane.park@example.com"


def twilio(base: str, path: str, form: dict[str, str]) -> httpx.Response:
    signature = RequestValidator(TOKEN).compute_signature(base + path, form)
    return httpx.post(base + path, data=form, headers={"X-Twilio-Signature": signature}, timeout=30)


def courier(base: str, sid: str, said: str, caller: str) -> None:
    greeting = twilio(
        base, "/twilio/voice/intercom?serial=I-5001", {"CallSid": sid, "From": caller, "To": "+15005550001", "CallStatus": "ringing"}
    )
    assert greeting.status_code == 200 and "<Gather" in greeting.text, greeting.text
    assert twilio(base, "/twilio/voice/intercom/gather", {"CallSid": sid, "SpeechResult": said}).status_code == 200


@pytest.fixture
def twilio_api() -> Iterator[FakeServer]:
    """Twilio's REST API on 127.0.0.1: the first redirect of a call fails (Twilio down), the next ones succeed."""

    def answer(call: Call) -> tuple[int, Any]:
        if len(fake.named("/Calls/")) == 1:
            return 503, {"code": 20503, "message": "Service unavailable", "status": 503}
        return 200, {"sid": call.path.rsplit("/", 1)[-1].removesuffix(".json"), "status": "in-progress"}

    fake = FakeServer(answer)
    with fake:
        yield fake


@pytest.fixture
def served_calls(tmp_path: Path, twilio_api: FakeServer) -> Iterator[str]:
    yield from serve(tmp_path, TWILIO_API_URL=twilio_api.url)


@pytest.mark.e2e
@pytest.mark.parametrize("size", SIZES)
def test_an_agent_handles_a_courier_call_end_to_end(served_calls: str, browser: Browser, twilio_api: FakeServer, size: str) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    served, viewport = served_calls, SIZES[size]
    page = browser.page(viewport)
    sign_in(page, served, AGENT, "/concierge/agent")
    expect(page.get_by_role("heading", name="Calls", level=1)).to_be_visible()
    expect(page.locator("#no-calls")).to_be_visible()
    page.evaluate("window.notReloaded = true")

    courier(served, "CA-e2e-1", "I have a delivery for Jane Park", "+12125550100")
    call = page.locator("#calls .call").filter(has_text="Delivery for Jane Park")
    expect(call).to_contain_text("queued")  # pushed by the server: no reload, no polling
    expect(page.locator("#no-calls")).to_be_hidden()
    expect(call.locator("img")).to_have_attribute("src", "/api/agent/calls/1/snapshot")
    call.get_by_role("button", name="Answer call #1").click()
    expect(call).to_contain_text("answered")
    resident = call.get_by_label("Resident to ring")
    expect(resident).to_have_value(JANE)  # the resident the courier named, pre-selected

    note = call.get_by_label("Note for the call summary")
    note.click()
    note.press_sequentially("Parcel for 4B, ")
    courier(served, "CA-e2e-2", "delivery", "+12125550111")  # another call arrives while the agent types
    expect(page.locator("#calls .call")).to_have_count(2)
    expect(note).to_be_focused()
    expect(note).to_have_value("Parcel for 4B, ")
    note.press_sequentially("left in the package room")

    call.get_by_role("button", name="Ring resident").click()
    expect(page.locator("#status")).to_contain_text("Failed: Could not ring Jane Park")
    failed = call.locator(".call-log li.failed")
    expect(failed).to_contain_text("Ringing Jane Park FAILED")
    expect(note).to_have_value("Parcel for 4B, left in the package room")
    call.get_by_role("button", name="Ring resident").click()
    expect(page.locator("#status")).to_contain_text("Ringing Jane Park")
    expect(call.locator(".call-log")).to_contain_text("Rang Jane Park by Kim Tran")
    assert len(twilio_api.named("/Calls/CA-e2e-1.json")) == 2

    call.get_by_role("button", name="Unlock Package Room").click()
    expect(call.locator(".call-log")).to_contain_text("Unlocked Package Room by Kim Tran")
    rang = call.locator(".call-log time").first.inner_text()
    assert rang[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun") and ":" in rang and "," not in rang
    here = datetime.now(ZoneInfo("America/New_York"))  # the property's zone, not the browser's (UTC here)
    assert any(f" {(here - timedelta(hours=h)):%H}:" in rang for h in (0, 1)), rang
    shot(page, f"agent-console-call-{size}")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    problems = [
        f"{v['id']} ({v['impact']}) {[n['target'] for n in v['nodes'][:3]]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert problems == []

    call.get_by_role("button", name="Resolve call #1").click()
    expect(page.locator("#status")).to_contain_text("Call #1 resolved")
    expect(call).to_have_count(0)
    ended = page.locator("#history .ended-call").filter(has_text="Call #1")
    expect(ended).to_contain_text("resolved")
    expect(ended).to_contain_text("Parcel for 4B, left in the package room")
    expect(ended).to_contain_text("Delivery for Jane Park")
    assert page.evaluate("window.notReloaded") is True
    shot(page, f"agent-console-history-{size}")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.reload()  # the history is the server's, not the page's memory
    expect(page.locator("#history .ended-call").filter(has_text="Call #1")).to_contain_text("Parcel for 4B")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(served + "/signin")
    assert httpx.get(served + "/api/agent/events", timeout=10).status_code == 401


@pytest.mark.e2e
def test_the_live_feed_is_an_event_stream_for_call_answerers_only(served: str) -> None:
    with httpx.Client(base_url=served, timeout=10) as client:
        assert client.get("/api/agent/events").status_code == 401
        jane = client.post("/api/session", json={"as": JANE}).json()
        assert client.get("/api/agent/events").status_code == 403  # a resident answers no calls
        client.post("/api/session", json={"as": AGENT}, headers={"x-csrf-token": jane["csrf"]})
        with client.stream("GET", "/api/agent/events") as feed:
            assert feed.headers["content-type"].startswith("text/event-stream")
            lines = feed.iter_lines()
            assert next(lines) == "event: calls"
            assert next(lines).startswith('data: {"calls": [], "history": []')
