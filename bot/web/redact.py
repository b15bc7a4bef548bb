"""Log lines without secrets or door codes: every log record is redacted as it is made, whichever logger made it.

Tokens, cookies, signatures, the configured secrets, door codes and the SQL parameters of database errors and of
SQLAlchemy's statement logging are replaced before any handler formats the record, tracebacks included.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from typing import Any

HIDDEN = "[redacted]"
KEEP_ARGS = {"uvicorn.access"}
"""Loggers whose formatters read the record's arguments one by one: redacted one by one."""
SECRET_SETTINGS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_SECRET",
    "TWILIO_AUTH_TOKEN",
    "CONCIERGE_SECRET",
)
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\[parameters: .*?\](?=\n|$)", re.DOTALL), f"[parameters: {HIDDEN}]"),
    (re.compile(r"(Key \([^)\n]*\)=\().*?(\) (?:already exists|is not present))"), rf"\1{HIDDEN}\2"),
    (re.compile(r"(Failing row contains \().*?(\)\.?)$", re.MULTILINE), rf"\1{HIDDEN}\2"),
    (re.compile(r"cgt_[A-Za-z0-9_\-]+"), f"cgt_{HIDDEN}"),
    (re.compile(r"\bxox[a-z]-[A-Za-z0-9\-]+"), f"xox-{HIDDEN}"),
    (re.compile(r"\bxapp-[A-Za-z0-9\-]+"), f"xapp-{HIDDEN}"),
    (re.compile(r"(?i)\b(bearer\s+)[^\s'\",;]+"), rf"\1{HIDDEN}"),
    (re.compile(r"\bv0=[0-9a-f]{16,}"), f"v0={HIDDEN}"),
    (re.compile(r"(?i)(concierge_session=)[^;\s'\"]+"), rf"\1{HIDDEN}"),
    (re.compile(r"(?i)((?:signature|token|secret|password|cookie)['\"]?\s*[:=]\s*['\"]?)[^\s'\",;]{6,}"), rf"\1{HIDDEN}"),
    (re.compile(r"(?i)(codes?\b[^0-9\n]{0,40}?)\d{4,12}\b"), rf"\1{HIDDEN}"),
    (re.compile(r"\b\d{4,12}\b(?=[^0-9\n]{0,20}code)", re.IGNORECASE), HIDDEN),
)


def redact(text: str) -> str:
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    for name in SECRET_SETTINGS:
        value = os.environ.get(name, "")
        if len(value) >= 8:
            text = text.replace(value, HIDDEN)
    return text


def _arg(value: Any, statement_log: bool) -> Any:
    if statement_log and isinstance(value, tuple | list | dict):
        return HIDDEN  # SQLAlchemy's logged statement parameters: codes, emails, phones
    return redact(value) if isinstance(value, str) else value


def redacted(record: logging.LogRecord) -> logging.LogRecord:
    """The record with its message, arguments, traceback and stack made safe; its shape (args) kept for formatters."""
    statement_log = record.name.startswith("sqlalchemy.engine")
    if isinstance(record.args, tuple):
        record.args = tuple(_arg(a, statement_log) for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: HIDDEN if statement_log else _arg(v, False) for k, v in record.args.items()}
    if record.name in KEEP_ARGS:
        record.msg = redact(record.msg) if isinstance(record.msg, str) else record.msg
    else:  # a code in the arguments is found by the words of the message around it
        try:
            record.msg, record.args = redact(record.getMessage()), ()
        except (TypeError, ValueError):
            record.msg = redact(str(record.msg))
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


_lock = threading.Lock()
_installed = False


def install() -> None:
    """Redact every log record of this process from now on (once; later calls do nothing)."""
    global _installed
    with _lock:
        if _installed:
            return
        make = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            return redacted(make(*args, **kwargs))

        logging.setLogRecordFactory(factory)
        _installed = True
