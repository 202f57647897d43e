"""The book's one plotnine theme and its colour-blind-safe palettes (Okabe-Ito)."""

from plotnine import element_blank, element_line, element_text, theme, theme_minimal

from goodcare import vocab

# Okabe & Ito (2008): distinguishable with the common forms of colour-vision deficiency.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}
PROVIDER_COLOURS = {
    vocab.PROVIDER_GROUP_LABELS["micro"]: OKABE_ITO["blue"],
    vocab.PROVIDER_GROUP_LABELS["larger"]: OKABE_ITO["orange"],
}
ROLE_COLOURS = dict(zip(vocab.ROLE_LABELS.values(), ("#0072B2", "#56B4E9", "#E69F00", "#CC79A7")))
# Colours for categories other than provider size (funding sources): none of the two provider colours, so a
# reader never takes a source for micro-enterprises or larger providers.
CATEGORY_COLOURS = (OKABE_ITO["green"], OKABE_ITO["purple"], OKABE_ITO["yellow"])
BASE_SIZE = 10  # points; figures are saved at A4 text width, so this is the printed size


def theme_goodcare() -> theme:
    """Minimal theme, legible at print size: 10 pt text, light horizontal grid, legend at the bottom."""
    return theme_minimal(base_size=BASE_SIZE, base_family="DejaVu Sans") + theme(
        panel_grid_minor=element_blank(),
        panel_grid_major_y=element_line(color="#dddddd", size=0.4),
        panel_grid_major_x=element_blank(),
        axis_text=element_text(color="#222222"),
        strip_text=element_text(weight="bold"),
        legend_position="bottom",
        legend_title=element_blank(),
        plot_title=element_text(weight="bold"),
    )
