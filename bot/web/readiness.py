"""Waiting for a started `concierge serve` to answer its health check."""

from __future__ import annotations

import subprocess
import time

import httpx


def wait_until_serving(base: str, server: subprocess.Popen[bytes], seconds: float = 120) -> None:
    """Return once ``GET {base}/health`` answers 200; raise if the server died or never answered."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("concierge serve did not start")
        time.sleep(0.2)
