"""Prompt templates as versioned Markdown files: front matter, a `## system` and a `## user` part.

The user part is a `string.Template` (`$name`); data (transcript text, and anything taken from
it such as stage names) is always filled into a fenced `<data>` block that the system part says
is not instructions, after fence() has made sure nothing in it can close (or open) that block.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import Template


@dataclass(frozen=True)
class Prompt:
    """One prompt: its name, version, and system and user templates."""

    name: str
    version: int
    system: Template
    user: Template

    @property
    def tag(self) -> str:
        """`name@version`, as recorded in a map's generator."""
        return f"{self.name}@{self.version}"


_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


# Anything a model may read as "<": the ASCII sign, its full-width and small forms, and the HTML
# entities for it.
_OPENER = re.compile(r"[<\uff1c\ufe64]|&(?:lt|#0*60|#x0*3c);?", re.I)
_SLASHES = "/\\\u2044\u2215\u29f8"
_LOOKAHEAD = 48


def _opens_a_data_tag(after: str) -> bool:
    """True if the text after a "<" reads as `data` or `/data` once width, case, spaces and
    invisible characters are ignored (`</ DATA foo="x">`, full-width forms, a zero-width
    space after the "<"), or if the window is too short to tell: then it counts as a tag."""
    plain = unicodedata.normalize("NFKC", after).casefold()
    plain = "".join(
        c for c in plain if not c.isspace() and unicodedata.category(c) not in ("Cf", "Cc")
    )
    word = plain.lstrip(_SLASHES)
    return word.startswith("data") or "data".startswith(word)


_NEUTRAL = "\u2039"
"""What a "<" that starts a data tag becomes: a single angle quote, which closes nothing."""


def fence(text: str) -> str:
    """Data text made safe to put between <data> tags: nothing in it can close the fence (or
    open another one), however it spells the tag."""

    def neutral(m: re.Match[str]) -> str:
        tag = _opens_a_data_tag(text[m.end() : m.end() + _LOOKAHEAD])
        return _NEUTRAL if tag else m.group(0)

    return _OPENER.sub(neutral, text)


@cache
def load(name: str) -> Prompt:
    """The prompt `prompts/<name>.md`."""
    text = resources.files(__name__).joinpath(f"{name}.md").read_text(encoding="utf-8")
    front = _FRONT.match(text)
    if front is None:
        raise ValueError(f"prompts/{name}.md has no front matter")
    meta = dict(line.split(":", 1) for line in front.group(1).splitlines() if ":" in line)
    body = text[front.end() :]
    _, _, rest = body.partition("## system\n")
    system, _, user = rest.partition("## user\n")
    return Prompt(
        name=meta["name"].strip(),
        version=int(meta["version"]),
        system=Template(system.strip()),
        user=Template(user.strip() + "\n"),
    )
