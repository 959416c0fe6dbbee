"""The one error type an import raises: its message is written for the user."""

from __future__ import annotations


class ExportError(ValueError):
    """A file cannot be imported at all. ``str(error)`` is a plain-language message that
    names the file (and the row, where there is one); it is shown to the user as it is."""

    def __init__(self, file_name: str, message: str, row: int | None = None) -> None:
        self.file_name = file_name
        self.row = row
        where = f"{file_name}, row {row}" if row is not None else file_name
        super().__init__(f"{where}: {message}")
