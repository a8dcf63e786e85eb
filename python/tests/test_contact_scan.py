"""Known answers for macro is_contact_shaped (macros/contact_scan.sql), the on-run-end check
that keeps email addresses and phone numbers out of every table outside the pii schema. The
macro is compiled by dbt itself (``dbt compile --inline``) and run on DuckDB."""

from __future__ import annotations

import duckdb
import pytest

from retail_recs.build import run_dbt

# (value, contact-shaped in a text column, contact-shaped in an id column)
CASES = [
    ("ada@example.org", True, True),
    ("write to ada.lovelace@example.co.uk today", True, True),
    ("ada@localhost", False, False),
    ("@handle", False, False),
    ("+44 20 7946 0958", True, True),
    ("+44 (0)20 7946-0958", True, True),
    ("+1 555 0100", True, True),
    ("+12", False, False),
    ("SKU+123456789", False, False),
    # A national number with its trunk 0 is a phone in text, a zero-padded id in an id column.
    ("020 7946 0958", True, False),
    ("(020) 7946 0958", True, False),
    ("0012345678", False, False),
    ("(0)20 7946 0958", False, False),
    # Dates never match, even where the digits would pass as a phone number.
    ("01.03.2024", False, False),
    ("01/03/2024 10:00", False, False),
    ("2024-03-01", False, False),
    ("C001", False, False),
    ("", False, False),
]


@pytest.fixture(scope="module")
def compiled_check(tmp_path_factory) -> str:
    values = ", ".join("('" + value.replace("'", "''") + "')" for value, _, _ in CASES)
    inline = (
        "select value, {{ is_contact_shaped('value') }} as in_text, "
        "{{ is_contact_shaped('value', is_id=true) }} as in_id "
        f"from (values {values}) as cases(value)"
    )
    database = tmp_path_factory.mktemp("contact_scan") / "w.duckdb"
    result = run_dbt("compile", db_path=database, extra_args=["--inline", inline, "--quiet"])
    assert result.success, result.exception
    return result.result.results[0].node.compiled_code


def test_known_values_are_classified_as_the_rules_say(compiled_check):
    answers = {value: (in_text, in_id) for value, in_text, in_id in CASES}
    rows = duckdb.connect().execute(compiled_check).fetchall()
    assert {value: (in_text, in_id) for value, in_text, in_id in rows} == answers


def test_a_null_value_gives_null_which_the_scan_skips(compiled_check):
    nulls = compiled_check.replace("('ada@example.org')", "(cast(null as varchar))")
    rows = duckdb.connect().execute(f"select * from ({nulls}) where value is null").fetchall()
    assert rows == [(None, None, None)]
