"""goodcare: the analysis package of the "What size is good care?" research compendium."""

__version__ = "0.1.0"
