"""A client of a Rasa server's `/model/parse`, used when `RASA_URL` is set."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2.0


class RasaUnavailable(RuntimeError):
    """The Rasa server did not answer, or answered something that is not a parse."""


class _Parser(Protocol):
    def parse(self, text: str) -> dict[str, Any]: ...


class RasaClient:
    """POSTs `{"text": ...}` to `{url}/model/parse` and returns Rasa's JSON as is.

    With a `fallback` (a function giving another parser, e.g. the embedded engine),
    a failed request is answered by the fallback instead of raising.
    """

    def __init__(
        self,
        url: str,
        timeout: float = TIMEOUT_SECONDS,
        fallback: Callable[[], _Parser] | None = None,
    ) -> None:
        self.endpoint = url.rstrip("/") + "/model/parse"
        self.timeout = timeout
        self.fallback = fallback

    def parse(self, text: str) -> dict[str, Any]:
        try:
            return self._post(text)
        except RasaUnavailable as exc:
            if self.fallback is None:
                raise
            log.warning("Rasa at %s failed (%s); using the embedded engine", self.endpoint, exc)
            return self.fallback().parse(text)

    def _post(self, text: str) -> dict[str, Any]:
        body = json.dumps({"text": text}).encode("utf-8")
        request = urllib.request.Request(self.endpoint, data=body, method="POST", headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = json.loads(response.read().decode("utf-8"))
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise RasaUnavailable(str(exc)) from exc
        if not isinstance(payload, dict) or "intent" not in payload:
            raise RasaUnavailable(f"unexpected answer: {str(payload)[:200]}")
        payload.setdefault("entities", [])
        payload.setdefault("intent_ranking", [])
        return payload
