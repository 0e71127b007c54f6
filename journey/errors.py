"""Error classes shared by every layer; the faces (api/) map them to exit codes and HTTP codes."""


class JourneymapError(Exception):
    """Base of every error journeymap raises on purpose; its message tells the user what to do."""


class InputError(JourneymapError):
    """The user's input cannot be used (bad file, bad option); nothing was stored."""


class NotFoundError(JourneymapError):
    """A project, source or map the user named does not exist."""


class ConfigError(JourneymapError):
    """A setting is missing or wrong; the message names the variable to set."""
