"""Chapter 4 (Methods): the sample by role, provider size and site; co-researcher involvement."""

import pandas as pd
from plotnine import aes, coord_flip, geom_col, geom_text, ggplot, guide_legend, guides, labs, position_dodge, scale_fill_manual

from goodcare import vocab
from goodcare.fmt import pct
from goodcare.groups import with_organisation
from goodcare.outputs import ChapterResult, Figure, Table, about_no_one, cells, contributors, place, value_cells
from goodcare.theme import PROVIDER_COLOURS, theme_goodcare

GROUP_LABELS = vocab.PROVIDER_GROUP_LABELS


def people_by_role(people: pd.DataFrame, roles: tuple = vocab.ROLES, column: str = "role") -> pd.DataFrame:
    """Counts of participants by role (rows, study order) and provider group, with totals."""
    counts = pd.crosstab(pd.Categorical(people[column], roles), people["group"], dropna=False)
    counts = counts.reindex(columns=list(vocab.PROVIDER_GROUPS), fill_value=0)
    counts["total"] = counts.sum(axis=1)
    counts.index.name = "role"
    return counts.reset_index()


def with_role_group(people: pd.DataFrame) -> pd.DataFrame:
    """Participants with the role group they are published under (see vocab.ROLE_GROUPS)."""
    return people.assign(role_group=people["role"].map(vocab.ROLE_GROUPS))


def organisations_by_site(orgs: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Organisations and participants per site (not split by provider size: with ten larger providers in
    three sites, a site's count of larger providers falls below the disclosure threshold)."""
    table = orgs.groupby("site").size().rename("organisations").to_frame()
    table["participants"] = people.groupby("site").size().reindex(table.index, fill_value=0)
    return table.sort_index().reset_index()


def role_figure(by_role: pd.DataFrame, role_cells: pd.DataFrame) -> Figure:
    """Dodged bars of participants by role and provider group, with the data drawn and alt text."""
    long = by_role.melt(id_vars="role", value_vars=list(vocab.PROVIDER_GROUPS), var_name="group", value_name="participants")
    long["role_label"] = pd.Categorical(long["role"].map(vocab.ROLE_GROUP_LABELS), list(vocab.ROLE_GROUP_LABELS.values())[::-1])
    # Reversed so that, after coord_flip, micro sits above larger within each role; the legend is reversed back.
    long["provider"] = pd.Categorical(long["group"].map(GROUP_LABELS), list(GROUP_LABELS.values())[::-1])
    long["label_at"] = long["participants"] + long["participants"].max() * 0.015
    plot = (
        ggplot(long, aes("role_label", "participants", fill="provider"))
        + geom_col(position=position_dodge(width=0.8), width=0.75)
        + geom_text(aes(y="label_at", label="participants"), position=position_dodge(width=0.8), ha="left", size=8)
        + coord_flip()
        + scale_fill_manual(values=PROVIDER_COLOURS)
        + guides(fill=guide_legend(reverse=True))
        + labs(x="", y="Participants")
        + theme_goodcare()
    )
    parts = [
        f"{vocab.ROLE_GROUP_LABELS[r.role]}: {r.micro} with micro-enterprises, {r.larger} with larger providers"
        for r in by_role.itertuples()
    ]
    alt = f"Bar chart of the {int(by_role['total'].sum())} participants by role and provider size. " + "; ".join(parts) + "."
    data = long[["role", "group", "participants"]].reset_index(drop=True)
    figure_cells = place(role_cells, "count", data[["role", "group"]], "participants")
    return Figure(plot, data, alt, height=3.0, cells=figure_cells, labels=2)


def sample_cells(people: pd.DataFrame, orgs: pd.DataFrame, by_site: pd.DataFrame) -> dict:
    """Who stands behind each number of the chapter: its tables, its figure and its values."""
    # Keys name the published role group as "role", so figure, table and values cells of one group agree.
    grouped = people.drop(columns="role").rename(columns={"role_group": "role"})
    role_group = contributors(grouped, ["role", "group"])
    roles = pd.DataFrame({"role": list(vocab.ROLE_GROUP_LABELS)})
    sites = by_site[["site"]]
    co_res = contributors(people[people["interviewed_by_co_researcher"].astype(bool)].assign(co_researcher="yes"), ["co_researcher"])
    return {
        "role_group": role_group,
        "by_role": cells(
            place(role_group, "count", roles, ("group", GROUP_LABELS)),
            place(contributors(grouped, ["role"]), "count", roles, "Total"),
        ),
        "by_site": cells(
            place(contributors(orgs, ["site"], unit=None), "count", sites, "Organisations", unit="organisations"),
            place(contributors(people, ["site"]), "count", sites, "Participants"),
        ),
        "values": cells(
            value_cells(contributors(orgs, [], unit=None), "n_organisations", "count", unit="organisations"),
            value_cells(contributors(orgs, ["group"], unit=None), "n_{group}", "count", unit="organisations"),
            value_cells(contributors(people, []), "n_participants", "count"),
            value_cells(contributors(grouped, ["role"]), "by_role.{role}", "count"),
            value_cells(co_res, "n_co_researcher", "count"),
            value_cells(co_res, "pct_co_researcher", "share"),
            about_no_one("n_sites"),  # the study design: three sites
        ),
    }


def analyse(frames: dict[str, pd.DataFrame], seed: int = 0, reps: int = 0, level: float = 0.95) -> ChapterResult:
    """Describe the sample: people by role and provider group, organisations and people by site."""
    orgs = with_organisation(frames["organisations"][["org_id"]], frames["organisations"], ("size_band", "site"))
    people = with_role_group(with_organisation(frames["participants"], frames["organisations"], ("size_band", "site")))
    by_role = people_by_role(people, tuple(vocab.ROLE_GROUP_LABELS), "role_group")
    by_site = organisations_by_site(orgs, people)
    described = sample_cells(people, orgs, by_site)
    n_people = len(people)
    co_res = int(people["interviewed_by_co_researcher"].sum())
    table_role = by_role.assign(role=by_role["role"].map(vocab.ROLE_GROUP_LABELS)).rename(
        columns={"role": "Role", "micro": GROUP_LABELS["micro"], "larger": GROUP_LABELS["larger"], "total": "Total"}
    )
    table_site = by_site.rename(
        columns={"site": "Site", "organisations": "Organisations", "participants": "Participants"}
    )
    values = {
        "n_organisations": len(orgs),
        "n_micro": int((orgs["group"] == "micro").sum()),
        "n_larger": int((orgs["group"] == "larger").sum()),
        "n_sites": int(orgs["site"].nunique()),
        "n_participants": n_people,
        "by_role": {r.role: int(r.total) for r in by_role.itertuples()},
        "n_co_researcher": co_res,
        "pct_co_researcher": pct(co_res / n_people) if n_people else None,
    }
    return ChapterResult(
        tables={"sample-by-role": Table(table_role, described["by_role"]), "sample-by-site": Table(table_site, described["by_site"])},
        figures={"methods-sample": role_figure(by_role, described["role_group"])},
        values=values,
        value_cells=described["values"],
    )
