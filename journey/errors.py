"""Error classes shared by every layer; the faces (api/) map them to exit codes and HTTP codes."""


class JourneymapError(Exception):
    """Base of every error journeymap raises on purpose; its message tells the user what to do.

    `code` names the case for programs (an HTTP error's `code`); the class gives its kind."""

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class InputError(JourneymapError):
    """The user's input cannot be used (bad file, bad option); nothing was stored."""


class NotFoundError(JourneymapError):
    """A project, source or map the user named does not exist."""


class UnknownProjectError(NotFoundError):
    """The project named does not exist (a face may say where it looked)."""


class ConfigError(JourneymapError):
    """A setting is missing or wrong; the message names the variable to set."""


class TooLargeError(InputError):
    """Too much at once: a file over the size limit, too many files in one upload."""


MEGABYTE = 1024 * 1024
"""A megabyte as the size limits count it (JOURNEYMAP_MAX_FILE_MB, JOURNEYMAP_MAX_UPLOAD_MB)."""


def size_text(n: float) -> str:
    """A size as an error says it, in the unit its limit is set in: "50 MB" for
    JOURNEYMAP_MAX_FILE_MB=50 (a trial read "52.4288 MB limit", bytes over 10**6), "1.5 MB";
    under a megabyte in bytes, so a small limit never reads "0 MB"."""
    if n < MEGABYTE:
        return f"{round(n):,} bytes"
    return f"{n / MEGABYTE:,.1f}".removesuffix(".0") + " MB"


class UnsupportedError(InputError):
    """A file of a type journeymap cannot read; the message lists the types it can."""


class ConflictError(JourneymapError):
    """What the user asked to create exists already."""


class InvalidRequestError(InputError):
    """A request that cannot be carried out as given: arguments that do not fit together (a
    merge without its target), or files none of which could be used."""


class GoneError(JourneymapError):
    """What a request needs existed once and is gone for good (the files of an interrupted
    ingest, deleted since): send it again."""
