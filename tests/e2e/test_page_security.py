"""The pages under their Content-Security-Policy in real headless Chromium: nothing blocked, nothing fetched from
another host, /docs rendered from the locally served Swagger UI."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest


@pytest.mark.e2e
@pytest.mark.parametrize(("path", "ready"), [("/concierge", "h1"), ("/people", "h1"), ("/concierge/agent", "h1"), ("/docs", ".opblock")])
def test_pages_run_under_their_csp_and_stay_on_this_machine(served: str, page: Any, path: str, ready: str) -> None:
    from playwright.sync_api import expect

    console: list[str] = []
    hosts: set[str] = set()
    page.on("console", lambda message: console.append(message.text))
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    response = page.goto(served + path)
    assert response is not None and "frame-ancestors 'none'" in response.headers["content-security-policy"]
    expect(page.locator(ready).first).to_be_visible()
    assert not [text for text in console if "Content Security Policy" in text or "Refused to" in text], console
    assert hosts <= {urlparse(served).netloc}, hosts
