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

    def __init__(self, kind: str, name: str, choices: list[str], message: str | None = None) -> None:
        super().__init__(message or f"{name!r} could be {', '.join(choices)}.")
        self.kind = kind
        self.name = name
        self.choices = choices

    @classmethod
    def of_people(cls, name: str, shown: list[str], hidden: int) -> Ambiguous:
        """Several people go by ``name``: ``shown`` are the contacts the asker may see, ``hidden`` how many others
        there are (told only that they exist: never their contacts)."""
        if not hidden:
            return cls("person", name, shown, f"Which {name} do you mean: {' or '.join(shown)}?")
        if not shown:
            question = f"Which {name} do you mean? {hidden + len(shown)} people here go by that name"
        else:
            others = "one other person" if hidden == 1 else f"{hidden} other people"
            question = f"Which {name} do you mean: {', '.join(shown)}, or {others} here by that name"
        return cls("person", name, shown, question + "; tell me their full name, email or phone number.")
