"""The intercom's camera: one picture of the caller when a call starts.

``INTERCOM_SNAPSHOT_URL`` (e.g. ``https://cams.example/{serial}/snapshot.jpg``) names the devices' snapshot
endpoint; without it the simulated intercom draws its picture (an SVG with the door and the local time).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from xml.sax.saxutils import escape

from access_core.models import Door
from access_core.sources import zone

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A picture taken by an intercom."""

    name: str
    """How calls and activity events name it (``snap-<CallSid>.svg``)."""
    content_type: str
    """Its media type."""
    data: bytes
    """The image itself."""


class Camera(Protocol):
    def capture(self, door: Door, call_sid: str, at: datetime) -> Snapshot | None: ...


class SimulatedCamera:
    """The simulated intercom: a small SVG showing the door, the property and the local time."""

    def capture(self, door: Door, call_sid: str, at: datetime) -> Snapshot | None:
        local = at.astimezone(zone(door.property.timezone)).strftime("%a %d %b %Y %H:%M:%S %Z")
        lines = [door.name, door.property.name, local, f"intercom {door.serial or ''}"]
        text = "".join(
            f'<text x="16" y="{150 + 22 * i}" font-size="{18 if i == 0 else 13}">{escape(line)}</text>' for i, line in enumerate(lines)
        )
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240" viewBox="0 0 320 240">'
            '<rect width="320" height="240" fill="#2b3140"/><circle cx="160" cy="70" r="34" fill="#8a93a6"/>'
            '<rect x="112" y="104" width="96" height="20" rx="10" fill="#8a93a6"/>'
            f'<g fill="#f5f6f8" font-family="sans-serif">{text}</g></svg>'
        )
        return Snapshot(f"snap-{call_sid}.svg", "image/svg+xml", svg.encode())


@dataclass(frozen=True, slots=True)
class HttpCamera:
    """Real intercoms: their snapshot endpoint, ``{serial}`` filled in; a failure gives no picture, never a lost call."""

    url_template: str
    timeout: float = 3.0

    def capture(self, door: Door, call_sid: str, at: datetime) -> Snapshot | None:
        import httpx

        try:
            response = httpx.get(self.url_template.format(serial=door.serial or ""), timeout=self.timeout)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            log.warning("no snapshot from %s for call %s: %s", door.serial, call_sid, exc)
            return None
        content_type = response.headers.get("content-type", "image/jpeg").split(";")[0].strip()
        extension = {"image/png": "png", "image/svg+xml": "svg"}.get(content_type, "jpg")
        return Snapshot(f"snap-{call_sid}.{extension}", content_type, response.content)


def camera_from_env() -> Camera:
    template = os.environ.get("INTERCOM_SNAPSHOT_URL")
    return HttpCamera(template) if template else SimulatedCamera()
