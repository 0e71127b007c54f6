"""Prompt templates as versioned Markdown files: front matter, a `## system` and a `## user` part.

The user part is a `string.Template` (`$name`); data (transcript text) is always filled into a
fenced `<data>` block that the system part says is not instructions.
"""

import re
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


def fence(text: str) -> str:
    """Data text made safe to put between <data> tags: it cannot close the fence itself."""
    return re.sub(r"</?\s*data\s*>", lambda m: m.group(0).replace("<", "‹"), text, flags=re.I)


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
