"""Helpers of the end-to-end tests: the property file they load and a free local port."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def fixture_file() -> Path:
    shared = ROOT.parent / "shared" / "fixtures" / "foundry.yaml"
    return shared if shared.exists() else ROOT / "demo" / "foundry.yaml"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(server: subprocess.Popen[bytes], seconds: float = 20) -> None:
    """SIGTERM a started `concierge serve`, then SIGKILL it if it has not exited after ``seconds``."""
    server.terminate()
    try:
        server.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
