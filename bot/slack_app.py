"""Slack through Bolt: DMs, mentions and `/concierge` go to the dialogue; confirmations become buttons.

Every request is signature-checked by Bolt (401 when bad); listeners ack at once and do the work in lazy
listeners (`process_before_response`); an event id is acted on once however often Slack retries it.
One workspace with SLACK_BOT_TOKEN, or many through the OAuth install (`bot.slack_install`) when
SLACK_CLIENT_ID/SECRET are set; Socket Mode as well while the web app runs when SLACK_APP_TOKEN is set.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Request, Response
from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from starlette.concurrency import run_in_threadpool

from access_core.lookup import person_by_ref
from bot import lockdown_alerts
from bot.slack_install import InstallSettings, install_routes, oauth_settings
from bot.web.health import ChannelStates
from bot.web.slack_home import home_view
from bot.web.turns import Exchange, Turns

log = logging.getLogger(__name__)

DESTRUCTIVE = {"revoke_key", "remove_door_from_key", "deactivate_keycard", "unlock_door", "cancel_reservation"}
CACHE_SECONDS = 600


def confirm_blocks(turn: dict[str, Any], plan: str | None = None) -> list[dict[str, Any]]:
    """The reply as Block Kit; a plan awaiting yes/no gets Confirm and Cancel buttons carrying its id (``plan``)."""
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": turn["reply"][:2900]}}]
    if turn["status"] != "confirm" or plan is None:
        return blocks
    confirm: dict[str, Any] = {
        "type": "button",
        "action_id": "concierge_confirm",
        "value": plan,
        "style": "primary",
        "text": {"type": "plain_text", "text": "Confirm"},
    }
    if any(op.get("op") in DESTRUCTIVE for op in turn["operations"]):
        confirm["style"] = "danger"
        confirm["confirm"] = {
            "title": {"type": "plain_text", "text": "Are you sure?"},
            "text": {"type": "mrkdwn", "text": turn["reply"][:300]},
            "confirm": {"type": "plain_text", "text": "Do it"},
            "deny": {"type": "plain_text", "text": "Back"},
        }
    cancel = {"type": "button", "action_id": "concierge_cancel", "value": plan, "text": {"type": "plain_text", "text": "Cancel"}}
    return [*blocks, {"type": "actions", "block_id": "concierge_plan", "elements": [confirm, cancel]}]


class Shown:
    """Where each plan's buttons were posted (channel, ts), so a plan replaced by a newer request loses its buttons.

    Kept in this process for a while: a button of a plan posted by another process stays until pressed, and then
    only says that the plan is no longer waiting (the dialogue checks the plan id)."""

    def __init__(self, seconds: float = 3600, most: int = 10_000) -> None:
        self.seconds, self.most = seconds, most
        self.where: dict[str, tuple[float, str, str]] = {}
        self.lock = threading.Lock()

    def posted(self, plan: str | None, channel: str | None, ts: str | None) -> None:
        if not (plan and channel and ts):
            return
        with self.lock:
            if len(self.where) >= self.most:
                cutoff = time.monotonic() - self.seconds
                self.where = {k: v for k, v in self.where.items() if v[0] >= cutoff}
            self.where[plan] = (time.monotonic(), channel, ts)

    def take(self, plan: str | None) -> tuple[str, str] | None:
        with self.lock:
            hit = self.where.pop(plan, None) if plan else None
        return (hit[1], hit[2]) if hit and time.monotonic() - hit[0] < self.seconds else None


class SlackPeople:
    """Slack user -> the person with the same profile email (users.info with that workspace's token), cached a while."""

    def __init__(self, turns: Turns) -> None:
        self.turns = turns
        self.cache: dict[tuple[str | None, str], tuple[float, str | None]] = {}
        self.lock = threading.Lock()

    def handle(self, client: WebClient, team_id: str | None, user_id: str) -> str | None:
        with self.lock:
            hit = self.cache.get((team_id, user_id))
        if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
        email = (client.users_info(user=user_id).get("user") or {}).get("profile", {}).get("email")
        handle = None
        if email:
            with self.turns.database.session() as session:
                person = person_by_ref(session, email)
                handle = person.handle if person else None
        with self.lock:
            self.cache[(team_id, user_id)] = (time.monotonic(), handle)
        return handle


NOT_KNOWN = "I couldn't match your Slack email to anyone at your buildings; ask your property manager to add you."


class Listeners:
    """What the bot does with each kind of Slack request, once acked; each is a Bolt lazy listener."""

    def __init__(self, turns: Turns) -> None:
        self.turns = turns
        self.people = SlackPeople(turns)
        self.shown = Shown()

    def once_per_event(self, body: dict[str, Any], next: Any) -> BoltResponse | None:  # Bolt's name
        event_id = body.get("event_id")
        if body.get("type") == "event_callback" and event_id and not self.turns.first_time("slack", str(event_id)):
            return BoltResponse(status=200, body="")
        answer: BoltResponse | None = next()
        return answer

    def _turn(self, context: BoltContext, client: WebClient, user_id: str, text: str, plan: str | None = None) -> Exchange:
        handle = self.people.handle(client, context.team_id, user_id)
        if handle is None:
            return Exchange({"status": "refused", "reply": NOT_KNOWN}, None)
        before = (self.turns.pending("slack", handle) or {}).get("id")
        answer = self.turns.exchange("slack", handle, text, plan=plan)
        if before is not None and before != answer.plan and plan is None:
            self._retire(client, before, answer.turn["status"] == "done")
        return answer

    def _retire(self, client: WebClient, plan: str, answered: bool) -> None:
        """The message of a plan that is no longer waiting keeps its text and loses its buttons."""
        where = self.shown.take(plan)
        if where is None:
            return
        note = "(answered)" if answered else "(replaced by a newer request; not made)"
        try:
            client.chat_update(
                channel=where[0], ts=where[1], text=note, blocks=[{"type": "context", "elements": [{"type": "mrkdwn", "text": note}]}]
            )
        except SlackApiError as exc:
            log.warning("could not retire the buttons of an old plan: %s", exc.response.get("error"))

    def answer_message(self, event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("bot_id") or event.get("subtype") or not event.get("user"):
            return
        if event.get("type") == "message" and event.get("channel_type") != "im":
            return
        text = " ".join(w for w in str(event.get("text", "")).split() if not w.startswith("<@"))
        answer = self._turn(context, client, event["user"], text)
        thread = event.get("thread_ts") if event.get("type") == "app_mention" else None
        turn = answer.turn
        posted = client.chat_postMessage(
            channel=event["channel"], text=turn["reply"], blocks=confirm_blocks(turn, answer.plan), thread_ts=thread
        )
        if turn["status"] == "confirm":
            self.shown.posted(answer.plan, posted.get("channel"), posted.get("ts"))

    def answer_command(self, command: dict[str, Any], context: BoltContext, client: WebClient, respond: Any) -> None:
        answer = self._turn(context, client, command["user_id"], command.get("text", ""))
        respond(text=answer.turn["reply"], blocks=confirm_blocks(answer.turn, answer.plan), response_type="ephemeral")

    def answer_button(self, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Any) -> None:
        action = body["actions"][0]
        plan = str(action.get("value") or "") or "none"
        answer = self._turn(context, client, body["user"]["id"], "yes" if action["action_id"] == "concierge_confirm" else "no", plan)
        if answer.turn.get("reply") == NOT_KNOWN:
            return
        self.shown.take(plan)
        turn = answer.turn
        message, channel = body.get("message") or {}, (body.get("channel") or {}).get("id")
        if message.get("ts") and channel:  # the pressed message now says what happened, without buttons
            client.chat_update(channel=channel, ts=message["ts"], text=turn["reply"], blocks=confirm_blocks(turn))
        else:
            respond(text=turn["reply"], blocks=confirm_blocks(turn), replace_original=True)

    def publish_home(self, event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        handle = self.people.handle(client, context.team_id, event["user"])
        client.views_publish(user_id=event["user"], view=home_view(self.turns, handle))


def just_ack(ack: Any) -> None:
    ack()


def build_app(
    turns: Turns, *, token: str | None, signing_secret: str, api_url: str | None = None, install: InstallSettings | None = None
) -> App:
    """The Bolt app: with ``install``, tokens come per workspace from the installation store, else ``token``."""
    client = WebClient(token=None if install else token, base_url=api_url or WebClient.BASE_URL)
    if install:
        app = App(
            client=client,
            signing_secret=signing_secret,
            process_before_response=True,
            oauth_settings=oauth_settings(install, turns.database.engine),
        )
    else:  # the token is checked in the background (TokenCheck), so an unreachable Slack never stops the start
        app = App(client=client, signing_secret=signing_secret, process_before_response=True, token_verification_enabled=False)
    listeners = Listeners(turns)
    app.middleware(listeners.once_per_event)
    app.event("message")(ack=just_ack, lazy=[listeners.answer_message])
    app.event("app_mention")(ack=just_ack, lazy=[listeners.answer_message])
    app.command("/concierge")(ack=just_ack, lazy=[listeners.answer_command])
    app.action("concierge_confirm")(ack=just_ack, lazy=[listeners.answer_button])
    app.action("concierge_cancel")(ack=just_ack, lazy=[listeners.answer_button])
    app.event("app_home_opened")(ack=just_ack, lazy=[listeners.publish_home])
    app.action(lockdown_alerts.LIFT_ACTION)(ack=just_ack, lazy=[lift_listener(listeners)])
    return app


def app_from_env(turns: Turns) -> App:
    """SLACK_SIGNING_SECRET, SLACK_API_URL, and SLACK_CLIENT_ID/SECRET (OAuth install) or SLACK_BOT_TOKEN (one workspace)."""
    return build_app(
        turns,
        token=os.environ.get("SLACK_BOT_TOKEN"),
        signing_secret=os.environ.get("SLACK_SIGNING_SECRET", ""),
        api_url=os.environ.get("SLACK_API_URL"),
        install=InstallSettings.from_env(),
    )


class SocketMode:
    """Bolt's Socket Mode handler for the life of the web app: connects in a background thread, closed on shutdown."""

    def __init__(self, bolt: App, app_token: str, *, retry_seconds: float = 5, states: ChannelStates | None = None) -> None:
        self.bolt, self.app_token, self.retry_seconds = bolt, app_token, retry_seconds
        self.states = states or ChannelStates()
        self.stopping = threading.Event()
        self.handler: SocketModeHandler | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.stopping.clear()
        self.handler = SocketModeHandler(self.bolt, self.app_token)  # its client starts its own worker threads here
        self.thread = threading.Thread(target=self._connect, args=(self.handler,), name="slack-socket-mode", daemon=True)
        self.thread.start()

    def _connect(self, handler: SocketModeHandler) -> None:
        connect: Callable[[], None] = handler.connect
        while not self.stopping.is_set():
            try:
                self.states.set("slack_socket_mode", "starting")
                connect()
                self.states.set("slack_socket_mode", "up")
                return
            except Exception as exc:
                self.states.set("slack_socket_mode", "down", f"cannot connect ({type(exc).__name__}); retrying")
                log.warning("Slack Socket Mode could not connect (%s); retrying in %ss", type(exc).__name__, self.retry_seconds)
                connect = handler.client.connect_to_new_endpoint
                self.stopping.wait(self.retry_seconds)

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=10)
        if self.handler is not None:
            self.handler.close()  # type: ignore[no-untyped-call]  # slack_bolt leaves it unannotated
        self.handler = self.thread = None


class TokenCheck:
    """`auth.test` with the bot token in the background until Slack answers: the app starts whether or not it can."""

    def __init__(self, client: WebClient, states: ChannelStates, *, retry_seconds: float = 5, max_seconds: float = 300) -> None:
        self.client, self.states = client, states
        self.retry_seconds, self.max_seconds = retry_seconds, max_seconds
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.stopping.clear()
        self.states.set("slack", "starting", "checking the bot token")
        self.thread = threading.Thread(target=self.run, name="slack-token-check", daemon=True)
        self.thread.start()

    def run(self) -> None:
        wait = self.retry_seconds
        while not self.stopping.is_set():
            try:
                self.client.auth_test()
            except SlackApiError as exc:
                if exc.response is None or exc.response.status_code >= 500 or exc.response.status_code == 429:
                    self._later(f"Slack's API is failing (HTTP {getattr(exc.response, 'status_code', '?')})", wait)
                    wait = min(wait * 2, self.max_seconds)
                    continue
                # Slack answered: the token itself is wrong, and retrying won't mend it
                error = exc.response.get("error", "error") if exc.response is not None else "error"
                self.states.set("slack", "misconfigured", f"Slack refused SLACK_BOT_TOKEN ({error})")
                log.error("Slack refused SLACK_BOT_TOKEN (%s); the other channels are unaffected", error)
                return
            except Exception as exc:
                self._later(f"Slack's API is unreachable ({type(exc).__name__})", wait)
                wait = min(wait * 2, self.max_seconds)
                continue
            self.states.set("slack", "up")
            return

    def _later(self, why: str, wait: float) -> None:
        self.states.set("slack", "down", f"{why}; retrying")
        log.warning("%s; retrying in %.1fs", why, wait)
        self.stopping.wait(wait)

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=10)
        self.thread = None


def missing_setting() -> str | None:
    """What Slack over HTTP lacks to start, in one sentence; None when it has what it needs."""
    if os.environ.get("SLACK_BOT_TOKEN") or InstallSettings.from_env() is not None:
        return None
    if os.environ.get("SLACK_CLIENT_ID") or os.environ.get("SLACK_CLIENT_SECRET"):
        return "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET must both be set for the Slack install"
    return "SLACK_BOT_TOKEN is not set (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for the multi-workspace install)"


def lifespan_of(*parts: Any) -> Callable[[Any], Any]:
    """One lifespan that starts ``parts`` (each with start/stop) in order and stops them in reverse."""

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        started = []
        try:
            for part in parts:
                part.start()
                started.append(part)
            yield
        finally:
            for part in reversed(started):
                await run_in_threadpool(part.stop)

    return lifespan


def off_router(states: ChannelStates, reason: str) -> APIRouter:
    """Slack is off: say why in one log line and on `/health`; its endpoint answers 503."""
    log.error("Slack is off: %s; the other channels are unaffected", reason)
    states.set("slack", "misconfigured", reason)
    api = APIRouter(include_in_schema=False)

    @api.post("/slack/events")
    def slack_off() -> Response:
        return Response(f"Slack is not configured: {reason}", status_code=503)

    return api


def verified(verifier: SignatureVerifier | None, body: bytes, request: Request) -> bool:
    """Slack's signature, checked on the raw bytes before anything is parsed; junk headers are simply invalid."""
    timestamp = request.headers.get("x-slack-request-timestamp", "")
    signature = request.headers.get("x-slack-signature", "")
    if verifier is None or not timestamp.isdigit() or len(timestamp) > 12 or not signature.startswith("v0="):
        return False
    return verifier.is_valid(body, timestamp, signature)


def _event_id(body: bytes) -> str | None:
    """The event id of a signed Events API body (JSON); None for anything else."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    event_id = parsed.get("event_id") if isinstance(parsed, dict) else None
    return event_id if isinstance(event_id, str) and event_id else None


REPLAY_SECONDS = 600
"""Longer than Slack's 5-minute signature window: an identical signed request is acted on once."""


def router(turns: Turns, bolt: App | None = None, states: ChannelStates | None = None) -> APIRouter:
    """`POST /slack/events`; `GET /slack/install` and `/slack/oauth_redirect` with the OAuth install;
    Socket Mode while the app runs when SLACK_APP_TOKEN is set. Never raises for Slack's sake: a missing
    setting or an unreachable Slack is logged in one line and shown on `/health`."""
    states = states or ChannelStates()
    if bolt is None:
        if reason := missing_setting():
            return off_router(states, reason)
        try:
            bolt = app_from_env(turns)
        except Exception as exc:
            return off_router(states, f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}")
    app_token = os.environ.get("SLACK_APP_TOKEN")
    secret = os.environ.get("SLACK_SIGNING_SECRET")
    verifier = SignatureVerifier(secret) if secret else None
    parts: list[Any] = []
    if bolt.oauth_flow is None:
        parts.append(TokenCheck(bolt.client, states))
    else:
        states.set("slack", "up", "multi-workspace install")
    if app_token:
        parts.append(SocketMode(bolt, app_token, states=states))
    api = APIRouter(include_in_schema=False, lifespan=lifespan_of(*parts))

    @api.post("/slack/events")
    async def events(request: Request) -> Response:
        if verifier is None:  # Socket Mode alone: no HTTP request can be verified, so none is taken
            return Response("Slack is not configured (SLACK_SIGNING_SECRET)", status_code=401)
        body = await request.body()
        if not verified(verifier, body, request):
            return Response("invalid request signature", status_code=401)
        retried = _event_id(body) if request.headers.get("x-slack-retry-num") else None
        if retried is not None and await run_in_threadpool(turns.seen.seen, "slack", retried):  # a retry of what was taken
            return Response(status_code=200, headers={"X-Slack-No-Retry": "1"})
        replay_key = request.headers["x-slack-signature"]
        if not await run_in_threadpool(turns.first_time, "slack-request", replay_key, REPLAY_SECONDS):
            return Response(status_code=200)  # a replay of a request already taken: acknowledged, not run again
        try:
            bolt_request = to_bolt_request(request, body)
        except ValueError:
            return Response("malformed Slack request", status_code=400)
        return to_starlette_response(await run_in_threadpool(bolt.dispatch, bolt_request))

    if bolt.oauth_flow is not None:
        install_routes(api, bolt.oauth_flow)
    return api


def lift_listener(listeners: Any) -> Any:
    """The Bolt lazy listener of the Lift button: the presser asks to lift it, and gets the usual yes/no plan."""

    def answer_lift(body: dict[str, Any], context: Any, client: WebClient) -> None:
        answer = listeners._turn(context, client, body["user"]["id"], lift_request(body))
        channel = (body.get("channel") or {}).get("id") or body["user"]["id"]
        posted = client.chat_postMessage(channel=channel, text=answer.turn["reply"], blocks=confirm_blocks(answer.turn, answer.plan))
        if answer.turn["status"] == "confirm":
            listeners.shown.posted(answer.plan, posted.get("channel"), posted.get("ts"))

    return answer_lift


def lift_request(body: dict[str, Any]) -> str:
    """What pressing Lift says to the concierge, in the presser's own name."""
    prop = (body.get("actions") or [{}])[0].get("value") or ""
    return f"lift the lockdown at {prop}".strip()
