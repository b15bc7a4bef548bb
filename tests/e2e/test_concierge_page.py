"""The concierge page in real headless Chromium against `concierge serve`: sign in, ask, confirm, see it done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.mark.e2e
def test_a_manager_signs_in_asks_and_confirms_with_the_button(served: str, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(served + "/concierge")
    expect(page).to_have_url(served + "/signin?next=/concierge")
    page.select_option("#people", "ben.carter@harbor.example")
    page.click("#demo-form button")
    expect(page).to_have_url(served + "/concierge")
    expect(page.locator("#upgrades")).to_contain_text("Submit a Request")
    expect(page.locator("main")).to_contain_text("People")

    if page.locator("#chat-panel").is_hidden():
        page.get_by_role("button", name="Concierge chat").click()
    page.fill("#message", "give Priya Shah the Resident 3A key from Jan 1 2027 as a resident")
    page.press("#message", "Enter")
    card = page.locator(".chat-plan")
    expect(card).to_contain_text("Priya Shah")
    card.locator("button.confirm").click()
    expect(page.locator(".msg.done")).to_contain_text("Gave Priya Shah Resident 3A")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "concierge-e2e.png"), full_page=True)


@pytest.mark.e2e
def test_a_wrong_token_is_refused_in_words(served: str, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(served + "/concierge")
    page.fill("#token", "not-a-token")
    page.click("#token-form button")
    expect(page.locator("#signin-error")).to_contain_text("unknown person or token")
    expect(page.locator("#chat")).to_have_count(0)
    page.goto(served + "/concierge")
    expect(page).to_have_url(served + "/signin?next=/concierge")
