"""Schema tests: every check rejects a value just outside its bound and accepts one just inside."""

import pandas as pd
import pytest

from goodcare.validate import validate_file

VALID = {
    "organisations": {
        "org_id": "O001", "site": "Site 1", "size_band": "micro", "fte_staff": "3.0", "governance": "charity",
        "service_type": "day_service", "user_group": "mixed", "hourly_rate_gbp": "12.50", "cqc_registered": "true",
        "quality_mark": "false", "year_established": "2001", "funding_self_pct": "70.0",
        "funding_personal_budget_pct": "30.0", "funding_la_contract_pct": "0.0",
    },
    "participants": {"participant_id": "P001", "org_id": "O001", "role": "person_using_services", "interviewed_by_co_researcher": "false", "age_band": "80+"},
    "outcomes": {"participant_id": "P001", "domain": "occupation", "current_level": "2", "expected_level": "3", "proxy": "false"},
    "experience": {"participant_id": "P001", "n_regular_workers": "2", "same_worker_usually": "true", "knows_manager": "true", "can_change_what": "", "can_change_when": "false"},
    "codebook": {"code_id": "INN01", "theme": "innovation", "sub_theme": "what", "label": "New kinds of service", "definition": "Support not offered before."},
    "codings": {"segment_id": "S0001", "participant_id": "P001", "code_id": "INN01", "excerpt": "We go dancing on Tuesdays, it costs 5 pounds."},
}

REFS = {
    "organisations": pd.DataFrame({"org_id": ["O001"]}),
    "participants": pd.DataFrame({"participant_id": ["P001", "P002"], "role": ["person_using_services", "owner_manager"]}),
    "codebook": pd.DataFrame({"code_id": ["INN01"]}),
}

# (table, column, value just outside, value just inside, check that must fail)
BOUNDARIES = [
    ("organisations", "org_id", "X001", "O9", "str_matches"),
    ("organisations", "site", "Site", "Site 9", "str_matches"),
    ("organisations", "size_band", "tiny", "micro", "isin"),
    ("organisations", "fte_staff", "0", "0.1", "greater_than"),
    ("organisations", "fte_staff", "5.1", "5.0", "size_band_fits_fte"),
    ("organisations", "governance", "club", "cooperative", "isin"),
    ("organisations", "service_type", "meals", "one_to_one", "isin"),
    ("organisations", "user_group", "children", "older_people", "isin"),
    ("organisations", "hourly_rate_gbp", "4.99", "5", "greater_than_or_equal_to"),
    ("organisations", "hourly_rate_gbp", "100.01", "100", "less_than_or_equal_to"),
    ("organisations", "cqc_registered", "", "TRUE", "not_nullable"),
    ("organisations", "year_established", "1849", "1850", "greater_than_or_equal_to"),
    ("organisations", "year_established", "2016", "2015", "less_than_or_equal_to"),
    ("organisations", "funding_self_pct", "70.6", "70.5", "funding_sums_to_100"),
    ("organisations", "funding_personal_budget_pct", "100.1", "30.4", "less_than_or_equal_to"),
    ("organisations", "funding_la_contract_pct", "-0.1", "0", "greater_than_or_equal_to"),
    ("participants", "participant_id", "Q001", "P001", "str_matches"),
    ("participants", "org_id", "O999", "O001", "foreign_key"),
    ("participants", "role", "nurse", "carer", "isin"),
    ("participants", "interviewed_by_co_researcher", "", "true", "not_nullable"),
    ("participants", "age_band", "90+", "", "isin"),
    ("outcomes", "participant_id", "P999", "P001", "foreign_key"),
    ("outcomes", "participant_id", "P002", "P001", "role"),
    ("outcomes", "domain", "food_and_drink", "control_over_daily_life", "isin"),
    ("outcomes", "current_level", "0", "1", "greater_than_or_equal_to"),
    ("outcomes", "current_level", "5", "4", "less_than_or_equal_to"),
    ("outcomes", "current_level", "", "4", "not_nullable"),
    ("outcomes", "expected_level", "5", "", "less_than_or_equal_to"),
    ("outcomes", "proxy", "", "true", "not_nullable"),
    ("experience", "participant_id", "P002", "P001", "role"),
    ("experience", "n_regular_workers", "-1", "0", "greater_than_or_equal_to"),
    ("experience", "n_regular_workers", "31", "30", "less_than_or_equal_to"),
    ("codebook", "code_id", "INN1", "INN99", "str_matches"),
    ("codebook", "theme", "misc", "sustainability", "isin"),
    ("codebook", "sub_theme", "where", "who", "innovation_kind"),
    ("codebook", "label", "x" * 81, "x" * 80, "str_length"),
    ("codebook", "definition", "", "x", "not_nullable"),
    ("codings", "segment_id", "X1", "S1", "str_matches"),
    ("codings", "participant_id", "P999", "P002", "foreign_key"),
    ("codings", "code_id", "INN02", "INN01", "foreign_key"),
    ("codings", "excerpt", "x" * 1001, "x" * 1000, "str_length"),
]


def write_rows(path, rows: list[dict]) -> None:
    """Write rows as a CSV (pandas quotes as needed)."""
    pd.DataFrame(rows).to_csv(path, index=False)


def checks_failed(tmp_path, table: str, row: dict, extra_rows=()) -> list:
    """Validate a one-row (or few-row) table and return the failed checks."""
    path = tmp_path / f"{table}.csv"
    write_rows(path, [row, *extra_rows])
    result = validate_file(table, path, REFS)
    return result.problems


@pytest.mark.parametrize("table", sorted(VALID))
def test_valid_row_passes(tmp_path, table):
    assert checks_failed(tmp_path, table, VALID[table]) == []


@pytest.mark.parametrize("table,column,bad,good,check", BOUNDARIES, ids=[f"{b[0]}.{b[1]}.{b[4]}" for b in BOUNDARIES])
def test_boundary(tmp_path, table, column, bad, good, check):
    outside = checks_failed(tmp_path, table, {**VALID[table], column: bad})
    assert check in {p.check for p in outside}, outside
    hit = next(p for p in outside if p.check == check)
    assert hit.line == 2 and hit.file == f"{table}.csv"
    assert checks_failed(tmp_path, table, {**VALID[table], column: good}) == []


@pytest.mark.parametrize("table,key", [("organisations", "org_id"), ("participants", "participant_id"), ("experience", "participant_id"), ("codebook", "code_id"), ("codings", "segment_id")])
def test_identifier_must_be_unique(tmp_path, table, key):
    problems = checks_failed(tmp_path, table, VALID[table], [VALID[table]])
    assert {p.check for p in problems} == {"field_uniqueness"}
    assert sorted(p.line for p in problems) == [2, 3]


def test_outcome_is_unique_per_person_and_domain(tmp_path):
    problems = checks_failed(tmp_path, "outcomes", VALID["outcomes"], [VALID["outcomes"]])
    assert {p.check for p in problems} == {"multiple_fields_uniqueness"}
    other = {**VALID["outcomes"], "domain": "control_over_daily_life"}
    assert checks_failed(tmp_path, "outcomes", VALID["outcomes"], [other]) == []


def test_every_failure_is_reported_at_once(tmp_path):
    bad = {**VALID["organisations"], "size_band": "tiny", "hourly_rate_gbp": "1", "year_established": "3000"}
    second = {**VALID["organisations"], "org_id": "O002", "governance": "club"}
    problems = checks_failed(tmp_path, "organisations", bad, [second])
    assert {(p.line, p.column) for p in problems} >= {(2, "size_band"), (2, "hourly_rate_gbp"), (2, "year_established"), (3, "governance")}


def test_free_text_is_never_echoed_whole(tmp_path):
    secret = "Mrs Example lives at the end of the long lane " * 30
    problems = checks_failed(tmp_path, "codings", {**VALID["codings"], "excerpt": secret})
    assert problems and all(secret[:40] not in (p.value or "") for p in problems)
    assert "characters" in problems[0].value
