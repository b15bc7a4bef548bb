"""A threaded HTTP server on 127.0.0.1 that records every request and answers from a handler function."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode()))

    @property
    def json(self) -> Any:
        return json.loads(self.body or b"{}")

    @property
    def params(self) -> dict[str, Any]:
        """The arguments whatever the encoding (Slack's Web API takes forms and JSON alike)."""
        if self.headers.get("content-type", "").startswith("application/json"):
            return dict(self.json)
        return self.form


Answer = Callable[[Call], tuple[int, Any]]


@dataclass
class FakeServer:
    answer: Answer
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's naming
                length = int(self.headers.get("content-length") or 0)
                call = Call("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
                fake.calls.append(call)
                status, payload = fake.answer(call)
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def named(self, fragment: str) -> list[Call]:
        return [c for c in self.calls if fragment in c.path]
