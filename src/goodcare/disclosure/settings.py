"""The disclosure rules' settings: defaults from docs/design.md section 5, overridden by `disclosure:` in config."""

from dataclasses import asdict, dataclass, fields
from pathlib import Path

IDENTIFIER_KINDS = ("email", "phone", "postcode", "nhs_number", "url", "name")
VALUE_ACTIONS = ("suppress", "review", "publish")  # what a magnitude with a negative or a missing contribution gets


@dataclass(frozen=True)
class Settings:
    """Thresholds and switches of every disclosure rule (see config/config.schema.yaml for each)."""

    min_people: int = 10
    min_organisations: int = 3
    max_top1_share: float = 0.5
    max_top2_share: float = 0.9
    min_p_ratio: float = 0.1  # ACRO's p-percent rule (safe_pratio_p)
    zeros_are_disclosive: bool = True  # as ACRO: a zero can disclose that nobody in a group has a property
    # ACRO sends a mean with a negative contribution (dominance is undefined) and one with missing values to
    # review; here "review" stops the build until an output checker decides (suppress or publish).
    negative_values: str = "review"
    missing_values: str = "review"
    k_anonymity: int = 5
    coarsening: tuple = ("service_type", "size_band", "group")
    identifiers: tuple = IDENTIFIER_KINDS
    deny_list: tuple = ()
    deny_list_file: str | None = None
    undescribed: str = "stop"

    @classmethod
    def from_config(cls, config: dict | None) -> "Settings":
        """Settings from the config's `disclosure` mapping (missing keys take their defaults)."""
        config = dict(config or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(config) - known)
        if unknown:
            raise ValueError(f"unknown disclosure settings: {', '.join(unknown)}")
        tuples = {k: tuple(v) for k, v in config.items() if isinstance(v, list)}
        for name in ("negative_values", "missing_values"):
            if name in config and config[name] not in VALUE_ACTIONS:
                raise ValueError(f"disclosure setting {name} must be one of {', '.join(VALUE_ACTIONS)}")
        return cls(**{**config, **tuples})

    def names(self) -> list[str]:
        """The deny-list: names in config plus one per line of the register file, if set."""
        names = list(self.deny_list)
        if self.deny_list_file:
            lines = Path(self.deny_list_file).read_text(encoding="utf-8").splitlines()
            names += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
        return names

    def relaxed(self) -> list[dict]:
        """Every setting weaker than its default (thresholds lowered, checks switched off), for the report."""
        default, out = Settings(), []
        weaker = {
            "min_people": self.min_people < default.min_people,
            "min_organisations": self.min_organisations < default.min_organisations,
            "max_top1_share": self.max_top1_share > default.max_top1_share,
            "max_top2_share": self.max_top2_share > default.max_top2_share,
            "min_p_ratio": self.min_p_ratio < default.min_p_ratio,
            "zeros_are_disclosive": default.zeros_are_disclosive and not self.zeros_are_disclosive,
            # Suppressing is as strict as review (the cell is not released unchecked); publishing is weaker.
            "negative_values": self.negative_values == "publish" != default.negative_values,
            "missing_values": self.missing_values == "publish" != default.missing_values,
            "k_anonymity": self.k_anonymity < default.k_anonymity,
            "identifiers": not set(default.identifiers) <= set(self.identifiers),
            "undescribed": self.undescribed != default.undescribed,
        }
        for name, is_weaker in weaker.items():
            if is_weaker:
                out.append({"setting": name, "default": _show(getattr(default, name)), "value": _show(getattr(self, name))})
        return out

    def public(self) -> dict:
        """The settings as published in the report (the deny-list is counted, never shown)."""
        data = asdict(self)
        data["deny_list"] = f"{len(self.names())} names"
        data.pop("deny_list_file")
        return {k: _show(v) for k, v in data.items()}


def _show(value):
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else value


VALUE_ON_FAILURE = {"suppress": "cell suppressed", "review": "build stops for an output checker's review", "publish": "published, listed"}


@dataclass(frozen=True)
class Rule:
    """One disclosure rule: its id, what it says, its threshold, what enforces it, and what a failure does."""

    id: str
    says: str
    threshold: str
    enforced_by: str
    on_failure: str
    reason: str = ""  # the short reason a suppressed cell shows


def rules(s: Settings) -> list[Rule]:
    """The catalogue of rules with this build's thresholds, in the order the report lists them."""
    hand = "goodcare.disclosure (hand-written)"
    return [
        Rule("min_people", "A cell about people needs enough people.", f"at least {s.min_people} people", hand, "cell suppressed", f"fewer than {s.min_people} people"),
        Rule("min_organisations", "A cell needs enough organisations.", f"at least {s.min_organisations} organisations", hand, "cell suppressed", f"fewer than {s.min_organisations} organisations"),
        Rule("dominance_1", "No organisation supplies too much of a cell.", f"largest organisation at most {s.max_top1_share:.0%}", hand, "cell suppressed", "one organisation dominates"),
        Rule("dominance_2", "No two organisations supply too much of a cell.", f"two largest at most {s.max_top2_share:.0%}", hand, "cell suppressed", "two organisations dominate"),
        Rule("p_percent", "The smaller contributors are not too small beside the largest (ACRO's p-percent rule).", f"others at least {s.min_p_ratio:.0%} of the largest", hand, "cell suppressed", "one organisation is too large beside the rest"),
        Rule("nk_values", "No two organisations supply too much of a mean of money or FTE (ACRO's n,k rule on the values).", f"two largest contributions under {s.max_top2_share:.0%} of the total", hand + "; agrees with ACRO's NKCheck", "cell suppressed", "two organisations dominate the value"),
        Rule("p_percent_values", "The other organisations' contributions to a mean are not too small beside the largest (ACRO's p-percent rule on the values).", f"others at least {s.min_p_ratio:.0%} of the largest", hand + "; agrees with ACRO's PPercentCheck", "cell suppressed", "one organisation is too large beside the rest"),
        Rule("negative_values", "A mean with a negative contribution (dominance is undefined; ACRO sends it to review).", f"negative contributions: {s.negative_values}", hand, VALUE_ON_FAILURE[s.negative_values], "a contribution is negative"),
        Rule("missing_values", "A mean or median with missing contributions (ACRO sends it to review).", f"missing contributions: {s.missing_values}", hand, VALUE_ON_FAILURE[s.missing_values], "a contribution is missing"),
        Rule("secondary", "A suppressed cell cannot be recovered from totals or other outputs, in any chapter.", "every additive line has 0 or at least 2 suppressed cells; partners chosen book-wide", hand, "second cell suppressed (in every chapter that shows it)", "protects another cell"),
        Rule("linked", "A group suppressed in one output is suppressed in every output of the book (one key ledger for all chapters).", "same key, same decision, book-wide", hand, "cell suppressed in every chapter (a group only a chapter the ledger does not read suppresses, shown in another: build stops)", "suppressed elsewhere"),
        Rule("no_extremes", "No minimum or maximum of a distribution is published.", "statistic min/max refused", hand, "build stops"),
        Rule("no_ids", "No per-organisation or per-person rows.", "no org_id, participant_id or segment_id column", hand, "build stops"),
        Rule("undescribed", "Every published number is described by cells.", f"uncovered outputs: {s.undescribed}", hand, {"stop": "build stops", "withhold": "output withheld", "pass": "published unchecked, listed"}[s.undescribed]),
        Rule("identifiers", "No published text (excerpts, codebook, table, value or alt text) holds a direct identifier.", ", ".join(s.identifiers), "presidio-analyzer pattern recognisers (no NLP model), phonenumbers, tldextract (offline), confusable-homoglyphs, and the gate's own name, shape and words-for-symbols matching", "build stops"),
        Rule("k_anonymity", "Quote attributions are k-anonymous across the book.", f"k = {s.k_anonymity}", hand, "attribution coarsened, else quote withheld"),
    ]
