"""Errors raised while reading files; each message says what the user can do."""

from journey.errors import InputError


class UnreadableFileError(InputError):
    """A file cannot be ingested (empty, binary, undecodable, corrupt, too large, unsupported)."""
