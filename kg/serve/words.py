"""Labels set inside sentences, for the plain-language parts of the pages."""

from __future__ import annotations

__all__ = ["capitalised", "lowered"]

# Words that begin a label as a common noun ("Siege of …"), not as a name ("Sergius").
_COMMON_WORDS = {
    "Siege",
    "War",
    "Attack",
    "Defence",
    "Decisive",
    "Death",
    "Reign",
    "First",
    "Second",
    "The",
}


def lowered(text: str) -> str:
    """A label inside a sentence: "the Siege …" stays, "Defence of …" becomes "defence of …"."""
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and first[1:].islower() and first in _COMMON_WORDS:
        return text[:1].lower() + text[1:]
    return text


def capitalised(text: str) -> str:
    """A label as a title: its first letter upper case, the rest as it is."""
    return text[:1].upper() + text[1:]
