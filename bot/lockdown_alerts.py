"""Lockdown alerts on Slack: posted to ``SLACK_ALERTS_CHANNEL``, else as a direct message to each manager who may
lift it (the property's portfolio and full-key managers), with a Lift button. The button only asks the concierge
to lift the lockdown for whoever pressed it: the plan, its yes/no and the permission check are those of any change."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from access_core.directory import lockdown_managers
from access_core.events import PropertyAlert

log = logging.getLogger(__name__)
LIFT_ACTION = "concierge_lift_lockdown"


def alert_blocks(alert: PropertyAlert) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": alert.text}}]
    if alert.kind == "lockdown_started":
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": LIFT_ACTION,
                        "style": "danger",
                        "value": alert.property_name,
                        "text": {"type": "plain_text", "text": "Lift lockdown"},
                    }
                ],
            }
        )
    return blocks


def managers_to_tell(engine: Engine, property_id: int) -> list[str]:
    """The emails of the managers who may lift a lockdown of the property."""
    with Session(engine) as session:
        return lockdown_managers(session, property_id)


def post_alert(engine: Engine, alert: PropertyAlert, client: WebClient) -> int:
    """Post to the alerts channel, else to each manager by direct message; how many posts were made."""
    channel = os.environ.get("SLACK_ALERTS_CHANNEL")
    targets: list[tuple[str, bool]] = (
        [(channel, False)] if channel else [(email, True) for email in managers_to_tell(engine, alert.property_id)]
    )
    sent = 0
    for target, by_email in targets:
        try:
            where = client.users_lookupByEmail(email=target)["user"]["id"] if by_email else target
            client.chat_postMessage(channel=where, text=alert.text, blocks=alert_blocks(alert))
            sent += 1
        except Exception as exc:
            log.warning("lockdown alert not posted to %s: %s", target, exc)
    return sent


def deliver(engine: Engine, alerts: Sequence[PropertyAlert]) -> None:
    """Post each committed alert to Slack (when ``SLACK_BOT_TOKEN`` is set), off the committing thread.

    The bootstrap subscribes this to ``PropertyAlert`` on every database it wires."""
    token = os.environ.get("SLACK_BOT_TOKEN")
    if not token:
        return
    client = WebClient(token=token, base_url=os.environ.get("SLACK_API_URL") or WebClient.BASE_URL, timeout=10)
    for alert in alerts:
        threading.Thread(target=post_alert, args=(engine, alert, client), daemon=True).start()
