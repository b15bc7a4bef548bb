"""The callgrind output parser of bench/instructions.py."""

from __future__ import annotations

import pytest

from bench.instructions import callgrind_total

SAMPLE = """# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 4242
cmd:  /work/.venv/bin/python -c ...
part: 1

desc: I1 cache:
positions: line
events: Ir
summary: 3278938526

fl=(1) ???
fn=(1) 0x0000000000001100
0 12
{tail}
"""


def test_totals_line_wins_over_summary() -> None:
    assert callgrind_total(SAMPLE.format(tail="totals: 3278938999")) == 3278938999


def test_summary_line_alone() -> None:
    assert callgrind_total(SAMPLE.format(tail="")) == 3278938526


def test_no_count_is_an_error() -> None:
    with pytest.raises(ValueError, match="totals"):
        callgrind_total("events: Ir\nfn=(1) main\n0 12\n")


def test_first_event_must_be_instructions() -> None:
    with pytest.raises(ValueError, match="Ir"):
        callgrind_total(SAMPLE.replace("events: Ir", "events: Dr").format(tail=""))
