from __future__ import annotations

import pytest

from domain.incidents import DeclarationError, Severity, parse_declaration


def test_severity_and_title_are_read() -> None:
    got = parse_declaration("P1 Global 502 errors", declared_by="U1")
    assert (got.severity, got.title, got.commander_id) == (
        Severity.P1,
        "Global 502 errors",
        "U1",
    )


@pytest.mark.parametrize("text", ["sev2 DB slow", "p2 DB slow", "P2   DB   slow"])
def test_severity_spellings(text: str) -> None:
    got = parse_declaration(text, declared_by="U1")
    assert (got.severity, got.title) == (Severity.P2, "DB slow")


def test_default_severity_is_p3_and_a_leading_number_stays_in_the_title() -> None:
    got = parse_declaration("502 errors on checkout", declared_by="U1")
    assert (got.severity, got.title) == (Severity.P3, "502 errors on checkout")


def test_trailing_mention_names_the_commander() -> None:
    got = parse_declaration("P2 Search down <@U04BOB00002|bob>", declared_by="U1")
    assert (got.title, got.commander_id) == ("Search down", "U04BOB00002")


def test_emoji_and_unicode_titles_are_kept_whole() -> None:
    got = parse_declaration("P4 Ünïcode 💥 in שלום receipts", declared_by="U1")
    assert got.title == "Ünïcode 💥 in שלום receipts"


@pytest.mark.parametrize("text", ["", "P1", "   ", "P2 <@U04BOB00002>"])
def test_missing_title_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(DeclarationError, match="/pir declare P2"):
        parse_declaration(text, declared_by="U1")


def test_overlong_title_is_refused() -> None:
    with pytest.raises(DeclarationError, match="characters"):
        parse_declaration("P1 " + "x" * 300, declared_by="U1")


@pytest.mark.parametrize(
    ("text", "severity", "title"),
    [
        ("[P1] Checkout down", "P1", "Checkout down"),
        ("Sev-2 Site slow", "P2", "Site slow"),
        ("SEV1 Everything", "P1", "Everything"),
        ("p2: payments", "P2", "payments"),
        ("severity 4 typo on the status page", "P4", "typo on the status page"),
        ("PostgreSQL down", "P3", "PostgreSQL down"),
    ],
)
def test_severity_is_read_as_people_write_it(text, severity, title) -> None:
    declaration = parse_declaration(text, declared_by="U04ALICE001")
    assert (declaration.severity.value, declaration.title) == (severity, title)


@pytest.mark.parametrize("text", ["P0 Site down everywhere", "P5 minor", "sev 7 x"])
def test_a_severity_out_of_range_is_refused_not_put_in_the_title(text) -> None:
    with pytest.raises(DeclarationError, match="P1 \\(the worst\\) to P4"):
        parse_declaration(text, declared_by="U04ALICE001")
