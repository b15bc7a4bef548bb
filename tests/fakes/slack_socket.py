"""A local fake of Slack's Socket Mode endpoint: says hello, pushes envelopes, records what the app sends back."""

from __future__ import annotations

import json
import queue
import threading
import time
import uuid
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve


class FakeSocketMode:
    """One `ws://127.0.0.1` server; the fake Web API hands out `url` from apps.connections.open."""

    def __init__(self) -> None:
        self.server = serve(self._session, "127.0.0.1", 0, compression=None)
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-socket-mode", daemon=True)
        self.received: queue.Queue[dict[str, Any]] = queue.Queue()
        self.connection: ServerConnection | None = None
        self.connected = threading.Event()
        self.closed = threading.Event()
        self.requests: list[str] = []

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/link/?ticket=fake-ticket"

    def _session(self, connection: ServerConnection) -> None:
        self.requests.append(connection.request.path if connection.request else "")
        self.connection = connection
        connection.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "connection_info": {"app_id": "A1"},
                    "debug_info": {"host": "fake", "approximate_connection_time": 3600},
                }
            )
        )
        self.connected.set()
        try:
            for message in connection:
                self.received.put(json.loads(message))
        except ConnectionClosed:
            pass
        finally:
            self.closed.set()

    def push_event(self, body: dict[str, Any]) -> str:
        """Send an Events API payload as Slack does over the socket; returns its envelope id."""
        envelope_id = str(uuid.uuid4())
        assert self.connection is not None, "the app never connected"
        self.connection.send(
            json.dumps(
                {
                    "envelope_id": envelope_id,
                    "type": "events_api",
                    "accepts_response_payload": False,
                    "retry_attempt": 0,
                    "retry_reason": "",
                    "payload": body,
                }
            )
        )
        return envelope_id

    def ack(self, envelope_id: str, seconds: float = 10) -> dict[str, Any] | None:
        """The app's acknowledgement of one envelope, or None if none came in time."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = self.received.get(timeout=left)
            except queue.Empty:
                return None
            if message.get("envelope_id") == envelope_id:
                return message
        return None

    def __enter__(self) -> FakeSocketMode:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
