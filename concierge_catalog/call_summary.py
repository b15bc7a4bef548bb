"""What a property's managers hear once an intercom call ends: stored first, then posted to Slack when configured.

The summary names unlocks at common doors, which is activity: it goes to the managers who see all of the
property's common-door activity (portfolio managers, full and limited key managers), not to device-only or
specific-key managers. ``SLACK_BOT_TOKEN`` (``SLACK_API_URL`` for another API base) posts it: to
``SLACK_CALLS_CHANNEL`` when set, else as a direct message to each manager found by email.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.db import Database
from access_core.models import IntercomCall, IntercomCallEvent, IntercomCallSummary, ManagerRole, Permission, Role
from access_core.sources import zone

log = logging.getLogger(__name__)


def managers_to_tell(session: Session, call: IntercomCall) -> list[str]:
    """Portfolio managers of the call's portfolio; full and limited key managers of its property."""
    prop = call.property
    told = []
    for role in session.scalars(select(ManagerRole).where(ManagerRole.portfolio_id == prop.portfolio_id)):
        if role.role == Role.portfolio_manager or (
            role.property_id == prop.id
            and role.role == Role.property_manager
            and {Permission.full, Permission.limited} & set(role.permissions)
        ):
            told.append(role.person.handle)
    return sorted(set(told))


def summarize(session: Session, call: IntercomCall, events: list[IntercomCallEvent], at: datetime) -> IntercomCallSummary:
    """The summary of a call that just ended, added to the session."""
    tz = zone(call.property.timezone)

    def clock(moment: datetime | None) -> str:
        return moment.astimezone(tz).strftime("%H:%M:%S") if moment else "-"

    unlocked = [e.detail.get("door") for e in events if e.kind == "unlock"]
    refused = [f"{e.detail.get('door')} ({e.detail.get('rule')})" for e in events if e.kind == "unlock_refused"]
    rang = [e.detail.get("person") for e in events if e.kind == "ring_resident" and e.detail.get("ok")]
    purpose = call.purpose or "unknown"
    if call.visiting is not None:
        purpose += f" for {call.visiting.label}"
    wait = call.seconds_to_answer
    lines = [
        f"Intercom call #{call.id} at {call.property.name} ({call.door.name if call.door else 'intercom'}) "
        f"from {call.caller or 'an unknown number'}: {purpose}" + (f' ("{call.heard}")' if call.heard else "") + ".",
        f"{call.state.capitalize()}. Rang {clock(call.ringing_at)}, queued {clock(call.queued_at)}, "
        f"answered {clock(call.answered_at)}"
        + (f" by {call.agent.label}" if call.agent else "")
        + (f" ({wait:.0f} s to answer)" if wait is not None else "")
        + f", ended {clock(call.ended_at)} "
        f"{call.ringing_at.astimezone(tz).strftime('%Z, %a %d %b %Y')}.",
        "Unlocked: "
        + (", ".join(str(d) for d in unlocked) or "nothing")
        + "."
        + (" Refused: " + ", ".join(refused) + "." if refused else ""),
    ]
    if rang:
        lines.append("Rang: " + ", ".join(str(p) for p in rang) + ".")
    if call.note:
        lines.append(f"Note: {call.note}")
    summary = IntercomCallSummary(
        call_id=call.id,
        property_id=call.property_id,
        at=at,
        text="\n".join(lines)[:4000],
        notify=managers_to_tell(session, call),
        sent_at=None,
        send_error=None,
        detail={
            "state": call.state,
            "purpose": call.purpose,
            "visiting": call.visiting.handle if call.visiting else None,
            "agent": call.agent.handle if call.agent else None,
            "seconds_to_answer": wait,
            "unlocked": unlocked,
            "refused": refused,
            "rang": rang,
        },
    )
    session.add(summary)
    return summary


def send_summary(database: Database, summary_id: int) -> None:
    """Post a stored summary to Slack; what failed is written on the summary, which is never lost."""
    token = os.environ.get("SLACK_BOT_TOKEN")
    if not token:
        return
    with database.session() as session:
        summary = session.get(IntercomCallSummary, summary_id)
        if summary is None or summary.sent_at is not None:
            return
        text, notify = summary.text, list(summary.notify)
    sent, errors = _post(token, text, notify)
    with database.session() as session:
        summary = session.get(IntercomCallSummary, summary_id)
        if summary is not None:
            summary.sent_at = datetime.now(UTC) if sent else None
            summary.send_error = "; ".join(errors)[:400] or None


def _post(token: str, text: str, notify: list[str]) -> tuple[int, list[str]]:
    from slack_sdk import WebClient

    client = WebClient(token=token, base_url=os.environ.get("SLACK_API_URL") or WebClient.BASE_URL, timeout=10)
    channel = os.environ.get("SLACK_CALLS_CHANNEL")
    targets: list[tuple[str, Any]] = [(channel, None)] if channel else [(handle, "email") for handle in notify if "@" in handle]
    sent, errors = 0, []
    for target, by in targets:
        try:
            where = client.users_lookupByEmail(email=target)["user"]["id"] if by == "email" else target
            client.chat_postMessage(channel=where, text=text)
            sent += 1
        except Exception as exc:  # any failure is recorded on the summary, never raised
            log.warning("call summary not posted to %s: %s", target, exc)
            errors.append(f"{target}: {exc}"[:200])
    return sent, errors
