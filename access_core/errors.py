"""Typed refusals and errors: each names the rule or the field that failed."""

from __future__ import annotations


class CoreError(Exception):
    """Base of every error the core raises on purpose."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Refused(CoreError):
    """The principal may not do this; ``rule`` names the DOMAIN rule that says so."""

    code = "refused"

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


class NotFound(CoreError):
    """A named person, key, door or other object does not exist (where the asker may look)."""

    code = "not_found"

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"There is no {kind} called {name!r}.")
        self.kind = kind
        self.name = name


class Invalid(CoreError):
    """A value breaks a rule of the domain (a field is missing, out of range or inconsistent)."""

    code = "invalid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Ambiguous(CoreError):
    """A name matches several objects; the caller must pick one of ``choices``."""

    code = "ambiguous"

    def __init__(self, kind: str, name: str, choices: list[str]) -> None:
        super().__init__(f"{name!r} could be {', '.join(choices)}.")
        self.kind = kind
        self.name = name
        self.choices = choices
