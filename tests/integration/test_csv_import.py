"""CSV import (DOMAIN "CSV import"): every row checked, every bad line reported, all or nothing."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from access_core.csv_import import ImportRejected, import_csv
from access_core.db import Database
from access_core.errors import Refused
from access_core.lookup import property_by_name, require_person
from access_core.models import AuditEntry, Grant, Key, Person
from access_core.principal import load_principal
from access_core.services.context import Context
from bot.cli_import import register

NOW = datetime.fromisoformat("2026-12-01T10:00:00-05:00")

ANA = "ana.lopez@harbor.example"


def context(session: Session, who: str = ANA) -> Context:
    prop = property_by_name(session, "The Foundry")
    assert prop is not None
    return Context(session, load_principal(session, require_person(session, who)), NOW, prop)


def grant_of(session: Session, who: str, key: str) -> Grant | None:
    person = require_person(session, who)
    return session.scalar(select(Grant).join(Key).where(Grant.person_id == person.id, Key.name == key))


def counts(db: Database) -> tuple[int, int, int]:
    with db.session() as session:
        return tuple(
            session.scalar(select(func.count(column))) or 0  # type: ignore[return-value]
            for column in (Person.id, Grant.id, AuditEntry.id)
        )


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_new_and_existing_people_with_dates_in_the_property_zone(foundry: Database) -> None:
    text = (
        "name,email,phone,starts,ends,resident,may_share\n"
        "Nora Quinn,nora.quinn@example.com,(718) 555-0300,2027-03-14T08:00,2027-11-06,no,\n"
        "Jane Park,JANE.PARK@example.com,,1/15/2027,2027-03-31,no,no\n"
        "Rosa Diaz,,718.555.0199,,,no,yes\n"
    )
    with foundry.session() as session:
        report = import_csv(context(session), "Common Door Key", text)
    assert report.imported == 3
    assert (report.people_created, report.grants_created, report.grants_updated) == (1, 2, 1)
    with foundry.session() as session:
        nora = require_person(session, "nora.quinn@example.com")
        assert (nora.name, nora.phone) == ("Nora Quinn", "+17185550300")
        grant = grant_of(session, "nora.quinn@example.com", "Common Door Key")
        assert grant is not None
        assert grant.starts_at == at("2027-03-14T08:00:00-04:00")  # the day DST begins
        assert grant.ends_at == at("2027-11-07T00:00:00-04:00")  # an end day is included whole
        assert (grant.resident, grant.may_share) == (False, False)
        assert grant.granted_by_id == require_person(session, ANA).id
        jane = grant_of(session, "jane.park@example.com", "Common Door Key")
        assert jane is not None
        assert jane.starts_at == at("2027-01-15T00:00:00-05:00")
        assert jane.ends_at == at("2027-04-01T00:00:00-04:00")
        rosa = grant_of(session, "+17185550199", "Common Door Key")
        assert rosa is not None and rosa.starts_at == NOW and rosa.ends_at is None and rosa.may_share
        ops = session.scalars(select(AuditEntry.op).order_by(AuditEntry.id.desc()).limit(4)).all()
        assert ops == ["import_csv", "grant_key", "grant_key", "grant_key"]


def test_may_share_defaults_to_residents_of_shareable_keys(foundry: Database) -> None:
    text = "email,resident\nnew.resident@example.com,yes\nnew.visitor@example.com,no\n"
    with foundry.session() as session:
        import_csv(context(session), "Resident 3A", text)
    with foundry.session() as session:
        resident = grant_of(session, "new.resident@example.com", "Resident 3A")
        visitor = grant_of(session, "new.visitor@example.com", "Resident 3A")
        assert resident is not None and (resident.resident, resident.may_share) == (True, True)
        assert visitor is not None and (visitor.resident, visitor.may_share) == (False, False)


def test_headers_by_their_usual_names_bom_crlf_blank_lines_and_extra_columns(foundry: Database) -> None:
    text = (
        "\ufeffFull Name;Email Address;Phone Number;Start;End date;Resident?;Unit\r\n"
        "\r\n"
        "Ivy Chen;ivy.chen@example.com;+44 20 7946 0958;2027/02/01;;Y;3A\r\n"
    )
    with foundry.session() as session:
        report = import_csv(context(session), "Resident 3A", text)
    assert report.imported == 1
    assert [str(w) for w in report.warnings] == ["line 1: column 'Unit' is not used"]
    with foundry.session() as session:
        ivy = require_person(session, "ivy.chen@example.com")
        assert ivy.phone == "+442079460958"
        grant = grant_of(session, "ivy.chen@example.com", "Resident 3A")
        assert grant is not None and grant.resident and grant.starts_at == at("2027-02-01T00:00:00-05:00")


BAD_ROWS = [
    ("Al,al@example,,,,no", "email 'al@example' is not an email address"),
    ("Bo,,555-01,,,no", "phone '555-01' is not a phone number"),
    ("Cy,,,,,no", "an email or a phone number is needed"),
    ("Di,di@example.com,,2027-02-30,,no", "starts: '2027-02-30' is not a date"),
    ("Ed,ed@example.com,,13/1/2027,,no", "dates with slashes are month/day/year"),
    ("Fay,fay@example.com,,2027-03-01,2027-02-01,no", "access must end after it starts"),
    ("Gus,gus@example.com,,,,maybe", "resident: 'maybe' is not yes or no"),
    ("Hal,hal@example.com,,,,", "resident: must be yes or no"),
    ("Ida,ida@example.com,,,,no,perhaps", "may_share: 'perhaps' is not yes or no"),
    ("Jo,jane.park@example.com,+17185550177,,,no", "is Jane Park's but phone +17185550177 is Omar Haddad's"),
    ("Kai,kai@example.com,,,,no,,surplus", "8 values but the header has 7 columns"),
    ("Lu,,(718) 555-0142,,,no", "the same person as line 3"),
    ("Mo,Max.Good@example.com,,,,no", "the same person as line 2"),
]


def test_every_bad_line_is_reported_and_nothing_is_applied(foundry: Database) -> None:
    header = "name,email,phone,starts,ends,resident,may_share"
    good = ["Max Good,max.good@example.com,,,,no", "Jane Park,jane.park@example.com,,,,no"]
    lines = [header, *good, *(row for row, _ in BAD_ROWS)]
    before = counts(foundry)
    with foundry.session() as session, pytest.raises(ImportRejected) as caught:
        import_csv(context(session), "Resident 3A", "\n".join(lines) + "\n")
    got = [(e.line, e.message) for e in caught.value.errors]
    for number, (_, reason) in enumerate(BAD_ROWS, start=4):
        assert any(line == number and reason in message for line, message in got), (number, reason, got)
    assert {line for line, _ in got} == set(range(4, 4 + len(BAD_ROWS)))
    assert counts(foundry) == before
    with foundry.session() as session:
        assert session.scalar(select(Person).where(Person.email == "max.good@example.com")) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "the file is empty"),
        ("\n\n  \n", "the file is empty"),
        ("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV text file"),
        ("Jane Park,jane.park@example.com,no\n", "the first line is not a header"),
        ("name,resident\nJane,no\n", "an email or a phone column is needed"),
        ("name,email,resident\n", "a header but no people"),
        ("email,e-mail,resident\na@example.com,b@example.com,no\n", "two columns mean email"),
        ('name,email,resident\n"Jane,jane@example.com,no\n', "not valid CSV"),
    ],
)
def test_files_that_are_not_a_table_of_people(foundry: Database, text: str, reason: str) -> None:
    with foundry.session() as session, pytest.raises(ImportRejected) as caught:
        import_csv(context(session), "Resident 3A", text)
    assert reason in str(caught.value)


def test_binary_bytes_are_refused_as_a_file(foundry: Database) -> None:
    with foundry.session() as session, pytest.raises(ImportRejected, match="not a CSV text file"):
        import_csv(context(session), "Resident 3A", b"\xff\x00\x81junk\xfe\xfe")


def test_resident_column_is_required_only_for_keys_with_residence_doors(foundry: Database) -> None:
    with foundry.session() as session, pytest.raises(ImportRejected, match="'resident' column"):
        import_csv(context(session), "Resident 3A", "email\nnew@example.com\n")
    with foundry.session() as session:
        assert import_csv(context(session), "Amenities Key", "email\nnew@example.com\n").imported == 1
    with foundry.session() as session, pytest.raises(ImportRejected, match="no residence door"):
        import_csv(context(session), "Amenities Key", "email,resident\nother@example.com,yes\n")


@pytest.mark.parametrize(
    ("who", "key", "rule"),
    [
        ("eli.novak@installers.example", "Common Door Key", "key_management_required"),
        ("dev.shah@leasing.example", "Resident 3A", "specific_keys_only"),
        ("jane.park@example.com", "Resident 4B", "key_management_required"),
    ],
)
def test_only_those_who_may_give_the_key_may_import(foundry: Database, who: str, key: str, rule: str) -> None:
    before = counts(foundry)
    with foundry.session() as session, pytest.raises(Refused) as caught:
        import_csv(context(session, who), key, "email,resident\nnew@example.com,no\n")
    assert caught.value.rule == rule
    assert counts(foundry) == before


def test_a_specific_key_manager_imports_onto_their_own_key(foundry: Database) -> None:
    with foundry.session() as session:
        report = import_csv(context(session, "dev.shah@leasing.example"), "Leasing Key", "email,resident\nprospect@example.com,no\n")
    assert report.imported == 1


def cli(db: Database, *args: str) -> tuple[int, str, str]:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """The command under test."""

    register(app)
    result = CliRunner().invoke(app, ["import-csv", *args, "--db", db.url])
    return result.exit_code, result.stdout, result.stderr


def test_command_imports_a_file(foundry: Database, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("name,email,phone,resident\nNora Quinn,nora@example.com,(718) 555-0300,yes\n")
    code, out, _ = cli(foundry, "--key", "Resident 3A", "--as", ANA, str(path), "--json")
    assert code == 0
    assert json.loads(out)["imported"] == 1
    code, out, _ = cli(foundry, "--key", "resident 3a", "--as", ANA, "--property", "The Foundry", str(path))
    assert code == 0 and "Imported 1 person onto Resident 3A" in out


def test_command_reports_every_bad_line_on_stderr(foundry: Database, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("name,email,resident\nA,a@example.com,yes\nB,b@,yes\nC,c@example.com,\n")
    before = counts(foundry)
    code, _, err = cli(foundry, "--key", "Resident 3A", "--as", ANA, str(path))
    assert code == 1
    assert "line 3: email 'b@' is not an email address" in err
    assert "line 4: resident: must be yes or no" in err
    assert counts(foundry) == before


def test_command_refusals_and_unknown_keys(foundry: Database, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("email,resident\nnew@example.com,no\n")
    code, _, err = cli(foundry, "--key", "Common Door Key", "--as", "eli.novak@installers.example", str(path))
    assert code == 1 and err.startswith("refused:")
    code, _, err = cli(foundry, "--key", "No Such Key", "--as", ANA, str(path))
    assert code == 1 and "No Such Key" in err


def test_giving_a_key_again_keeps_the_resident_and_sharing_terms_left_unsaid(foundry: Database) -> None:
    """As grant_key does: a row that leaves resident or may_share blank keeps those of the grant held (or
    renewed); someone new still needs the resident answer."""
    text = (
        "email,resident,may_share,ends\n"
        "jane.park@example.com,,,2027-06-30\n"  # holds Resident 4B as a resident who may share
        "omar.haddad@example.com,,,2027-06-30\n"  # a resident who may not share: not the default
        "sam.okafor@example.com,,,2027-10-31\n"
    )  # his grant of Resident 1A ended: renewed as it was
    with foundry.session() as session:
        import_csv(context(session, "ben.carter@harbor.example"), "Resident 4B", text.replace("sam.okafor@example.com,,,2027-10-31\n", ""))
        import_csv(context(session, "ben.carter@harbor.example"), "Resident 1A", "email,resident\nsam.okafor@example.com,\n")
        session.commit()
    with foundry.session() as session:
        terms = {
            who: (g.resident, g.may_share)
            for who, key in [
                ("jane.park@example.com", "Resident 4B"),
                ("omar.haddad@example.com", "Resident 4B"),
                ("sam.okafor@example.com", "Resident 1A"),
            ]
            if (g := grant_of(session, who, key)) is not None
        }
    assert terms == {
        "jane.park@example.com": (True, True),
        "omar.haddad@example.com": (True, False),
        "sam.okafor@example.com": (True, True),
    }
    with foundry.session() as session, pytest.raises(ImportRejected) as caught:
        import_csv(context(session, "ben.carter@harbor.example"), "Resident 4B", "email,resident\nnew.one@example.com,\n")
    assert [(e.line, "must be yes or no" in e.message) for e in caught.value.errors] == [(2, True)]
