"""Load `POST /api/chat` (and Slack's ack) of `concierge serve` from a separate process with an async httpx client.

Loads the demo property into a fresh SQLite file, starts `concierge serve` (demo mode, Slack pointed at a tiny
local fake Web API), drives chat messages from many senders at a fixed concurrency, then signed Slack events.
Prints a summary and, last, one JSON line: chat_rps, chat_p99_ms, slack_ack_p99_ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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

from slack_sdk.signature import SignatureVerifier

from bench.chat import SPEAKERS
from bench.chat import messages as chat_messages
from bench.loadclient import Connection
from bot.web.readiness import wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = next(p for p in (ROOT.parent / "shared" / "fixtures" / "foundry.yaml", ROOT / "demo" / "foundry.yaml") if p.exists())
SECRET = "bench-signing-secret"
FAILURES: list[str] = []
"""The first few failed requests, shown after the figures."""
SLACK_SENDERS = 2
SLACK_PAUSE_S = 0.05
"""Slack events are sent beside the chat load (each sender pausing between events), and their acks timed."""
LIGHT = ["help", "what can you do?", "how do I give someone a keycard?", "what upgrades can we get?", "thanks"]


def _mix(kind: str) -> list[tuple[str, str]]:
    """(sender, message) pairs: the chat benchmark's mixed conversation, or only light questions."""
    if kind == "light":
        senders = list(SPEAKERS)
        return [(senders[i % len(senders)], LIGHT[i % len(LIGHT)]) for i in range(len(senders) * len(LIGHT))]
    return chat_messages(500)


class _FakeSlack(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # http.server's naming
        self.rfile.read(int(self.headers.get("content-length") or 0))
        body = json.dumps(
            {
                "ok": True,
                "user_id": "UBOT",
                "bot_id": "BBOT",
                "team_id": "T1",
                "ts": "1.0",
                "user": {"id": "U1", "profile": {"email": next(iter(SPEAKERS))}},
            }
        ).encode()
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


def _tree(pid: int) -> list[int]:
    """The process and all its descendants (from /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):
                todo.extend(int(child) for child in (task / "children").read_text().split())
    return found


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process tree so far, in seconds (0 where /proc is unavailable)."""
    ticks = 0
    for member in _tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def _drive(concurrency: int, count: int, send) -> tuple[list[float], float, int]:  # type: ignore[no-untyped-def]
    """``count`` calls of ``send(worker, i)`` from ``concurrency`` workers; latencies (ms), elapsed (s), errors."""
    latencies: list[float] = []
    errors = 0
    counter = itertools.count()

    async def worker(number: int) -> None:
        nonlocal errors
        while (i := next(counter)) < count:
            started = time.perf_counter()
            ok = await send(number, i)
            latencies.append((time.perf_counter() - started) * 1000)
            errors += 0 if ok else 1

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return latencies, time.perf_counter() - started, errors


async def _bench(base: str, concurrency: int, count: int, mix: list[tuple[str, str]], server_pid: int) -> dict[str, float]:
    chat_connections = [Connection(base) for _ in range(concurrency)]
    slack_connections = [Connection(base) for _ in range(SLACK_SENDERS)]

    async def chat(worker: int, i: int) -> bool:
        sender, message = mix[i % len(mix)]
        status, answer = await chat_connections[worker].post_json("/api/chat", {"message": message, "as": sender})
        # an answer the dialogue could not give (an exception caught in the turn) counts as an error too
        ok = status == 200 and "status" in answer and not str(answer.get("reply", "")).startswith("Something went wrong")
        if not ok and len(FAILURES) < 5:
            FAILURES.append(f"{status} {sender}: {message!r} -> {str(answer)[:300]}")
        return ok

    verifier = SignatureVerifier(SECRET)

    async def slack(worker: int, i: int) -> bool:
        body = json.dumps(
            {
                "type": "event_callback",
                "team_id": "T1",
                "event_id": f"EvBench{i}-{time.time_ns()}",
                "event": {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": "help", "ts": "1.0"},
            }
        )
        ts = str(int(time.time()))
        headers = {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": verifier.generate_signature(timestamp=ts, body=body),
            "Content-Type": "application/json",
        }
        status, _ = await slack_connections[worker].post("/slack/events", body.encode(), headers)
        await asyncio.sleep(SLACK_PAUSE_S)
        return status == 200

    await _drive(concurrency, concurrency * 4, chat)
    server_cpu, client_cpu = cpu_seconds(server_pid), time.process_time()
    slack_run = asyncio.ensure_future(_drive(SLACK_SENDERS, max(40, count // 15), slack))
    chat_ms, elapsed, chat_errors = await _drive(concurrency, count, chat)
    server_cpu, client_cpu = cpu_seconds(server_pid) - server_cpu, time.process_time() - client_cpu
    slack_ms, _, slack_errors = await slack_run
    for connection in chat_connections + slack_connections:
        await connection.close()
    return {
        "chat_rps": round(len(chat_ms) / elapsed, 1),
        "chat_p50_ms": round(_p(chat_ms, 0.5), 2),
        "chat_p99_ms": round(_p(chat_ms, 0.99), 2),
        "slack_ack_p99_ms": round(_p(slack_ms, 0.99), 2),
        "errors": chat_errors + slack_errors,
        "requests": len(chat_ms),
        "server_cpu_ms_per_msg": round(server_cpu * 1000 / len(chat_ms), 2),
        "client_cpu_ms_per_msg": round(client_cpu * 1000 / len(chat_ms), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="A short run (fewer requests).")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="uvicorn workers.")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--db", help="Database URL (default: a fresh SQLite file); PostgreSQL for the production path.")
    parser.add_argument("--redis", help="REDIS_URL for conversation state shared by the workers (default: in process).")
    parser.add_argument(
        "--mix",
        choices=("full", "light"),
        default="full",
        help="full: the chat benchmark's conversation mix (plans, questions, activity); light: help and thanks.",
    )
    args = parser.parse_args()
    count = 600 if args.quick else 6000
    fake = ThreadingHTTPServer(("127.0.0.1", 0), _FakeSlack)
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    from bot.web.ratelimit import BUDGETS

    unlimited = [setting for setting, _ in BUDGETS.values()]
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        env = {
            **os.environ,
            "CONCIERGE_DEMO": "1",
            "CONCIERGE_SECRET": "bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_API_URL": f"http://127.0.0.1:{fake.server_address[1]}/api/",
        }
        env.update(dict.fromkeys(unlimited, "off"))  # the benchmark measures throughput, not the per-person limits
        env.pop("SLACK_APP_TOKEN", None)
        env.pop("REDIS_URL", None)
        if args.redis:
            env["REDIS_URL"] = args.redis
        concierge = [sys.executable, "-m", "bot.cli"]
        subprocess.run([*concierge, "load", str(FIXTURE), "--db", db], check=True, cwd=ROOT, env=env, capture_output=True)
        port = _free_port()
        server = subprocess.Popen([*concierge, "serve", "--port", str(port), "--db", db, "--workers", str(args.workers)], cwd=ROOT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(base, server)
            result = asyncio.run(_bench(base, args.concurrency, count, _mix(args.mix), server.pid))
        finally:
            server.terminate()
            server.wait(timeout=20)
            fake.shutdown()
    print(
        f"chat: {result['chat_rps']} msg/s, p50 {result['chat_p50_ms']} ms, p99 {result['chat_p99_ms']} ms "
        f"({result['requests']} requests, {args.mix} mix, {'PostgreSQL' if args.db and 'postgres' in args.db else 'SQLite'}"
        f"{' + Redis' if args.redis else ''}, {args.workers} workers, concurrency {args.concurrency}); "
        f"slack ack p99 {result['slack_ack_p99_ms']} ms; errors {result['errors']}; CPU per message: "
        f"server {result['server_cpu_ms_per_msg']} ms, load client {result['client_cpu_ms_per_msg']} ms"
    )
    for failure in FAILURES:
        print("failed:", failure, file=sys.stderr)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
