"""A lean HTTP/1.1 keep-alive client for load generation: one connection per worker, a few microseconds a request.

The load generator shares the machine's cores with the server it measures, so it must cost little: a general
client (httpx) spends more CPU per request than the server's own HTTP stack. This one writes a request and reads
one response (status line, headers, a Content-Length or chunked body) on a connection it keeps open.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any
from urllib.parse import urlsplit


class Connection:
    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None or self._writer.is_closing():
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self._reader, self._writer

    async def post(self, path: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """POST ``body`` to ``path``; the status code and the response body."""
        reader, writer = await self._open()
        lines = [f"POST {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in (headers or {"Content-Type": "application/json"}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        status_line = await reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        length, chunked, close = 0, False, False
        while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
        if chunked:
            payload = bytearray()
            while (size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)) > 0:
                payload += await reader.readexactly(size + 2)
                del payload[-2:]
            await reader.readuntil(b"\r\n")
            data = bytes(payload)
        else:
            data = await reader.readexactly(length)
        if close:
            await self.close()
        return status, data

    async def post_json(self, path: str, value: Any) -> tuple[int, Any]:
        status, data = await self.post(path, json.dumps(value).encode())
        return status, json.loads(data) if data else None

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await self._writer.wait_closed()
        self._reader = self._writer = None
