"""Personas from evidence: participants grouped by what they experience.

Each participant is profiled by the themes they raise (weighted by how much of what they said
each theme takes, and by how rare the theme is), how they feel in each stage and their segment
attributes. The profiles are clustered (k-means on unit vectors) for 2..MAX_PERSONAS groups;
a number of groups counts only if every group has MIN_PERSONA members and its silhouette beats
the silhouette the same procedure reaches on profiles with no structure (each column shuffled
on its own) by a clear margin: MIN_GAP, and NULL_Z times the shuffles' spread. A study too
small or too uniform has no personas.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from journey.lanes import on_the_curve
from journey.schema import (
    CodedObservation,
    DefiningTheme,
    Evidence,
    Finding,
    JourneyMap,
    PainPoint,
    Persona,
    PersonaStage,
    every_field,
    participant_key,
)

PERSONA_KEY = "persona"
"""The segment attribute each member's persona is written under."""
MIN_PERSONA = 3
"""Members a persona needs at least (more in large studies: see `min_size`)."""
MAX_PERSONAS = 5
MIN_GAP = 0.02
"""The least the silhouette must beat the shuffled profiles' by to count as structure..."""
NULL_Z = 3.0
"""...and by at least this many standard deviations of the shuffled profiles' silhouettes:
beyond what chance gives profiles like these (the gap statistic's use of the reference
spread, Tibshirani et al. 2001). A fixed 0.03 alone read noise as a verdict: the sample
study's three groups (recipe lovers, people fighting the skip button, delivery and price
complaints) beat 20 shuffles by 0.027, 3.8 of their standard deviations."""
NULL_ROUNDS = 20
"""Shuffled profiles the silhouette is compared with: with 5 the null mean wobbled by ~0.005;
20 cost 1.8 s more at MAX_FIT rows."""
MAX_FIT = 1500
"""Participants the clustering is fitted on; the rest join their nearest group."""
STAGE_WEIGHT = 0.5
SEGMENT_WEIGHT = 0.5
MAX_NAME = 60


@dataclass
class Profile:
    """What one participant experiences, from their coded quotes."""

    themes: Counter[str] = field(default_factory=Counter)
    """Quotes per theme id."""
    feelings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    """Valences of their feeling quotes, per stage."""
    segment: dict[str, str] = field(default_factory=dict)
    observations: list[CodedObservation] = field(default_factory=list)


def profiles(m: JourneyMap) -> dict[str, Profile]:
    """Every participant with coded quotes in the map, by participant id."""
    out: dict[str, Profile] = defaultdict(Profile)
    for o in m.observations:
        p = out[participant_key(o.evidence)]
        p.observations.append(o)
        p.segment.update(o.segment)
        if o.theme:
            p.themes[o.theme] += 1
        if on_the_curve(o):
            p.feelings[o.stage].append(o.valence)
    return dict(sorted(out.items()))


def min_size(participants: int) -> int:
    """Members a persona needs: MIN_PERSONA, or 5% of the participants in a large study."""
    return max(MIN_PERSONA, math.ceil(0.05 * participants))


def _features(people: dict[str, Profile], stages: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Unit rows: rare themes weighted by their part of the participant's words, then the
    participant's feeling per stage and their segment values (lighter)."""
    df = Counter(t for p in people.values() for t in p.themes)
    n = len(people)
    themes = sorted(t for t, c in df.items() if 2 <= c < n)  # one person's, or everyone's: no help
    keys = sorted(
        k
        for k, values in _segment_values(people.values()).items()
        if 2 <= len(values) <= 8 and k != PERSONA_KEY
    )
    columns = [(k, v) for k in keys for v in sorted(_segment_values(people.values())[k])]
    rows = np.zeros((n, len(themes) + len(stages) + len(columns)))
    for i, p in enumerate(people.values()):
        said = sum(p.themes[t] for t in themes) or 1
        for j, t in enumerate(themes):
            rows[i, j] = p.themes[t] / said * math.log(n / df[t])
        norm = float(np.linalg.norm(rows[i, : len(themes)]))
        if norm:
            rows[i, : len(themes)] /= norm
        for j, stage in enumerate(stages):
            if p.feelings.get(stage):
                rows[i, len(themes) + j] = STAGE_WEIGHT * float(np.mean(p.feelings[stage])) / 2
        for j, (k, v) in enumerate(columns):
            if p.segment.get(k) == v:
                rows[i, len(themes) + len(stages) + j] = SEGMENT_WEIGHT
    rows /= np.linalg.norm(rows, axis=1, keepdims=True) + 1e-12
    return themes, rows


def _segment_values(people: Iterable[Profile]) -> dict[str, set[str]]:
    values: dict[str, set[str]] = defaultdict(set)
    for p in people:
        for k, v in p.segment.items():
            values[k].add(v)
    return values


def _silhouette(rows: np.ndarray, k: int) -> tuple[float, np.ndarray]:
    from sklearn.cluster import KMeans  # type: ignore[import-untyped]  # heavy: when needed
    from sklearn.metrics import silhouette_score  # type: ignore[import-untyped]

    labels = KMeans(n_clusters=k, n_init=4, random_state=0).fit_predict(rows)
    if len(set(labels.tolist())) < 2:
        return -1.0, labels
    return float(silhouette_score(rows, labels)), labels


def _shuffled(rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = np.column_stack([rng.permutation(rows[:, j]) for j in range(rows.shape[1])])
    return np.asarray(out / (np.linalg.norm(out, axis=1, keepdims=True) + 1e-12))


def choose_groups(rows: np.ndarray, smallest: int) -> np.ndarray | None:
    """Group labels per row, or None when the rows do not support two groups or more of
    `smallest` members each (see the module's docstring)."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    # One thread: k-means' OpenMP threads spin against each other on a busy machine (0.5 s
    # per fit instead of milliseconds), and one thread gives the same labels everywhere.
    with threadpool_limits(limits=1):
        return _choose_groups(rows, smallest)


def _choose_groups(rows: np.ndarray, smallest: int) -> np.ndarray | None:
    n = len(rows)
    distinct = len(np.unique(rows.round(6), axis=0))
    top = min(MAX_PERSONAS, n // smallest, distinct - 1)
    if top < 2:
        return None
    rng = np.random.default_rng(0)
    fit = rows if n <= MAX_FIT else rows[np.sort(rng.choice(n, MAX_FIT, replace=False))]
    nulls = [_shuffled(fit, rng) for _ in range(NULL_ROUNDS)]
    best: tuple[float, int] | None = None
    for k in range(2, top + 1):
        score, labels = _silhouette(fit, k)
        if min(Counter(labels.tolist()).values()) < smallest * len(fit) / n:
            continue
        chance = np.array([_silhouette(null, k)[0] for null in nulls])
        gap = score - float(chance.mean())
        beyond = gap >= max(MIN_GAP, NULL_Z * float(chance.std()))
        if beyond and (best is None or gap > best[0] + 0.005):  # ties: fewer groups
            best = (gap, k)
    if best is None:
        return None
    from sklearn.cluster import KMeans

    model = KMeans(n_clusters=best[1], n_init=4, random_state=0).fit(fit)
    labels = model.predict(rows)
    if min(Counter(labels.tolist()).values()) < smallest:
        return None
    return np.asarray(labels)


def _findings(m: JourneyMap) -> dict[str, Finding]:
    return {
        f.id: f
        for s in m.stages
        for f in (*s.pain_points, *s.delights, *s.pain_points_once, *s.delights_once)
    }


def describe_group(
    m: JourneyMap,
    members: Sequence[str],
    people: dict[str, Profile],
    persona_id: str,
    name: str | None = None,
    origin: str = "clustered",
    max_themes: int = 3,
) -> Persona:
    """A persona of these members: its defining themes (share among members against the
    other participants'), a member's quote, its emotion curve and its top pain points."""
    findings = _findings(m)
    inside = set(members)
    rest = [p for p in people if p not in inside]
    raised_in: Counter[str] = Counter(t for p in members for t in people[p].themes)
    raised_out: Counter[str] = Counter(t for p in rest for t in people[p].themes)
    size = len(members)
    lifts = sorted(
        (
            (raised_in[t] / size - raised_out[t] / max(1, len(rest)), -raised_in[t], t)
            for t in raised_in
            if t in findings and raised_in[t] >= 2
        ),
        key=lambda x: (-x[0], x[1], x[2]),
    )
    defining = [
        DefiningTheme(
            theme=t,
            title=findings[t].title,
            participants=raised_in[t],
            share=round(raised_in[t] / size, 3),
            rest_share=round(raised_out[t] / max(1, len(rest)), 3),
        )
        for lift, _, t in lifts[:max_themes]
        if lift > 0
    ]
    stages: dict[str, PersonaStage] = {}
    for stage in (s.name for s in m.stages):
        means = [
            float(np.mean(people[p].feelings[stage]))
            for p in members
            if people[p].feelings.get(stage)
        ]
        if means:
            stages[stage] = PersonaStage(
                mean_valence=round(float(np.mean(means)), 3),
                participants=len(means),
                quotes=sum(len(people[p].feelings.get(stage, [])) for p in members),
            )
    pains = Counter(
        t for p in members for t in people[p].themes if isinstance(findings.get(t), PainPoint)
    )
    return Persona(
        id=persona_id,
        name=name or _group(m, persona_id),  # found ones are named together: _distinct_names
        origin=origin,
        participants=sorted(members),
        size=size,
        defining_themes=defining,
        quote=_quote(defining, findings, inside, people),
        stages=stages,
        pain_points=[t for t, _ in sorted(pains.items(), key=lambda kv: (-kv[1], kv[0]))[:5]],
    )


NAMED_FROM = 0.5
"""The least share of a persona's members that must raise a theme for it to name them: a
read-out trial's "Coffee is free and terrible" persona of 32 was 4 who said so (a persona
named by what most of it does not say is "Group N")."""


def _group(m: JourneyMap, persona_id: str) -> str:
    """A persona no theme names, in the map's language, saying so: "Group 2: no theme most
    share" (the sample's largest persona read "Group 1", as if its name were still to come)."""
    n = persona_id.rsplit("-", 1)[-1]
    if m.language == "zh":
        return f"第 {n} 组：没有多数人共同提到的主题"
    return f"Group {n}: no theme most share"


NAMED_LIFT = 0.2
"""The least lead of a naming theme's share among a persona's members over its share among
everyone else: a theme half the study raises names no group of it (a laptop-review trial's
"Macbook is a fantastic laptop" named two personas, raised by 54% of the rest)."""


_FELT = {
    "en": {"pp-": "Frustrated: ", "dl-": "Pleased: "},
    "zh": {"pp-": "困扰：", "dl-": "满意："},
}
"""What a persona's naming theme is to its members, before its title: a persona named "No
tracking link" or "Recipe cards are really clear" read as one more finding (the sample's
segment list)."""


def _felt(d: DefiningTheme, language: str) -> str:
    said = _FELT.get(language, _FELT["en"])
    return next((word for prefix, word in said.items() if d.theme.startswith(prefix)), "")


def _name(
    defining: Sequence[DefiningTheme], taken: Collection[str] = (), language: str = "en"
) -> tuple[str, list[str]]:
    """A persona's name and the titles in it: its (at most two) defining themes that most of
    its members raise and the rest clearly less, leaving out titles in `taken`; each says
    whether it frustrates or pleases them ("Frustrated: No tracking link · Can't skip a week"),
    once for two of a kind."""
    name, used, last = "", [], ""
    naming = [
        d
        for d in defining
        if d.share >= NAMED_FROM and d.share - d.rest_share >= NAMED_LIFT and d.title not in taken
    ]
    for d in naming[:2]:
        felt = _felt(d, language)
        if not name:
            said = felt + d.title
        elif felt == last:
            said = d.title
        else:  # "Frustrated: No tracking link · pleased: Recipe cards are clear"
            said = (felt[:1].lower() + felt[1:] if language == "en" else felt) + d.title
        joined = f"{name} · {said}" if name else said
        if len(joined) > MAX_NAME and name:
            break
        name, last = joined, felt
        used.append(d.title)
    return name[:MAX_NAME], used


def _quote(
    defining: Sequence[DefiningTheme],
    findings: dict[str, Finding],
    members: set[str],
    people: dict[str, Profile],
) -> Evidence | None:
    """A member's words on the most defining theme: the theme's most typical such quote."""
    for d in defining:
        for e in findings[d.theme].evidence:
            if participant_key(e) in members:
                return e
        for p in sorted(members):
            for o in people[p].observations:
                if o.theme == d.theme:
                    return o.evidence
    return None


def find_personas(m: JourneyMap) -> list[Persona]:
    """Personas clustered from the map's coded quotes, largest first; none when the study has
    too few participants or no groups stand apart."""
    people = {p: prof for p, prof in profiles(m).items() if prof.themes}
    if len(people) < 2 * MIN_PERSONA:
        return []
    _, rows = _features(people, [s.name for s in m.stages])
    labels = choose_groups(rows, min_size(len(people)))
    if labels is None:
        return []
    names = list(people)
    groups: dict[int, list[str]] = defaultdict(list)
    for who, label in zip(names, labels.tolist(), strict=True):
        groups[label].append(who)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), sorted(g)))
    personas = [
        describe_group(m, members, people, f"persona-{i}") for i, members in enumerate(ordered, 1)
    ]
    return _distinct_names(m, personas)


def _distinct_names(m: JourneyMap, personas: Sequence[Persona]) -> list[Persona]:
    """Found personas named in turn, largest first, each by themes no earlier name has (the
    segment switcher had offered "Macbook is a fantastic laptop" twice); "Group N" when none
    is left."""
    taken: set[str] = set()
    out = []
    for p in personas:
        name, used = _name(p.defining_themes, taken, m.language)
        taken.update(used)
        out.append(p.model_copy(update={"name": name or _group(m, p.id)}))
    return _unique_names(out)


def personas_by_segment(m: JourneyMap, key: str) -> list[Persona]:
    """One persona per value of a segment attribute (the user's own personas), largest first."""
    people = profiles(m)
    groups: dict[str, list[str]] = defaultdict(list)
    for who, p in people.items():
        if key in p.segment:
            groups[p.segment[key]].append(who)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [
        describe_group(m, members, people, f"persona-{i}", name=value, origin=f"segment {key}")
        for i, (value, members) in enumerate(ordered, 1)
    ]


def _unique_names(personas: list[Persona]) -> list[Persona]:
    seen: Counter[str] = Counter(p.name for p in personas)
    return [
        p.model_copy(update={"name": f"{p.name} ({p.id})"}) if seen[p.name] > 1 else p
        for p in personas
    ]


def with_personas(m: JourneyMap, personas: Sequence[Persona] | None = None) -> JourneyMap:
    """The map with its personas (found, unless given), each member's persona written as the
    segment `persona` of their observations and of the findings they raised, so views per
    segment show personas. A study that has its own `persona` segment keeps it."""
    personas = list(find_personas(m) if personas is None else personas)
    if not personas or PERSONA_KEY in m.sources.segments:
        return m.model_copy(update={"personas": personas})
    of = {who: p.name for p in personas for who in p.participants}
    observations = [
        # Built from the observation's own checked fields: no validation again, and the set of
        # field names shared (a copy of each coded observation is ~100 MB at 100,000 reviews).
        CodedObservation.model_construct(
            every_field(CodedObservation),
            **{**o.__dict__, "segment": {**o.segment, PERSONA_KEY: of[key]}},
        )
        if (key := participant_key(o.evidence)) in of
        else o
        for o in m.observations
    ]
    raised: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for o in observations:
        if o.theme and PERSONA_KEY in o.segment:
            raised[o.theme][o.segment[PERSONA_KEY]].add(participant_key(o.evidence))
    stages = []
    for stage in m.stages:
        lists = {}
        for name in ("pain_points", "delights", "pain_points_once", "delights_once"):
            lists[name] = [
                f.model_copy(
                    update={
                        "segments": {
                            **f.segments,
                            PERSONA_KEY: {v: len(ps) for v, ps in sorted(raised[f.id].items())},
                        }
                    }
                )
                if f.id in raised
                else f
                for f in getattr(stage, name)
            ]
        stages.append(stage.model_copy(update=lists))
    sources = m.sources.model_copy(
        update={
            "segments": {
                **m.sources.segments,
                PERSONA_KEY: {p.name: p.size for p in sorted(personas, key=lambda p: p.name)},
            }
        }
    )
    return m.model_copy(
        update={
            "personas": personas,
            "observations": observations,
            "stages": stages,
            "sources": sources,
        }
    )


def after_edits(m: JourneyMap) -> JourneyMap:
    """The map's found personas described again from the map as edited: the same members, their
    defining themes and names by the themes' titles and ids now (a curation trial's personas
    kept a renamed theme's old title, in the HTML's segment switcher 51 times, and a dismissed
    theme's id, which a rebuild later gave another theme)."""
    if not m.personas or any(p.origin != "clustered" for p in m.personas):
        return m
    old = {p.name for p in m.personas}
    if set(m.sources.segments.get(PERSONA_KEY, {})) != old:
        return m  # the study's own persona segment: not ours to rewrite

    def bare(segments: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in segments.items() if k != PERSONA_KEY}

    lists = ("pain_points", "delights", "pain_points_once", "delights_once")
    stages = [
        stage.model_copy(
            update={
                name: [f.model_copy(update={"segments": bare(f.segments)}) for f in found]
                for name in lists
                if (found := getattr(stage, name))
            }
        )
        for stage in m.stages
    ]
    unsegmented = m.model_copy(
        update={
            "observations": [
                o.model_copy(update={"segment": bare(o.segment)}) if PERSONA_KEY in o.segment else o
                for o in m.observations
            ],
            "sources": m.sources.model_copy(update={"segments": bare(m.sources.segments)}),
            "stages": stages,
        }
    )
    people = profiles(unsegmented)
    personas = [
        describe_group(unsegmented, [w for w in p.participants if w in people], people, p.id)
        for p in m.personas
    ]
    return with_personas(unsegmented, _distinct_names(unsegmented, personas))
