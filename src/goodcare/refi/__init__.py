"""REFI-QDA exchange files: import a QDA tool's export into the study's codebook and codings, and write them back."""

from goodcare.refi.archive import RefiError
from goodcare.refi.tables import import_export
from goodcare.refi.writer import write_qdpx

__all__ = ["RefiError", "import_export", "write_qdpx"]
