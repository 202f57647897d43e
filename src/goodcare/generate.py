"""Seeded generator of the SYNTHETIC study data: the study's design by default, scalable for benchmarks."""

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from goodcare import vocab
from goodcare.synthetic_text import CODEBOOK, EXCERPT_DRAW, EXCERPTS, STAFF_ROLES

BAND_SHARES = {"micro": 17, "small": 2, "medium": 4, "large": 4}  # the study's 27 organisations
ROLE_SHARES = {"person_using_services": 81, "carer": 27, "owner_manager": 27, "frontline_staff": 8}  # its 143 people
FTE_RANGE = {"micro": (0.5, 5.0), "small": (5.5, 49.9), "medium": (50.0, 249.9), "large": (250.0, 2000.0)}
EFFECTS = ("study", "none")
INSTRUMENTS = Path(__file__).parent / "instruments"
# Themes a segment can carry, by who speaks (codings() picks one by the probabilities there, then a code).
STAFF_THEMES = ("innovation", "sustainability", "cost", "personalisation")
PEOPLE_THEMES = ("personalisation", "outcomes", "innovation", "cost")


def apportion(total: int, shares: dict[str, int]) -> dict[str, int]:
    """Split `total` in proportion to `shares` (largest remainders), so the default design is exact."""
    weights = np.array(list(shares.values()), dtype=float)
    raw = total * weights / weights.sum()
    counts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - counts), kind="stable")[: total - counts.sum()]:
        counts[i] += 1
    return dict(zip(shares, counts.tolist()))


def ids(prefix: str, n: int, width: int) -> np.ndarray:
    """Zero-padded identifiers: O001, O002, ..."""
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width))


def organisations(n: int, rng: np.random.Generator, effect: str) -> pd.DataFrame:
    """Organisations by size band, with staff, governance, services, prices, regulation and funding."""
    counts = apportion(n, BAND_SHARES)
    band = np.repeat(list(counts), list(counts.values()))
    micro = band == "micro"
    low, high = (np.array([FTE_RANGE[b][i] for b in band]) for i in (0, 1))
    fte = np.round(low + (high - low) * rng.beta(1.2, 3.0, n), 1)
    governance = np.where(
        micro,
        rng.choice(["sole_trader", "partnership", "company", "community_interest_company", "cooperative"], n, p=[0.45, 0.15, 0.2, 0.15, 0.05]),
        rng.choice(["company", "charity", "statutory", "community_interest_company"], n, p=[0.45, 0.3, 0.2, 0.05]),
    )
    service = rng.choice(vocab.SERVICE_TYPES, n, p=[0.45, 0.3, 0.25])
    # Prices of 2013-15: micro similar or a little lower, larger providers more spread (study-facts.md).
    shift = -0.8 if effect == "study" else 0.0
    rate = np.where(micro, rng.normal(14.5 + shift, 1.2, n), rng.normal(14.5, 2.0, n))
    self_w = np.where(micro, 3.0, 1.0) if effect == "study" else np.full(n, 2.0)
    la_w = np.where(micro, 1.0, 3.0) if effect == "study" else np.full(n, 2.0)
    shares = rng.dirichlet([1.0, 1.0, 1.0], n) * np.column_stack([self_w, np.full(n, 1.5), la_w])
    shares = np.round(shares / shares.sum(axis=1, keepdims=True) * 100, 1)
    shares[:, 2] = np.round(100 - shares[:, 0] - shares[:, 1], 1)  # rounded shares still sum to exactly 100
    return pd.DataFrame({
        "org_id": ids("O", n, max(3, len(str(n)))),
        "site": np.char.add("Site ", (rng.permutation(n) % 3 + 1).astype(str)),
        "size_band": band,
        "fte_staff": fte,
        "governance": governance,
        "service_type": service,
        "user_group": rng.choice(vocab.USER_GROUPS, n, p=[0.4, 0.25, 0.15, 0.2]),
        "hourly_rate_gbp": np.round(np.clip(rate, 9.5, 24.0), 2),
        # Home support must register with the CQC; a small day or activity provider need not.
        "cqc_registered": (service == "home_support") | (~micro & (rng.random(n) < 0.7)) | (rng.random(n) < 0.2),
        "quality_mark": rng.random(n) < np.where(micro, 0.25, 0.5),
        "year_established": np.where(micro, rng.integers(1995, 2015, n, endpoint=True), rng.integers(1950, 2010, n, endpoint=True)),
        "funding_self_pct": shares[:, 0],
        "funding_personal_budget_pct": shares[:, 1],
        "funding_la_contract_pct": shares[:, 2],
    })


def participants(orgs: pd.DataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """People by role: one owner or manager per organisation, the others spread over organisations."""
    k = len(orgs)
    counts = apportion(n, ROLE_SHARES)
    counts["owner_manager"] = max(counts["owner_manager"], k) if n >= k else counts["owner_manager"]
    counts["person_using_services"] = n - sum(v for r, v in counts.items() if r != "person_using_services")
    roles, org_idx = [], []
    for role in vocab.ROLES:
        m = counts[role]
        roles.append(np.full(m, role, dtype=object))
        # Even spread when a role has at least one person per organisation (the study's three users and one carer each).
        base = np.arange(m) % k if m >= k or role != "frontline_staff" else rng.choice(k, m, replace=False)
        org_idx.append(base)
    role = np.concatenate(roles)
    org = np.concatenate(org_idx)
    order = np.lexsort((np.arange(len(role)), org))  # group people by organisation, stable
    role, org = role[order], org[order]
    is_user = role == "person_using_services"
    age_user = rng.choice(vocab.AGE_BANDS, len(role), p=[0.1, 0.12, 0.18, 0.3, 0.3])
    age_other = rng.choice(vocab.AGE_BANDS, len(role), p=[0.2, 0.3, 0.35, 0.15, 0.0])
    age = np.where(is_user, age_user, age_other).astype(object)
    age[rng.random(len(role)) < 0.03] = None
    return pd.DataFrame({
        "participant_id": ids("P", len(role), max(4, len(str(len(role))))),
        "org_id": orgs["org_id"].to_numpy()[org],
        "role": role,
        "interviewed_by_co_researcher": rng.random(len(role)) < 0.4,
        "age_band": age,
    })


def outcomes(people: pd.DataFrame, orgs: pd.DataFrame, rng: np.random.Generator, effect: str) -> pd.DataFrame:
    """ASCOT levels for both domains: organisation random effects plus a micro effect (if 'study')."""
    users = people[people["role"] == "person_using_services"].reset_index(drop=True)
    org_pos = orgs.reset_index().set_index("org_id")["index"]
    org_effect = rng.normal(0, 0.35, len(orgs))  # clustering: people of one organisation are alike
    micro = (orgs["size_band"] == "micro").to_numpy()
    rows = []
    for d, (domain, boost) in enumerate({"control_over_daily_life": 0.25, "occupation": 0.6}.items()):
        pos = org_pos.loc[users["org_id"]].to_numpy()
        latent = org_effect[pos] + rng.normal(0, 0.8, len(users)) + (boost * micro[pos] if effect == "study" else 0)
        current = np.clip(np.round(2.3 - latent), 1, 4).astype(int)
        expected = np.clip(current + rng.choice([0, 1, 1, 2, 2, 3], len(users)), 1, 4).astype(float)
        expected[rng.random(len(users)) < 0.05] = np.nan
        rows.append(pd.DataFrame({"participant_id": users["participant_id"], "domain": domain, "current_level": current,
                                  "expected_level": pd.array(expected, dtype="Float64").astype("Int64"),
                                  "proxy": rng.random(len(users)) < 0.15, "_order": d}))
    out = pd.concat(rows, ignore_index=True).sort_values(["participant_id", "_order"], kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)


def experience(people: pd.DataFrame, orgs: pd.DataFrame, rng: np.random.Generator, effect: str) -> pd.DataFrame:
    """Continuity, knowing the manager and flexibility: better in micro-enterprises (if 'study')."""
    users = people[people["role"] == "person_using_services"].reset_index(drop=True)
    micro = users["org_id"].map(orgs.set_index("org_id")["size_band"]).eq("micro").to_numpy() & (effect == "study")
    n = len(users)

    def answer(p_micro, p_other, missing=0.04):
        values = pd.array(rng.random(n) < np.where(micro, p_micro, p_other), dtype="boolean")
        values[rng.random(n) < missing] = pd.NA
        return values

    workers = np.where(micro, rng.integers(1, 3, n, endpoint=True), rng.integers(2, 8, n, endpoint=True)).astype(float)
    workers[rng.random(n) < 0.05] = np.nan
    return pd.DataFrame({
        "participant_id": users["participant_id"],
        "n_regular_workers": pd.array(workers, dtype="Float64").astype("Int64"),
        "same_worker_usually": answer(0.85, 0.55),
        "knows_manager": answer(0.9, 0.5),
        "can_change_what": answer(0.75, 0.5),
        "can_change_when": answer(0.7, 0.45),
    })


def excerpt_pools() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All excerpts in one array, with each (code, role) pool's start and size there (size 0: no pool).

    Rows follow the codebook's order of codes, columns vocab.ROLES.
    """
    codes = list(CODEBOOK["code_id"])
    start = np.zeros((len(codes), len(vocab.ROLES)), dtype=np.int64)
    size = np.zeros_like(start)
    flat: list[str] = []
    for i, code in enumerate(codes):
        for j, role in enumerate(vocab.ROLES):
            pool = EXCERPTS.get(code, {}).get(role, ())
            if EXCERPT_DRAW % max(1, len(pool)):
                raise ValueError(f"the excerpt pool of {code} for {role} has {len(pool)} remarks, not a divisor of {EXCERPT_DRAW}")
            start[i, j], size[i, j] = len(flat), len(pool)
            flat.extend(pool)
    return np.array(flat, dtype=object), start, size


def excerpts(code: np.ndarray, role: np.ndarray, draw: np.ndarray) -> np.ndarray:
    """Each segment's excerpt from the pool of its code and its speaker's role (positions in the codebook
    and in vocab.ROLES), vectorised.

    `draw` holds integers in [0, EXCERPT_DRAW): every pool's size divides EXCERPT_DRAW, so draw % size picks
    each remark of a pool with equal chance, and one draw of the size the generator has always made (so
    the random stream, and every other table and column, stay as they were) serves every pool.
    """
    flat, start, size = excerpt_pools()
    n = np.where((code < 0) | (role < 0), 0, size[code, role])
    if (n == 0).any():
        codes = list(CODEBOOK["code_id"])
        missing = sorted({(codes[c] if c >= 0 else "unknown code", vocab.ROLES[r] if r >= 0 else "unknown role")
                          for c, r in zip(code[n == 0], role[n == 0])})
        raise ValueError(f"no excerpt pool for (code, role): {missing[:5]}")
    return flat[start[code, role] + draw % n]


def codings(people: pd.DataFrame, orgs: pd.DataFrame, rng: np.random.Generator, effect: str) -> pd.DataFrame:
    """Coded segments: staff code mostly innovation and sustainability, users and carers personalisation;
    each excerpt (or none, three in ten) comes from the pool written for its code and its speaker's role."""
    book = pd.DataFrame(CODEBOOK)
    micro = people["org_id"].map(orgs.set_index("org_id")["size_band"]).eq("micro").to_numpy() & (effect == "study")
    staff = people["role"].isin(STAFF_ROLES).to_numpy()
    n_segments = rng.poisson(np.where(staff, 3.0, 1.3) + np.where(micro, 0.6, 0.0))
    who = np.repeat(np.arange(len(people)), n_segments)
    themes_staff = np.array(STAFF_THEMES)
    themes_user = np.array(PEOPLE_THEMES)
    p_staff = np.where(micro[who, None], [0.45, 0.3, 0.1, 0.15], [0.25, 0.4, 0.2, 0.15])
    p_user = np.where(micro[who, None], [0.55, 0.3, 0.1, 0.05], [0.4, 0.4, 0.05, 0.15])
    pick = (rng.random(len(who))[:, None] > np.cumsum(np.where(staff[who, None], p_staff, p_user), axis=1)).sum(axis=1)
    pick = np.minimum(pick, 3)
    theme = np.where(staff[who], themes_staff[pick], themes_user[pick])
    code_pos = np.empty(len(who), dtype=np.int64)  # position in the codebook
    for t in np.unique(theme):
        rows = theme == t
        code_pos[rows] = rng.choice(np.flatnonzero(book["theme"].to_numpy() == t), rows.sum())  # one draw per row, as by code_id
    code = book["code_id"].to_numpy(dtype=object)[code_pos]
    role_pos = pd.Index(vocab.ROLES).get_indexer(people["role"])[who]
    excerpt = excerpts(code_pos, role_pos, rng.integers(0, EXCERPT_DRAW, len(who)))
    excerpt[rng.random(len(who)) < 0.3] = None
    return pd.DataFrame({
        "segment_id": ids("S", len(who), max(4, len(str(len(who))))),
        "participant_id": people["participant_id"].to_numpy()[who],
        "code_id": code,
        "excerpt": excerpt,
    })


def generate(n_organisations: int = 27, n_participants: int = 143, seed: int = 2015, effect: str = "study") -> dict[str, pd.DataFrame]:
    """Every study table, synthetic, from one seed."""
    if effect not in EFFECTS:
        raise ValueError(f"effect must be one of {EFFECTS}")
    rng = np.random.default_rng(seed)
    orgs = organisations(n_organisations, rng, effect)
    people = participants(orgs, n_participants, rng)
    return {
        "organisations": orgs,
        "participants": people,
        "outcomes": outcomes(people, orgs, rng, effect),
        "experience": experience(people, orgs, rng, effect),
        "codebook": pd.DataFrame(CODEBOOK),
        "codings": codings(people, orgs, rng, effect),
    }


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path) -> None:
    """Write the tables as UTF-8 CSV with `\\n` line ends, booleans as true/false, empty for missing."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame = frame.copy()
        for column in frame.columns:
            if frame[column].dtype == bool or str(frame[column].dtype) == "boolean":
                frame[column] = frame[column].map({True: "true", False: "false"}).astype(object)
        frame.to_csv(out_dir / f"{name}.csv", index=False, lineterminator="\n", float_format="%.10g")
    write_instruments(out_dir / "instruments")


def write_instruments(folder: Path) -> None:
    """Copy the structured instruments (written for this compendium, shipped with the package)."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in sorted(INSTRUMENTS.glob("*.yaml")):
        (folder / source.name).write_bytes(source.read_bytes())


def main(argv: list[str] | None = None) -> None:
    """Command line: python -m goodcare.generate --out DIR [--seed] [--organisations] [--participants] [--effect]."""
    parser = argparse.ArgumentParser(description="Write SYNTHETIC study data with the study's design (or scaled up).")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--organisations", type=int, default=27)
    parser.add_argument("--participants", type=int, default=143)
    parser.add_argument("--effect", choices=EFFECTS, default="study", help="'none' gives every size band the same distributions")
    args = parser.parse_args(argv)
    write_tables(generate(args.organisations, args.participants, args.seed, args.effect), args.out)


if __name__ == "__main__":
    main()
