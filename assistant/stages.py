"""Journey stages: from the user, from the interview guide's headings, or a default taxonomy."""

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from journey.source import Source

DEFAULT_STAGES = (
    (
        "Awareness",
        "first hearing of the brand: ads, social media, friends' recommendations, "
        "word of mouth, search results, reviews",
    ),
    (
        "Consideration",
        "comparing options before buying: prices, plans, the website, reading "
        "reviews, deciding whether it is worth it",
    ),
    (
        "Purchase",
        "signing up and paying: account creation, checkout, payment, promo codes, "
        "placing the first order",
    ),
    (
        "Onboarding",
        "first experience after buying: setup, first delivery, getting started, "
        "learning how it works",
    ),
    (
        "Use",
        "everyday use of the product or service: features, the app, the product itself, "
        "what works and what does not",
    ),
    (
        "Support",
        "getting help when something goes wrong: customer service, chat, hotline, "
        "complaints, refunds, waiting for answers",
    ),
    (
        "Loyalty",
        "staying or leaving: renewal, cancelling, recommending to others, coming back, "
        "overall verdict",
    ),
)


@dataclass(frozen=True)
class StageSpec:
    """A stage to map into: a name and a description that says what belongs in it."""

    name: str
    description: str
    headings: tuple[str, ...] = ()
    """Normalised section headings of the transcripts that belong to this stage."""
    cues: tuple[str, ...] = ()
    """More phrases that say what belongs in it (a preset's words in its other language),
    used to place sentences, not shown."""


def parse_stages(values: Sequence[str]) -> list[StageSpec]:
    """`Name` or `Name: description` strings (or one comma-separated string) -> StageSpecs."""
    items: list[str] = []
    for value in values:
        items.extend(v for v in (value.split(",") if ":" not in value else [value]) if v.strip())
    specs = []
    for item in items:
        name, _, description = item.partition(":")
        specs.append(StageSpec(name.strip(), description.strip() or name.strip()))
    return specs


def heading_key(title: str) -> str:
    """Headings compared loosely: lower case, letters and digits only."""
    return re.sub(r"[\W_]+", " ", title.lower()).strip()


def _clean(title: str) -> str:
    return title.strip().rstrip(".:：").strip()


def stages_from_headings(sources: Sequence[Source]) -> list[StageSpec] | None:
    """Stages from the level-1 headings most interview transcripts share, in guide order."""
    interviews = [s for s in sources if s.kind.value == "interview"]
    with_headings = [s for s in interviews if any(sec.level == 1 for sec in s.sections)]
    if not interviews or len(with_headings) < max(1, 0.5 * len(interviews)):
        return None
    seen: Counter[str] = Counter()
    positions: defaultdict[str, list[float]] = defaultdict(list)
    titles: dict[str, str] = {}
    for source in with_headings:
        level1 = [sec for sec in source.sections if sec.level == 1]
        for i, section in enumerate(level1):
            key = heading_key(section.title)
            if key:
                positions[key].append(i / max(1, len(level1) - 1))
                titles.setdefault(key, _clean(section.title))
        seen.update({heading_key(sec.title) for sec in level1} - {""})
    need = 1 if len(with_headings) == 1 else max(2, round(0.3 * len(with_headings)))
    keys = [k for k in seen if seen[k] >= need]
    if len(keys) < 2:
        return None
    keys.sort(key=lambda k: (sum(positions[k]) / len(positions[k]), k))
    return [StageSpec(titles[k], titles[k], headings=(k,)) for k in keys]


def default_stages() -> list[StageSpec]:
    """The default taxonomy: awareness, consideration, purchase, onboarding, use, support,
    loyalty."""
    return [StageSpec(name, description) for name, description in DEFAULT_STAGES]
