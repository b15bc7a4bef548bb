"""The Slack App Home tab: the manager's properties, a plan awaiting confirmation, low-battery doors."""

from __future__ import annotations

from typing import Any

from access_core.errors import CoreError
from access_core.lookup import person_by_ref
from access_core.principal import load_principal
from access_core.queries import device_doors
from bot.places import properties_of
from bot.web.turns import Turns


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}}


def home_view(turns: Turns, handle: str | None) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": "Concierge"}}]
    if handle is None:
        return {"type": "home", "blocks": [*blocks, _section("Your Slack email doesn't match anyone at your buildings.")]}
    with turns.database.session() as session:
        person = person_by_ref(session, handle)
        if person is None:
            return {"type": "home", "blocks": blocks}
        principal = load_principal(session, person)
        for prop in properties_of(session, person):
            lines = [f"*{prop.name}*  {prop.address or ''}"]
            try:
                low = device_doors(session, principal, prop, low_battery=True)
                lines.append("Low battery: " + (", ".join(d.name for d in low) or "none"))
            except CoreError:
                pass
            blocks.append(_section("\n".join(lines)))
    pending = turns.pending("slack", handle)
    blocks.append(
        _section(
            "*Awaiting your confirmation:* "
            + (", ".join(op["op"].replace("_", " ") for op in pending["operations"]) if pending else "nothing")
        )
    )
    return {"type": "home", "blocks": blocks}
