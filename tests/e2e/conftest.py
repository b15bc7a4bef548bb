"""End-to-end fixtures: `concierge serve` in a subprocess on a free local port, over a loaded database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import fixture_file, free_port, stop

from bot.web.readiness import wait_until_serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

ROOT = Path(__file__).resolve().parents[2]
TWILIO_TOKEN = "e2e-twilio-token"
"""The served app checks Twilio's signatures with this token, against PUBLIC_URL = the served base URL."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: end-to-end through a real server (and a real browser)")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """The base URL of `concierge serve` in demo mode over the foundry property."""
    yield from serve(tmp_path)


def serve(tmp_path: Path, **extra_env: str) -> Iterator[str]:
    """`concierge serve` in demo mode over the foundry property, with ``extra_env`` (e.g. TWILIO_API_URL of a fake)."""
    db = f"sqlite:///{tmp_path / 'e2e.db'}"
    concierge = [sys.executable, "-m", "bot.cli"]
    port = free_port()
    env = {
        **os.environ,
        "CONCIERGE_DEMO": "1",
        "CONCIERGE_SECRET": "e2e-secret",
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_ACCOUNT_SID": "AC-e2e",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    for name in ("REDIS_URL", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "DATABASE_URL", "TWILIO_API_URL"):
        env.pop(name, None)
    env.update(extra_env)
    subprocess.run([*concierge, "load", str(fixture_file()), "--db", db], check=True, cwd=ROOT, env=env, capture_output=True)
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [*concierge, "serve", "--host", "127.0.0.1", "--port", str(port), "--db", db],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, server)
        yield base
    finally:
        stop(server)
        log.close()


@pytest.fixture
def page() -> Iterator[Any]:
    """A page of headless Debian Chromium driven by Playwright (30 s timeouts); skipped when Chromium is missing."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            opened = browser.new_page()
            opened.set_default_timeout(30_000)
            expect.set_options(timeout=30_000)
            yield opened
        finally:
            browser.close()
