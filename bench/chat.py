"""Per-message latency of `concierge chat --json --dry-run`, from a separate process.

Loads the demo property into a fresh SQLite file, starts the chat command once, times the
first answer (cold start), warms up, then sends a mix of messages one at a time and times
each answer. Prints p50/p99 and, last, one JSON line: p50_ms, p99_ms, cold_start_s.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "demo" / "foundry.yaml"
NOW = "2026-12-01T10:00:00-05:00"

SPEAKERS = {
    "ben.carter@harbor.example": [
        "give unit 3A's new tenant priya.shah@example.com access from Jan 1",
        "Add Lucia Romero to the Maintenance Key until the end of December",
        "revoke Omar Haddad's access to unit 4B",
        "who has access to unit 4B right now?",
        "why can't Sam get into unit 1A?",
        "the gym in the amenities key should only open 9am to 5pm every day",
        "make a new key called Pool Key with the gym and the roof deck, not shareable",
        "what upgrades can we get for the building?",
        "who came in yesterday?",
        "how do I give someone a keycard?",
        "give Priya Shah the Resident 3B key",
        "issue keycard KC-00099 to Omar Haddad",
        "what features are we not using?",
    ],
    "+17185550142": [
        "send my dog walker a code for my apartment for tomorrow",
        "what activity was there at my door yesterday?",
        "share my apartment with +12125550123 this saturday 2-6pm",
        "book dog walking tomorrow at 3pm",
        "thanks!",
        "hi",
    ],
    "lucia.romero@example.com": ["book the roof deck for Saturday 6 to 8pm", "what amenities are there?"],
    "kim.tran@callcenter.example": ["let the courier into the package room", "unlock unit 4B for the courier"],
    "eli.novak@installers.example": ["which locks have low battery?", "status of the garage gate"],
}


def messages(count: int, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    pool = [(who, text) for who, texts in SPEAKERS.items() for text in texts]
    return [rng.choice(pool) for _ in range(count)]


class Chat:
    def __init__(self, db: str) -> None:
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "concierge"), "chat", "--json", "--dry-run", "--db", db],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def send(self, line: str, *, answer: bool = True) -> float:
        assert self.proc.stdin and self.proc.stdout
        started = time.perf_counter()
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        if answer:
            reply = self.proc.stdout.readline()
            json.loads(reply)
        return time.perf_counter() - started

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="200 messages instead of 1,000")
    args = parser.parse_args(argv)
    count = 200 if args.quick else 1000
    workdir = Path(tempfile.mkdtemp(prefix="bench-chat-"))
    try:
        db = f"sqlite:///{workdir / 'chat.db'}"
        subprocess.run([str(ROOT / ".venv" / "bin" / "concierge"), "load", str(FIXTURE), "--db", db], check=True, capture_output=True)
        started = time.perf_counter()
        chat = Chat(db)
        chat.send("/as ben.carter@harbor.example", answer=False)
        chat.send(f"/now {NOW}", answer=False)
        chat.send("who has access to unit 4B right now?")
        cold = time.perf_counter() - started
        print(f"cold start to first answer: {cold:.2f} s")
        speaker = None
        timings = []
        for n, (who, text) in enumerate(messages(count + 100)):
            if who != speaker:
                chat.send("/reset", answer=False)
                chat.send(f"/as {who}", answer=False)
                chat.send(f"/now {NOW}", answer=False)
                speaker = who
            elapsed = chat.send(text)
            if n >= 100:
                timings.append(elapsed * 1000)
        chat.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    timings.sort()
    p50 = timings[len(timings) // 2]
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    print(f"{len(timings)} messages after warm-up: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {timings[-1]:.2f} ms")
    print(json.dumps({"p50_ms": round(p50, 2), "p99_ms": round(p99, 2), "cold_start_s": round(cold, 3), "messages": len(timings)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
