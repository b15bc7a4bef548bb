"""Load `POST /api/chat` (and Slack's ack) of `concierge serve` from a separate process with an async httpx client.

Loads the demo property into a fresh SQLite file, starts `concierge serve` (demo mode, Slack pointed at a tiny
local fake Web API), drives chat messages from many senders at a fixed concurrency, then signed Slack events.
Prints a summary and, last, one JSON line: chat_rps, chat_p99_ms, slack_ack_p99_ms.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from slack_sdk.signature import SignatureVerifier

from bot.web.readiness import wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = next(p for p in (ROOT.parent / "shared" / "fixtures" / "foundry.yaml", ROOT / "demo" / "foundry.yaml") if p.exists())
SECRET = "bench-signing-secret"
SENDERS = ["ben.carter@harbor.example", "ana.lopez@harbor.example", "jane.park@example.com", "+17185550190",
           "carla.diaz@harbor.example", "sam.okafor@example.com", "omar.haddad@example.com", "kim.tran@callcenter.example"]
MESSAGES = ["help", "what can you do?", "how do I give someone a keycard?", "what upgrades can we get?", "thanks"]


class _FakeSlack(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("content-length") or 0))
        body = json.dumps({"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "ts": "1.0",
                           "user": {"id": "U1", "profile": {"email": SENDERS[0]}}}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def _drive(concurrency: int, count: int, send) -> tuple[list[float], float, int]:  # type: ignore[no-untyped-def]
    latencies: list[float] = []
    errors = 0
    counter = itertools.count()

    async def worker() -> None:
        nonlocal errors
        while (i := next(counter)) < count:
            started = time.perf_counter()
            ok = await send(i)
            latencies.append((time.perf_counter() - started) * 1000)
            errors += 0 if ok else 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started, errors


async def _bench(base: str, concurrency: int, count: int) -> dict[str, float]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        async def chat(i: int) -> bool:
            sender = f"{SENDERS[i % len(SENDERS)]}"
            response = await client.post("/api/chat", json={"message": MESSAGES[i % len(MESSAGES)], "as": sender})
            return response.status_code == 200 and "status" in response.json()

        await _drive(concurrency, concurrency * 4, chat)
        chat_ms, elapsed, chat_errors = await _drive(concurrency, count, chat)
        verifier = SignatureVerifier(SECRET)

        async def slack(i: int) -> bool:
            body = json.dumps({"type": "event_callback", "team_id": "T1", "event_id": f"EvBench{i}-{time.time_ns()}",
                               "event": {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1",
                                         "text": "help", "ts": "1.0"}})
            ts = str(int(time.time()))
            headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": verifier.generate_signature(timestamp=ts, body=body),
                       "Content-Type": "application/json"}
            return (await client.post("/slack/events", content=body, headers=headers)).status_code == 200

        slack_ms, _, slack_errors = await _drive(min(concurrency, 16), max(50, count // 10), slack)
    return {"chat_rps": round(len(chat_ms) / elapsed, 1), "chat_p50_ms": round(_p(chat_ms, 0.5), 2),
            "chat_p99_ms": round(_p(chat_ms, 0.99), 2), "slack_ack_p99_ms": round(_p(slack_ms, 0.99), 2),
            "errors": chat_errors + slack_errors, "requests": len(chat_ms)}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="A short run (fewer requests).")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="uvicorn workers.")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    count = 600 if args.quick else 6000
    fake = ThreadingHTTPServer(("127.0.0.1", 0), _FakeSlack)
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{Path(tmp) / 'bench.db'}"
        env = {**os.environ, "CONCIERGE_DEMO": "1", "CONCIERGE_SECRET": "bench", "SLACK_SIGNING_SECRET": SECRET,
               "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_API_URL": f"http://127.0.0.1:{fake.server_address[1]}/api/"}
        env.pop("SLACK_APP_TOKEN", None)
        concierge = [sys.executable, "-m", "bot.cli"]
        subprocess.run([*concierge, "load", str(FIXTURE), "--db", db], check=True, cwd=ROOT, env=env, capture_output=True)
        port = _free_port()
        server = subprocess.Popen([*concierge, "serve", "--port", str(port), "--db", db, "--workers", str(args.workers)],
                                  cwd=ROOT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(base, server)
            result = asyncio.run(_bench(base, args.concurrency, count))
        finally:
            server.terminate()
            server.wait(timeout=20)
            fake.shutdown()
    print(f"chat: {result['chat_rps']} msg/s, p50 {result['chat_p50_ms']} ms, p99 {result['chat_p99_ms']} ms "
          f"({result['requests']} requests, {args.workers} workers, concurrency {args.concurrency}); "
          f"slack ack p99 {result['slack_ack_p99_ms']} ms; errors {result['errors']}")
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
