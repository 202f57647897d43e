"""Disclosure control: the gate between each chapter's staged analysis outputs and what the book may publish."""

from goodcare.disclosure.rules import Breach, DisclosureError
from goodcare.disclosure.settings import Settings

__all__ = ["Breach", "DisclosureError", "Settings"]
