"""A yes answers one plan, in the docked chat of real headless Chromium: an old card's Confirm does nothing after a
newer request, two tabs of one person are two conversations, and the plan card names people and prices."""

from __future__ import annotations

from typing import Any

import pytest
from test_pages import DESKTOP, MANAGER, PHONE, RESIDENT, SIZES, Browser, browser, shot, sign_in

__all__ = ["browser"]  # the fixture, shared with test_pages

GRANT = "give Priya Shah the Resident 3A key from Jan 1 2027 as a resident"
UNLOCK = "unlock the gym for maintenance"


def open_chat(page: Any) -> None:
    if page.locator("#chat-panel").is_hidden():
        page.get_by_role("button", name="Concierge chat").click()


def say(page: Any, text: str) -> None:
    from playwright.sync_api import expect

    before = page.locator(".msg.bot").count()
    page.fill("#message", text)
    page.press("#message", "Enter")
    expect(page.locator(".msg.bot")).to_have_count(before + 1)


@pytest.mark.e2e
def test_an_old_confirm_button_does_nothing_after_a_newer_request(served: str, browser: Browser) -> None:
    from playwright.sync_api import expect

    page = browser.page(DESKTOP)
    sign_in(page, served, MANAGER, "/concierge")
    open_chat(page)
    say(page, GRANT)
    old = page.locator(".chat-plan").nth(0)
    expect(old).to_contain_text("For")
    expect(old).to_contain_text("Priya Shah")  # by name, not only by email
    expect(old).to_contain_text("Fri 1 Jan 2027 00:00")
    say(page, UNLOCK)
    expect(page.locator(".msg.bot").last).to_contain_text("earlier plan")
    new = page.locator(".chat-plan").nth(1)
    expect(old.locator("button.confirm")).to_be_disabled()
    expect(old).to_contain_text("No longer waiting")
    expect(new.locator("button.confirm")).to_be_enabled()
    shot(page, "chat-replaced-plan-desktop")

    # a page that still showed the old button (restored, or raced with the newer request) presses it anyway
    old.locator("button.confirm").evaluate("button => { button.disabled = false; }")
    old.locator("button.confirm").click()
    expect(page.locator(".msg.bot").last).to_contain_text("no longer waiting")
    expect(page.locator(".msg.done")).to_have_count(0)
    expect(new.locator("button.confirm")).to_be_enabled()  # the newer plan still waits for its own answer
    new.locator("button.cancel").click()
    expect(page.locator(".msg.bot").last).to_contain_text("won't")
    say(page, "yes")
    expect(page.locator(".msg.bot").last).to_contain_text("no plan waiting")
    expect(page.locator(".msg.done")).to_have_count(0)
    shot(page, "chat-stale-confirm-desktop")


@pytest.mark.e2e
def test_two_tabs_of_one_person_are_two_conversations(served: str, browser: Browser) -> None:
    from playwright.sync_api import expect

    first = browser.page(DESKTOP)
    sign_in(first, served, MANAGER, "/concierge")
    second = first.context.new_page()  # same browser, same sign-in: another tab
    second.goto(served + "/concierge")
    open_chat(first)
    open_chat(second)
    say(first, GRANT)
    say(second, UNLOCK)
    expect(second.locator(".msg.bot").last).not_to_contain_text("earlier plan")  # nothing of the other tab replaced

    say(first, "yes")
    expect(first.locator(".msg.done")).to_contain_text("Gave Priya Shah Resident 3A")
    expect(first.locator(".msg.done")).not_to_contain_text("nlock")
    expect(second.locator(".chat-plan button.confirm")).to_be_enabled()  # the other tab's plan still waits
    second.locator(".chat-plan button.cancel").click()
    expect(second.locator(".msg.bot").last).to_contain_text("won't")
    expect(second.locator(".msg.done")).to_have_count(0)
    shot(first, "chat-tab-one")
    shot(second, "chat-tab-two")


@pytest.mark.e2e
@pytest.mark.parametrize("size", SIZES)
def test_the_chat_button_covers_nothing_and_the_card_passes_axe(served: str, browser: Browser, size: str) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    page = browser.page(SIZES[size])
    sign_in(page, served, RESIDENT, "/concierge")
    toggle = page.get_by_role("button", name="Concierge chat")
    if size == "phone":
        box = toggle.bounding_box()
        for node in page.locator("main > *").all():
            other = node.bounding_box()
            if other and box:
                apart = box["y"] + box["height"] <= other["y"] or other["y"] + other["height"] <= box["y"]
                assert apart, f"the chat button covers {node.evaluate('n => n.outerHTML.slice(0, 80)')}"
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        shot(page, "chat-button-phone-bottom")
    open_chat(page)
    say(page, "book dog walking tomorrow at 9am")
    card = page.locator(".chat-plan").last
    expect(card).to_contain_text("$25.00")
    expect(card).to_contain_text("Jane Park (you)")
    expect(card).to_contain_text("America/New_York")
    shot(page, f"chat-booking-card-{size}")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    serious = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert PHONE["width"] == 390
