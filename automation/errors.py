"""Exceptions for "the run cannot proceed". Problems in rows are values (findings), not errors.

Every message is Vietnamese, one line, and says what to do; the CLI prints it and exits 2.
"""


class ThiduaError(Exception):
    """The run cannot proceed."""


class ConfigError(ThiduaError):
    """A setting is missing or wrong (thidua.toml, environment, flags)."""


class CampaignError(ThiduaError):
    """The campaign file or the column schema is not valid."""


class SourceError(ThiduaError):
    """The spreadsheet cannot be opened, read or saved."""


class SourceLockedError(SourceError):
    """Another program (an office suite, another sync) holds the spreadsheet."""


class ArchiveRefused(ThiduaError):
    """A sync would move a large share of the documents to Lưu trữ: it stops until told to go ahead."""


class StoreError(ThiduaError):
    """The document store (the output folder, the Drive folder) cannot be read or written."""
