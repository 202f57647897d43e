"""Pandera models of the six study tables: types, ranges, vocabularies, uniqueness and nullability."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from goodcare import vocab

FUNDING_COLUMNS = ("funding_self_pct", "funding_personal_budget_pct", "funding_la_contract_pct")
# Shares are typed to one decimal, so three rounded shares can miss 100 by up to 0.15.
FUNDING_TOLERANCE = 0.5
FREE_TEXT = {"free_text": True}
# Arrow-backed strings: regex and length checks run in Arrow instead of a Python loop per value.
TEXT = pd.StringDtype("pyarrow")
FUNDING_ERROR = f"funding shares sum to 100 (within {FUNDING_TOLERANCE})"
SIZE_ERROR = f"micro means fte_staff <= {vocab.MICRO_MAX_FTE}, other bands more"
INNOVATION_ERROR = "innovation codes have sub_theme what, how or who"
# Row-wise checks across columns: pandera reports them once per column, the report once per row.
ROW_CHECKS = {
    FUNDING_ERROR: ("funding_sums_to_100", FUNDING_COLUMNS),
    SIZE_ERROR: ("size_band_fits_fte", ("size_band", "fte_staff")),
    INNOVATION_ERROR: ("innovation_kind", ("theme", "sub_theme")),
}


class _Base(pa.DataFrameModel):
    class Config:
        strict = True  # an unexpected column is an error, not silently carried along
        coerce = False  # the reader types every column first and reports what it cannot type


class Organisations(_Base):
    """One row per provider organisation."""

    org_id: Series[TEXT] = pa.Field(unique=True, str_matches=r"^O\d+$", description="Organisation identifier (anonymised).")
    site: Series[TEXT] = pa.Field(str_matches=r"^Site \d+$", description="Local-authority site, labelled Site 1, Site 2, ...")
    size_band: Series[TEXT] = pa.Field(isin=vocab.SIZE_BANDS, description="Size band by staff numbers; micro = five or fewer FTE staff.")
    fte_staff: Series[float] = pa.Field(gt=0, le=100_000, description="Full-time-equivalent staff.")
    governance: Series[TEXT] = pa.Field(isin=vocab.GOVERNANCE, description="Legal or organisational form.")
    service_type: Series[TEXT] = pa.Field(isin=vocab.SERVICE_TYPES, description="Main kind of service provided.")
    user_group: Series[TEXT] = pa.Field(isin=vocab.USER_GROUPS, description="Main group of people supported.")
    hourly_rate_gbp: Series[float] = pa.Field(ge=5, le=100, description="Price of one hour of support, in pounds.")
    cqc_registered: Series[pd.BooleanDtype] = pa.Field(description="Registered with the Care Quality Commission.")
    quality_mark: Series[pd.BooleanDtype] = pa.Field(description="Holds a quality mark or kitemark.")
    year_established: Series[pd.Int64Dtype] = pa.Field(ge=1850, le=2015, description="Year the organisation started.")
    funding_self_pct: Series[float] = pa.Field(ge=0, le=100, description="Share of income from self-funders, per cent.")
    funding_personal_budget_pct: Series[float] = pa.Field(ge=0, le=100, description="Share of income from personal budgets, per cent.")
    funding_la_contract_pct: Series[float] = pa.Field(ge=0, le=100, description="Share of income from local-authority contracts, per cent.")

    @pa.dataframe_check(name="funding_sums_to_100", error=FUNDING_ERROR)
    def funding_sums_to_100(cls, df: pd.DataFrame) -> Series[bool]:
        total = df[list(FUNDING_COLUMNS)].sum(axis=1)
        return (total - 100).abs() <= FUNDING_TOLERANCE

    @pa.dataframe_check(name="size_band_fits_fte", error=SIZE_ERROR)
    def size_band_fits_fte(cls, df: pd.DataFrame) -> Series[bool]:
        is_micro = df["size_band"] == "micro"
        return is_micro == (df["fte_staff"] <= vocab.MICRO_MAX_FTE)


class Participants(_Base):
    """One row per person interviewed or surveyed."""

    participant_id: Series[TEXT] = pa.Field(unique=True, str_matches=r"^P\d+$", description="Participant identifier (anonymised).")
    org_id: Series[TEXT] = pa.Field(str_matches=r"^O\d+$", description="Organisation the person belongs to or uses; must exist in organisations.csv.")
    role: Series[TEXT] = pa.Field(isin=vocab.ROLES, description="Role in the study.")
    interviewed_by_co_researcher: Series[pd.BooleanDtype] = pa.Field(description="Interview done or co-led by a co-researcher with lived experience.")
    age_band: Series[TEXT] = pa.Field(isin=vocab.AGE_BANDS, nullable=True, description="Age band; missing if not given.")


class Outcomes(_Base):
    """Adapted ASCOT items, one row per person and domain."""

    participant_id: Series[TEXT] = pa.Field(str_matches=r"^P\d+$", description="Person answering (or answered for); a person using services or a carer.")
    domain: Series[TEXT] = pa.Field(isin=vocab.ASCOT_DOMAINS, description="ASCOT domain asked.")
    current_level: Series[pd.Int64Dtype] = pa.Field(ge=1, le=4, description="Current level: 1 ideal state, 2 no needs, 3 some needs, 4 high needs.")
    expected_level: Series[pd.Int64Dtype] = pa.Field(ge=1, le=4, nullable=True, description="Expected level without the service (same scale); may be missing.")
    proxy: Series[pd.BooleanDtype] = pa.Field(description="Answered by someone else on the person's behalf.")

    class Config:
        unique = ["participant_id", "domain"]


class Experience(_Base):
    """Personalisation items, one row per person using services."""

    participant_id: Series[TEXT] = pa.Field(unique=True, str_matches=r"^P\d+$", description="Person answering; a person using services or a carer.")
    n_regular_workers: Series[pd.Int64Dtype] = pa.Field(ge=0, le=30, nullable=True, description="Number of different workers who regularly support the person.")
    same_worker_usually: Series[pd.BooleanDtype] = pa.Field(nullable=True, description="Usually supported by the same worker.")
    knows_manager: Series[pd.BooleanDtype] = pa.Field(nullable=True, description="Knows the manager of the service.")
    can_change_what: Series[pd.BooleanDtype] = pa.Field(nullable=True, description="Can change what support is given.")
    can_change_when: Series[pd.BooleanDtype] = pa.Field(nullable=True, description="Can change when support is given.")


class Codebook(_Base):
    """The qualitative codebook, one row per code."""

    code_id: Series[TEXT] = pa.Field(unique=True, str_matches=r"^[A-Z]{3}\d{2}$", description="Code identifier, e.g. INN01.")
    theme: Series[TEXT] = pa.Field(isin=vocab.CODE_THEMES, description="Theme the code belongs to.")
    sub_theme: Series[TEXT] = pa.Field(str_matches=r"^[a-z_]+$", description="Sub-theme; for innovation one of what, how, who.")
    label: Series[TEXT] = pa.Field(str_length={"min_value": 1, "max_value": 80}, description="Short label of the code.", metadata=FREE_TEXT)
    definition: Series[TEXT] = pa.Field(str_length={"min_value": 1, "max_value": 1000}, description="What the code captures.", metadata=FREE_TEXT)

    @pa.dataframe_check(name="innovation_kind", error=INNOVATION_ERROR)
    def innovation_kind(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["theme"] != "innovation") | df["sub_theme"].isin(vocab.INNOVATION_KINDS)


class Codings(_Base):
    """Coded qualitative segments, one row per segment and code."""

    segment_id: Series[TEXT] = pa.Field(unique=True, str_matches=r"^S\d+$", description="Segment identifier.")
    participant_id: Series[TEXT] = pa.Field(str_matches=r"^P\d+$", description="Participant the segment comes from.")
    code_id: Series[TEXT] = pa.Field(str_matches=r"^[A-Z]{3}\d{2}$", description="Code applied; must exist in codebook.csv.")
    excerpt: Series[TEXT] = pa.Field(nullable=True, str_length={"max_value": 1000}, description="Anonymised excerpt (quote); optional.", metadata=FREE_TEXT)


MODELS: dict[str, type[_Base]] = {
    "organisations": Organisations,
    "participants": Participants,
    "outcomes": Outcomes,
    "experience": Experience,
    "codebook": Codebook,
    "codings": Codings,
}


def column_kinds(model: type[_Base]) -> dict[str, str]:
    """Map each column of a model to the reader's kind: 'int', 'float', 'bool' or 'str'."""
    kinds = {}
    for name, column in model.to_schema().columns.items():
        dtype = str(column.dtype)
        kinds[name] = {"Int64": "int", "float64": "float", "boolean": "bool"}.get(dtype, "str")  # string[pyarrow] -> str
    return kinds


def free_text_columns(model: type[_Base]) -> set[str]:
    """Columns holding free text, which errors and logs never echo whole."""
    return {name for name, col in model.to_schema().columns.items() if (col.metadata or {}).get("free_text")}
