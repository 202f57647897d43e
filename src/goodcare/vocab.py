"""Controlled vocabularies of the study data: the codes stored in the CSV files and their labels."""

SIZE_BANDS = ("micro", "small", "medium", "large")
SIZE_BAND_LABELS = {"micro": "Micro", "small": "Small", "medium": "Medium", "large": "Large"}
# Providers compared with micro-enterprises by default (docs/design.md section 4).
LARGER_BANDS = ("small", "medium", "large")
PROVIDER_GROUPS = ("micro", "larger")
PROVIDER_GROUP_LABELS = {"micro": "Micro-enterprise", "larger": "Larger provider"}
MICRO_MAX_FTE = 5.0

GOVERNANCE = (
    "sole_trader",
    "partnership",
    "company",
    "community_interest_company",
    "charity",
    "cooperative",
    "statutory",
)
GOVERNANCE_LABELS = {
    "sole_trader": "Sole trader",
    "partnership": "Partnership",
    "company": "Limited company",
    "community_interest_company": "Community interest company",
    "charity": "Charity",
    "cooperative": "Co-operative",
    "statutory": "Statutory provider",
}

SERVICE_TYPES = ("home_support", "day_service", "one_to_one")
SERVICE_TYPE_LABELS = {
    "home_support": "Home support",
    "day_service": "Day service",
    "one_to_one": "One-to-one support",
}

USER_GROUPS = ("older_people", "learning_disability", "physical_disability", "mixed")
USER_GROUP_LABELS = {
    "older_people": "Older people",
    "learning_disability": "People with learning disabilities",
    "physical_disability": "People with physical disabilities",
    "mixed": "Mixed user groups",
}

ROLES = ("owner_manager", "frontline_staff", "person_using_services", "carer")
ROLE_LABELS = {
    "owner_manager": "Owner or manager",
    "frontline_staff": "Frontline staff",
    "person_using_services": "Person using services",
    "carer": "Carer",
}
# Roles as the sample is published: frontline staff (eight in the study) join owners and managers, since
# eight people can never pass the disclosure threshold of ten in either provider group.
ROLE_GROUPS = {"owner_manager": "provider_staff", "frontline_staff": "provider_staff",
               "person_using_services": "person_using_services", "carer": "carer"}
ROLE_GROUP_LABELS = {
    "provider_staff": "Owner, manager or frontline staff",
    "person_using_services": "Person using services",
    "carer": "Carer",
}
# Roles whose answers appear in outcomes.csv and experience.csv (a carer answers as proxy).
SERVICE_USER_ROLES = ("person_using_services", "carer")

AGE_BANDS = ("18-34", "35-49", "50-64", "65-79", "80+")

ASCOT_DOMAINS = ("control_over_daily_life", "occupation")
ASCOT_DOMAIN_LABELS = {
    "control_over_daily_life": "Control over daily life",
    "occupation": "Occupation",
}
ASCOT_LEVELS = (1, 2, 3, 4)
ASCOT_LEVEL_LABELS = {1: "Ideal state", 2: "No needs", 3: "Some needs", 4: "High needs"}
# The levels as the book publishes their shares: two bands, in scale order. With ten larger providers,
# most of the four levels' shares rest on fewer than ten people; the two bands mostly do not.
ASCOT_LEVEL_BANDS = {1: "ideal_or_no_needs", 2: "ideal_or_no_needs", 3: "some_or_high_needs", 4: "some_or_high_needs"}
ASCOT_LEVEL_BAND_LABELS = {"ideal_or_no_needs": "Ideal state or no needs", "some_or_high_needs": "Some or high needs"}

CODE_THEMES = ("personalisation", "innovation", "sustainability", "outcomes", "cost")
INNOVATION_KINDS = ("what", "how", "who")
