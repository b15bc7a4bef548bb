"""`concierge chat`: one message a line on stdin, one answer each (CONTRACT "Conversation")."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Annotated, Any

import typer

from bot.state import Conversation

STATUS_COLOURS = {"confirm": "yellow", "done": "green", "answer": "cyan", "refused": "red", "ask": "magenta", "unknown": "bright_black"}


def _valid_now(text: str) -> str | None:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.isoformat() if moment.tzinfo else None


def control(conv: Conversation, line: str) -> str:
    """Apply a /control line; return a note for people (never printed under --json)."""
    command, _, arg = line[1:].partition(" ")
    arg = arg.strip()
    if command == "reset":
        conv.reset()
        conv.property_id = None
        return "(conversation reset)"
    if command == "as" and arg:
        conv.reset()
        conv.person, conv.property_id = arg, None
        return f"(now speaking as {arg})"
    if command == "now" and arg:
        now = _valid_now(arg)
        if now is None:
            return f"(not an ISO time with an offset: {arg})"
        conv.now = now
        return f"(clock set to {now})"
    return "(controls: /reset, /as WHO, /now ISO)"


def _lines(interactive: bool) -> Iterator[str]:
    if not interactive:
        for line in sys.stdin:
            yield line.rstrip("\n")
        return
    from pathlib import Path

    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    history = Path.home() / ".concierge_history"
    prompt: PromptSession[str] = PromptSession(history=FileHistory(str(history)))
    while True:
        try:
            yield prompt.prompt("you> ")
        except EOFError:
            return
        except KeyboardInterrupt:
            continue


def run_chat(dialogue: Any, conv: Conversation, lines: Iterable[str], *, as_json: bool, interactive: bool) -> None:
    console = None
    if interactive and not as_json:
        from rich.console import Console

        console = Console()
    for raw in lines:
        line = raw.strip()
        if not line and not interactive:
            line = ""
        if line.startswith("/"):
            note = control(conv, line)
            if not as_json:
                _say(console, note, "bright_black")
            continue
        try:
            answer = dialogue.turn(conv, raw)
        except Exception as exc:  # one bad message must never end the conversation
            answer = {
                "intent": None,
                "confidence": 0.0,
                "status": "unknown",
                "operations": [],
                "missing": [],
                "result": None,
                "reply": f"Something went wrong with that message ({type(exc).__name__}).",
            }
        if as_json:
            sys.stdout.write(json.dumps(answer, default=str) + "\n")
            sys.stdout.flush()
        else:
            _say(console, answer["reply"], STATUS_COLOURS.get(answer["status"], "white"))


def _say(console: Any, text: str, colour: str) -> None:
    if console is None:
        typer.echo(text)
    else:
        console.print(text, style=colour, markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    @app.command()
    def chat(
        as_: Annotated[str, typer.Option("--as", help="Email or E.164 phone of who is talking (or /as WHO).")] = "",
        now: Annotated[str | None, typer.Option(help="The conversation's clock (ISO with offset).")] = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Never write: stop at confirm.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON answer a line.")] = False,
        db: Annotated[str | None, typer.Option("--db", help="Database URL.")] = None,
    ) -> None:
        """Chat with the concierge: one message a line."""
        from bot import bootstrap
        from bot.dialogue import Dialogue

        conv = Conversation(person=as_)
        if now is not None:
            conv.now = _valid_now(now)
            if conv.now is None:
                typer.echo(f"error: --now {now!r} is not an ISO time with an offset", err=True)
                raise typer.Exit(2)
        interactive = sys.stdin.isatty() and not as_json
        dialogue = Dialogue(bootstrap.database(db), dry_run=dry_run)
        if interactive:
            typer.echo(f"Concierge: talking as {as_}. Type a message; /reset, /as WHO, /now ISO; Ctrl-D to quit.")
        run_chat(dialogue, conv, _lines(interactive), as_json=as_json, interactive=interactive)
