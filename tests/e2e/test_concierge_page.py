"""The concierge page in real headless Chromium against `concierge serve`: sign in, ask, confirm, see it done."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.mark.e2e
def test_a_manager_signs_in_asks_and_confirms_with_the_button(served: str) -> None:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page()
            page.set_default_timeout(30_000)
            expect.set_options(timeout=30_000)
            page.goto(served + "/concierge")
            page.select_option("#people", "ben.carter@harbor.example")
            page.click("#demo-form button")
            expect(page.locator("#upgrades")).to_contain_text("Submit a Request")
            expect(page.locator("#help")).to_contain_text("People")

            page.fill("#message", "give Priya Shah the Resident 3A key from Jan 1 2027 as a resident")
            page.press("#message", "Enter")
            expect(page.locator(".msg.confirm")).to_contain_text("Give Priya Shah")
            page.click("button.confirm")
            done = page.locator(".msg.done")
            expect(done).to_contain_text("Gave Priya Shah Resident 3A")
            OUTPUT.mkdir(exist_ok=True)
            page.screenshot(path=str(OUTPUT / "concierge-e2e.png"), full_page=True)
        finally:
            browser.close()
