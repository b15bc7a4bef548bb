"""Mission Control's pages in real headless Chromium against `concierge serve`, on a desktop and a 390x844 phone.

Every request the browser makes is routed: one to any host but 127.0.0.1 fails the test. Screenshots go to
build/screenshots/ (ignored by git).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SIZES = {"desktop": DESKTOP, "phone": PHONE}
MANAGER, RESIDENT = "ben.carter@harbor.example", "jane.park@example.com"
ROLE_PAGES = {
    MANAGER: ["/people", "/people/import", "/keys", "/keys/1", "/doors", "/activity", "/managers", "/keycards", "/schedules", "/concierge"],
    RESIDENT: ["/keys", "/activity", "/concierge"],
    "eli.novak@installers.example": ["/devices", "/doors", "/managers", "/concierge"],
    "ana.lopez@harbor.example": ["/devices", "/managers"],
    "kim.tran@callcenter.example": ["/concierge", "/concierge/agent"],
}


class Browser:
    """One Chromium for a test; pages that record every host they try to reach."""

    def __init__(self, playwright: Any) -> None:
        self.chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        self.elsewhere: list[str] = []

    def page(self, size: dict[str, int]) -> Any:
        context = self.chromium.new_context(viewport=size)
        context.route("**/*", self._only_local)
        opened = context.new_page()
        opened.set_default_timeout(30_000)
        return opened

    def _only_local(self, route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname != "127.0.0.1":
            self.elsewhere.append(url)
            route.abort()
        else:
            route.continue_()


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        opened = Browser(playwright)
        try:
            yield opened
        finally:
            opened.chromium.close()
        assert opened.elsewhere == [], f"requests left the machine: {opened.elsewhere}"


def sign_in(page: Any, served: str, who: str, path: str = "/") -> None:
    page.goto(served + path)
    page.select_option("#people", who)
    page.click("#demo-form button")
    page.wait_for_load_state()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def confirm(page: Any, label: str) -> None:
    """Press the Confirm button named for the plan, then the change is reported."""
    from playwright.sync_api import expect

    expect(page.locator("#plan")).to_be_focused()
    page.get_by_role("button", name=label).click()
    expect(page.locator("#flash")).to_be_focused()


def close_chat(page: Any) -> None:
    if page.locator("#chat-panel").is_visible():
        page.click("#chat-close")


@pytest.mark.e2e
@pytest.mark.parametrize("size", SIZES)
def test_a_manager_invites_gives_revokes_edits_a_schedule_imports_and_searches(
    served: str, browser: Browser, size: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page = browser.page(SIZES[size])
    sign_in(page, served, MANAGER)
    expect(page).to_have_url(served + "/people")
    expect(page.locator("main h1")).to_be_focused()
    close_chat(page)

    page.fill("#invite-name", "Nora Quinn")
    page.fill("#invite-email", "nora.quinn@example.com")
    page.click("button:has-text('Invite')")
    expect(page.locator("#plan")).to_contain_text("Invite Nora Quinn")
    shot(page, f"people-plan-{size}")
    confirm(page, "Confirm: invite Nora Quinn")
    expect(page.locator("#flash")).to_contain_text("Invited Nora Quinn")
    page.fill("#q", "nora")
    page.click("form[role=search] button")
    expect(page.locator("table")).to_contain_text("nora.quinn@example.com")

    page.goto(served + "/keys")
    page.click("a:has-text('Resident 3A')")
    page.fill("#give-person", "priya.shah@example.com")
    page.check("input[name=resident][value=yes]")
    page.click("button:has-text('Give key')")
    expect(page.locator("#plan")).to_contain_text("Give Priya Shah Resident 3A")
    confirm(page, "Confirm: give Priya Shah Resident 3A")
    expect(page.locator("#flash")).to_contain_text("Gave Priya Shah Resident 3A")
    page.get_by_role("button", name="Revoke from Priya Shah").click()
    confirm(page, "Confirm: revoke Resident 3A from Priya Shah")
    expect(page.locator("#flash")).to_contain_text("Priya Shah")
    expect(page.get_by_role("button", name="Revoke from Priya Shah")).to_have_count(0)

    page.goto(served + "/schedules")
    field = page.get_by_label("Schedule of Gym in Amenities Key")
    field.fill("mon-fri 7:00-21:00")
    field.press("Enter")
    expect(page.locator("#plan")).to_contain_text("Mon-Fri 07:00-21:00")
    confirm(page, "Confirm: set Gym in Amenities Key to Mon-Fri 07:00-21:00")
    expect(page.get_by_label("Schedule of Gym in Amenities Key")).to_have_value("Mon-Fri 07:00-21:00")

    csv = tmp_path / "movers.csv"
    csv.write_text(
        "name,email,phone,starts,ends,resident,may_share\n"
        "Ivy Chen,ivy.chen@example.com,,2027-01-01,,no,no\nLeo Grant,leo.grant@example.com,,2027-01-01,,no,no\n"
    )
    page.goto(served + "/people/import")
    page.fill("#import-key", "Common Door Key")
    page.set_input_files("#import-file", str(csv))
    page.click("button:has-text('Check the file')")
    expect(page.locator("#plan")).to_contain_text("Import 2 people onto Common Door Key")
    confirm(page, "Confirm: import 2 people onto Common Door Key")
    expect(page.locator("#flash")).to_contain_text("Imported 2 people")

    page.goto(served + "/activity")
    page.fill("#f-door", "Unit 4B")
    page.fill("#f-person", "rosa")
    page.click("button:has-text('Search activity')")
    expect(page).to_have_url(re.compile(r"/activity\?door=Unit(\+|%20)4B&person=rosa"))  # htmx kept the URL
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Rosa Diaz")
    page.fill("#f-person", "omar")
    page.click("button:has-text('Search activity')")
    expect(rows.first).to_contain_text("No events match.")  # a resident's entries at their own door stay private
    shot(page, f"activity-{size}")


@pytest.mark.e2e
@pytest.mark.parametrize("size", SIZES)
def test_a_resident_shares_a_guest_pass_and_books_an_amenity(served: str, browser: Browser, size: str) -> None:
    from playwright.sync_api import expect

    page = browser.page(SIZES[size])
    sign_in(page, served, RESIDENT)
    expect(page).to_have_url(served + "/concierge")
    nav = page.get_by_role("navigation", name="Sections")
    expect(nav).not_to_contain_text("People")
    expect(page.get_by_role("button", name=re.compile("Submit a Request"))).to_have_count(0)
    expect(page.locator("main")).to_contain_text("$25.00 per 30-minute walk")
    close_chat(page)

    day = (date.today() + timedelta(days=8)).isoformat()
    page.fill("[name=starts] >> nth=0", f"{day}T10:00")
    page.fill("[name=ends] >> nth=0", f"{day}T12:00")
    page.get_by_role("button", name="Book Roof Deck").click()
    expect(page.locator("#plan")).to_contain_text("Book Roof Deck")
    confirm(page, "Confirm: book Roof Deck")
    expect(page.locator("#flash")).to_contain_text("Roof Deck")

    page.goto(served + "/keys")
    page.click("a:has-text('Resident 4B')")
    page.fill("#share-guest", "+17185550123")
    page.fill("#share-starts", f"{day}T12:00")
    page.fill("#share-ends", f"{day}T18:00")
    page.click("button:has-text('Share guest pass')")
    expect(page.locator("#plan")).to_contain_text("Share Resident 4B with +17185550123")
    shot(page, f"share-plan-{size}")
    confirm(page, "Confirm: share Resident 4B with +17185550123")
    expect(page.locator("#flash")).to_contain_text("Shared Resident 4B")

    page.goto(served + "/activity")
    expect(page.locator("#results tbody")).not_to_contain_text("Omar Haddad")  # a resident's own entries stay private
    shot(page, f"resident-activity-{size}")


@pytest.mark.e2e
@pytest.mark.parametrize("size", SIZES)
def test_the_docked_chat_plans_a_change_as_a_card_and_stays_open_across_pages(served: str, browser: Browser, size: str) -> None:
    from playwright.sync_api import expect

    page = browser.page(SIZES[size])
    sign_in(page, served, MANAGER)
    if size == "phone":  # closed at first on a phone, so the page is not covered
        expect(page.locator("#chat-panel")).to_be_hidden()
        page.get_by_role("button", name="Concierge chat").click()
        expect(page.locator("#message")).to_be_focused()
    expect(page.locator("#chat-panel")).to_be_visible()
    log = page.get_by_role("log")
    expect(log).to_have_attribute("aria-live", "polite")
    page.fill("#message", "give Priya Shah the Resident 3A key from Jan 1 2027 as a resident")
    page.press("#message", "Enter")
    card = page.locator(".chat-plan")
    expect(card).to_contain_text("Fri 1 Jan 2027 00:00")
    expect(card).to_contain_text("America/New_York")
    shot(page, f"chat-plan-{size}")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    card.get_by_role("button", name="Confirm: give Priya Shah the key Resident 3A").click()
    expect(page.locator(".msg.done")).to_contain_text("Gave Priya Shah Resident 3A")
    expect(page.locator(".msg.done")).to_be_focused()
    expect(page.locator(".msg.you").first).to_contain_text("You")

    page.get_by_role("link", name="Keys").click()
    expect(page.locator("#chat-panel")).to_be_visible()
    expect(page.locator(".msg.done")).to_contain_text("Gave Priya Shah Resident 3A")
    page.click("#chat-close")
    page.reload()
    expect(page.locator("#chat-panel")).to_be_hidden()
    expect(page.get_by_role("button", name="Concierge chat")).to_be_visible()


@pytest.mark.e2e
def test_every_page_passes_axe_and_fits_a_phone(served: str, browser: Browser) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems: list[str] = []
    for who, paths in ROLE_PAGES.items():
        for size, viewport in SIZES.items():
            page = browser.page(viewport)
            sign_in(page, served, who)
            for path in paths:
                page.goto(served + path)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > viewport["width"]:
                    problems.append(f"{who} {path} {size}: {width} px wide")
                for violation in axe.run(page).response["violations"]:
                    if violation["impact"] in ("serious", "critical"):
                        nodes = [n["target"] for n in violation["nodes"][:3]]
                        problems.append(f"{who} {path} {size}: {violation['id']} ({violation['impact']}) {nodes}")
                if who in (MANAGER, RESIDENT):
                    shot(page, f"{who.split('@')[0]}{path.replace('/', '-')}-{size}")
            page.context.close()
    page = browser.page(PHONE)
    page.goto(served + "/signin")
    if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
        problems.append("/signin is wider than a phone")
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            problems.append(f"/signin: {violation['id']}")
    assert problems == [], "\n".join(problems)
