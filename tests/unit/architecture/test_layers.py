"""The layering of ARCHITECTURE.md, checked on the source: the core imports no outer package, nothing cycles."""

from __future__ import annotations

import ast

import pytest

from tests.unit.architecture.imports import ROOT, cycles, graph, modules

OUTER = ("bot", "actions", "nlu", "devices", "concierge_catalog", "bench")
SCHEMA = ("bot.bootstrap", "bot.web.models")
"""The bootstrap names every metadata; the channels' tables name the core's columns in their foreign keys."""
NOT_YET_MOVED: frozenset[str] = frozenset()
"""Still reading ORM models, each to move behind a core query; the list only shrinks (and is empty now)."""
READERS = ("bot", "actions", "nlu")
"""The layers that hold the core's views (``access_core.views``, ``listings``, ``directory``...), never its models."""
ENTRY_POINTS = ("bot.cli", "bot.cli_devices", "bot.cli_import", "bot.cli_sales", "bot.cli_serve", "bot.cli_token", "bot.chat_cli", "bench.")


def _top(module: str) -> str:
    return module.split(".")[0]


def test_the_core_imports_no_outer_package() -> None:
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in graph().items()
        if _top(module) == "access_core"
        for target in targets
        if _top(target) in OUTER
    )
    assert upward == []


def test_no_module_imports_itself_through_others() -> None:
    assert cycles(graph()) == []


def test_only_entry_points_import_the_bootstrap() -> None:
    importers = sorted(module for module, targets in graph().items() if "bot.bootstrap" in targets)
    assert importers and all(
        m == e or (e.endswith(".") and m.startswith(e))
        for m in importers
        for e in [next((e for e in ENTRY_POINTS if m == e or (e.endswith(".") and m.startswith(e))), "")]
    ), importers


def test_channels_planners_and_the_nlu_read_no_orm_model() -> None:
    readers = sorted(
        f"{module} -> {target}"
        for module, targets in graph().items()
        if _top(module) in READERS and module not in SCHEMA
        for target in targets
        if target == "access_core.models" and module not in NOT_YET_MOVED
    )
    assert readers == []


def test_refusals_are_raised_only_in_the_core() -> None:
    """``Refused`` is made (and so raised) only under access_core: the outer layers let the core's refusals through."""
    makers = sorted(
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for module, path in modules().items()
        if _top(module) in OUTER
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Call) and _called(node) == "Refused"
    )
    assert makers == []


def _called(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_cycles_are_found(edges: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert cycles(edges) == expected
