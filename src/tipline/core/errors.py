"""Errors that carry a message meant for the person who caused them."""


class TiplineError(Exception):
    """Base class: the message is safe and useful to show to the user."""


class RejectedInput(TiplineError):
    """Input that Tipline refuses: malformed, hostile or over a limit."""


class NotPermitted(TiplineError):
    """The acting user may not do this (views turn it into 403, or 404 for reads)."""


class InvalidTransition(TiplineError):
    """A state change that is not allowed from the record's current state."""


class StorageError(TiplineError):
    """The data folder can't take what is written: full, or read-only."""
