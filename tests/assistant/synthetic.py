"""Journey maps written by hand for the statistics of personas, comparisons and diffs: who
said what (stage, theme, valence), with segment attributes."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from journey.schema import (
    CodedObservation,
    Delight,
    Emotion,
    Evidence,
    Finding,
    Generator,
    JourneyMap,
    MapStats,
    ObservationKind,
    PainPoint,
    SourcesSummary,
    Stage,
)

Said = tuple[str, str | None, float]
"""(stage, theme id or None, valence): one coded quote. Theme ids starting `pp-` are pain
points, `dl-` delights."""


def synthetic_map(
    people: Mapping[str, Sequence[Said]],
    segments: Mapping[str, Mapping[str, str]] | None = None,
    stages: Sequence[str] = ("Buy", "Use"),
    titles: Mapping[str, str] | None = None,
    map_id: str = "map-synthetic",
    quote_prefix: str = "",
) -> JourneyMap:
    """A map whose observations are exactly what `people` said; each theme a finding homed
    in the first stage it is met in, its quotes the members' words."""
    segments = segments or {}
    titles = titles or {}
    observations: list[CodedObservation] = []
    members: dict[str, list[CodedObservation]] = defaultdict(list)
    for who, said in people.items():
        offset = 0
        for i, (stage, theme, valence) in enumerate(said):
            quote = f"{quote_prefix}{who} says {theme or 'nothing'} in {stage} ({i})"
            kind = (
                ObservationKind.pain_point
                if theme and theme.startswith("pp-")
                else ObservationKind.delight
                if theme and theme.startswith("dl-")
                else ObservationKind.need
            )
            o = CodedObservation(
                kind=kind,
                stage=stage,
                touchpoint=None,
                channel=None,
                emotion="frustrated" if valence < 0 else "satisfied",
                valence=valence,
                severity=3 if kind is ObservationKind.pain_point else 1,
                evidence=Evidence(
                    quote=quote,
                    source_id=f"src-{who}",
                    source_path=f"{who}.txt",
                    char_start=offset,
                    char_end=offset + len(quote),
                    participant_id=who,
                    verified=True,
                ),
                segment=dict(segments.get(who, {})),
                theme=theme,
            )
            offset += len(quote) + 1
            observations.append(o)
            if theme:
                members[theme].append(o)
    total = len(people)
    built: dict[str, list[Finding]] = defaultdict(list)
    for theme, items in members.items():
        who = {o.evidence.participant_id for o in items}
        cls: type[Finding] = PainPoint if theme.startswith("pp-") else Delight
        by_segment: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for o in items:
            for k, v in o.segment.items():
                by_segment[k][v].add(str(o.evidence.participant_id))
        built[items[0].stage].append(
            cls(
                id=theme,
                title=titles.get(theme, theme.replace("-", " ")),
                description="",
                severity=3,
                participants=len(who),
                share=round(len(who) / total, 3),
                segments={
                    k: {v: len(p) for v, p in vals.items()} for k, vals in by_segment.items()
                },
                emotion=items[0].emotion,
                evidence=[o.evidence for o in items[:5]],
                home_stage=items[0].stage,
            )
        )
    summary_segments: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))  # type: ignore[arg-type]
    for who in people:
        for k, v in segments.get(who, {}).items():
            summary_segments[k][v] += 1
    return JourneyMap(
        id=map_id,
        title="synthetic",
        project="synthetic",
        generated_at=datetime(2026, 1, 1, tzinfo=UTC),
        generator=Generator(mode="local", model="hand"),
        sources=SourcesSummary(
            count=total,
            participants=total,
            kinds={"interview": total},
            languages={"en": total},
            segments={k: dict(v) for k, v in summary_segments.items()},
        ),
        stages=[
            Stage(
                name=name,
                order=i,
                description="",
                pain_points=[f for f in built[name] if isinstance(f, PainPoint)],
                delights=[f for f in built[name] if isinstance(f, Delight)],
                emotion=Emotion(mean_valence=None, n=0, ci_low=None, ci_high=None, labels=[]),
            )
            for i, name in enumerate(stages, 1)
        ],
        stats=MapStats(
            sentences=0, observations=len(observations), quotes_used=0, quotes_rejected=0
        ),
        observations=observations,
    )
