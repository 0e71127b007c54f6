"""Waves of research: what changed between two maps, or between two slices of one study.

Two slices (e.g. wave=1 and wave=2) are read from one map of the whole study, so both sides
are coded with the same codebook: a theme is the same theme on both sides by construction,
and only its reach changes. Two stored map versions have themes of their own; a theme of A is
the theme of B that holds the same quotes (at least half of the smaller one's), else the one
most alike in words (title and quotes, embedded), when each is the other's nearest and clearly
nearer than the two maps' themes are on average.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.compare import (
    ALPHA,
    FLOOR,
    fisher,
    stage_means,
    themes_of,
    valence_point,
    welch_interval,
)
from assistant.personas import Profile, profiles
from assistant.presets import other_names
from assistant.synthesis import MIN_PARTICIPANTS
from journey.diff import CurveChange, MapDiff, ThemeChange, ThemeStatus, sort_changes
from journey.labels import Labels, labels_for
from journey.schema import Delight, Finding, JourneyMap, PainPoint, participant_key
from journey.text import natural_key

Embed = Callable[[list[str]], np.ndarray]
"""Texts -> one unit vector per text (the workspace's embedder)."""
SHARED = 0.5
"""Share of the smaller theme's quotes two themes must hold in common to be one."""
NEARER = 0.5
"""How far above the average similarity of the two maps' themes (towards identical) a match
by words must be."""


@dataclass
class _Theme:
    finding: Finding
    quotes: set[tuple[str, int, int]]
    texts: list[str]
    people: set[str]

    @property
    def kind(self) -> str:
        return "delight" if isinstance(self.finding, Delight) else "pain_point"


def _themes(m: JourneyMap) -> dict[str, _Theme]:
    out = {
        f.id: _Theme(
            f,
            {(e.source_id, e.char_start, e.char_end) for e in f.evidence},
            [e.quote for e in f.evidence],
            {participant_key(e) for e in f.evidence},
        )
        for f in themes_of(m).values()
    }
    for o in m.observations:
        if o.theme in out:
            t = out[o.theme]
            key = (o.evidence.source_id, o.evidence.char_start, o.evidence.char_end)
            if key not in t.quotes:
                t.quotes.add(key)
                t.texts.append(o.evidence.quote)
            t.people.add(participant_key(o.evidence))
    return out


def _change(
    finding: Finding,
    a_id: str | None,
    b_id: str | None,
    raised: tuple[int, int],
    totals: tuple[int, int],
    matched_by: str | None,
) -> ThemeChange | None:
    (ra, rb), (na, nb) = raised, totals
    if max(ra, rb) < MIN_PARTICIPANTS:
        return None  # one voice on either side: nothing to say about a change
    p = fisher(ra, max(na, ra), rb, max(nb, rb)) if na and nb else None
    share_a, share_b = ra / na if na else 0.0, rb / nb if nb else 0.0
    status: ThemeStatus
    if ra == 0:
        status = "new"
    elif rb == 0:
        status = "resolved"
    elif p is not None and p < ALPHA:
        status = "grown" if share_b > share_a else "shrunk"
    else:
        status = "steady"
    return ThemeChange(
        status=status,
        kind="delight"
        if isinstance(finding, Delight) and not isinstance(finding, PainPoint)
        else "pain_point",
        title=finding.title,
        stage=finding.home_stage,
        a_id=a_id,
        b_id=b_id,
        a_participants=ra,
        a_share=round(share_a, 3),
        b_participants=rb,
        b_share=round(share_b, 3),
        p_value=None if p is None else round(p, 4),
        matched_by=matched_by if ra and rb else None,
    )


def _curve(stages: Sequence[str], a: Sequence[Profile], b: Sequence[Profile]) -> list[CurveChange]:
    out = []
    for stage in stages:
        (ma, qa), (mb, qb) = stage_means(a, stage), stage_means(b, stage)
        pa, pb = valence_point(ma, qa), valence_point(mb, qb)
        change = (
            round(pb.mean_valence - pa.mean_valence, 3)
            if pa.mean_valence is not None and pb.mean_valence is not None
            else None
        )
        enough = len(ma) >= FLOOR and len(mb) >= FLOOR
        interval = welch_interval(ma, mb) if enough else None
        out.append(
            CurveChange(
                stage=stage,
                a=pa,
                b=pb,
                change=change,
                ci_low=None if interval is None else round(interval[0], 3),
                ci_high=None if interval is None else round(interval[1], 3),
                note="" if enough else "not enough participants",
            )
        )
    return out


def _method(labels: Labels) -> str:
    """What new, resolved, grown, shrunk and p mean, in the map's language."""
    return labels.diff.method.format(floor=FLOOR)


def diff_slices(m: JourneyMap, by: str, a: str | Sequence[str], b: str | Sequence[str]) -> MapDiff:
    """Slice A (`by`=a) against slice B (`by`=b) of one map, with one codebook for both; a
    side may be several values, pooled (the versions before a release against those from it
    on: each version against the rest, a Play Store trial's sync regression hid)."""
    values_a = {a} if isinstance(a, str) else set(a)
    values_b = {b} if isinstance(b, str) else set(b)
    people = profiles(m)
    side_a = {w for w, p in people.items() if p.segment.get(by) in values_a}
    side_b = {w for w, p in people.items() if p.segment.get(by) in values_b}
    counted = m.sources.segments.get(by, {})
    na = max(len(side_a), sum(counted.get(v, 0) for v in values_a))
    nb = max(len(side_b), sum(counted.get(v, 0) for v in values_b))
    changes = []
    for theme_id, t in _themes(m).items():
        c = _change(
            t.finding,
            theme_id,
            theme_id,
            (len(t.people & side_a), len(t.people & side_b)),
            (na, nb),
            "the same codebook",
        )
        if c is not None:
            changes.append(
                c.model_copy(
                    update={
                        "a_id": theme_id if c.a_participants else None,
                        "b_id": theme_id if c.b_participants else None,
                    }
                )
            )
    labels = labels_for(m.language)
    notes = [labels.diff.one_codebook.format(id=m.id), _method(labels)]
    return MapDiff(
        project=m.project,
        a=f"{by}={side_label(a)}",
        b=f"{by}={side_label(b)}",
        by=by,
        a_participants=na,
        b_participants=nb,
        themes=sort_changes(changes),
        curve=_curve(
            [s.name for s in m.stages],
            [people[w] for w in sorted(side_a)],
            [people[w] for w in sorted(side_b)],
        ),
        notes=notes,
        language=m.language,
    )


def side_label(side: str | Sequence[str]) -> str:
    """A side's values as a label: one value, or the first and last of several."""
    if isinstance(side, str):
        return side
    ordered = sorted(side, key=natural_key)
    return ordered[0] if len(ordered) == 1 else f"{ordered[0]}…{ordered[-1]}"


def match_themes(
    a: Mapping[str, _Theme], b: Mapping[str, _Theme], embed: Embed | None
) -> list[tuple[str, str, str]]:
    """(id in A, id in B, how matched): shared quotes first, then words (see the module)."""
    pairs = []
    for ia, ta in a.items():
        for ib, tb in b.items():
            shared = len(ta.quotes & tb.quotes)
            if ta.kind == tb.kind and shared:
                pairs.append((shared / min(len(ta.quotes), len(tb.quotes)), ia, ib))
    matched: list[tuple[str, str, str]] = []
    used_a: set[str] = set()
    used_b: set[str] = set()
    for score, ia, ib in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if score >= SHARED and ia not in used_a and ib not in used_b:
            matched.append((ia, ib, "shared quotes"))
            used_a.add(ia)
            used_b.add(ib)
    left_a = [i for i in a if i not in used_a]
    left_b = [i for i in b if i not in used_b]
    if not left_a or not left_b:
        return matched
    if embed is None:
        by_title = {a[i].finding.title.casefold(): i for i in left_a}
        for ib in left_b:
            same = by_title.get(b[ib].finding.title.casefold())
            if same is not None and a[same].kind == b[ib].kind:
                matched.append((same, ib, "same title"))
        return matched
    va, vb = _centroids([a[i] for i in a], embed), _centroids([b[i] for i in b], embed)
    sims = va @ vb.T
    background = float(sims.mean())
    bar = background + NEARER * (1 - background)
    ia_of = {i: n for n, i in enumerate(a)}
    ib_of = {i: n for n, i in enumerate(b)}
    # A pain point is never the same theme as a delight: only same-kind pairs compete.
    sub = np.array(
        [
            [sims[ia_of[x], ib_of[y]] if a[x].kind == b[y].kind else -np.inf for y in left_b]
            for x in left_a
        ]
    )
    for r, x in enumerate(left_a):
        c = int(sub[r].argmax())
        mutual = int(sub[:, c].argmax()) == r
        if mutual and sub[r, c] >= bar:
            matched.append((x, left_b[c], "similar words"))
    return matched


def _centroids(themes: Iterable[_Theme], embed: Embed) -> np.ndarray:
    rows = []
    for t in themes:
        vectors = np.asarray(embed([t.finding.title, *t.texts[:8]]), dtype=np.float64)
        centre = vectors.mean(axis=0)
        rows.append(centre / max(float(np.linalg.norm(centre)), 1e-12))
    return np.vstack(rows)


def _as_named_in(a: JourneyMap, b: JourneyMap) -> dict[str, str]:
    """A's stage names as B writes them, where A and B are maps in two languages of the same
    bundled stages (`map --lang zh` beside the English map), paired in order; empty
    otherwise."""
    if a.language == b.language or len(a.stages) != len(b.stages):
        return {}
    pairs = {x.name: y.name for x, y in zip(a.stages, b.stages, strict=True)}
    pairs = {x: y for x, y in pairs.items() if x in other_names(y)}
    return pairs if len(pairs) == len(a.stages) else {}


def _renamed(people: dict[str, Profile], names: Mapping[str, str]) -> dict[str, Profile]:
    """Profiles whose feelings are keyed by the other map's stage names."""
    if not names:
        return people
    out = {}
    for who, p in people.items():
        feelings: dict[str, list[float]] = defaultdict(list)
        for stage, values in p.feelings.items():
            feelings[names.get(stage, stage)].extend(values)
        out[who] = Profile(p.themes, feelings, p.segment, p.observations)
    return out


def diff_maps(a: JourneyMap, b: JourneyMap, embed: Embed | None = None) -> MapDiff:
    """Map version A against map version B (themes matched across them, see the module)."""
    ta, tb = _themes(a), _themes(b)
    na, nb = a.sources.participants, b.sources.participants
    changes = []
    seen_a: set[str] = set()
    seen_b: set[str] = set()
    for ia, ib, how in match_themes(ta, tb, embed):
        seen_a.add(ia)
        seen_b.add(ib)
        c = _change(tb[ib].finding, ia, ib, (len(ta[ia].people), len(tb[ib].people)), (na, nb), how)
        if c is not None:
            changes.append(c)
    for ia in ta.keys() - seen_a:
        c = _change(ta[ia].finding, ia, None, (len(ta[ia].people), 0), (na, nb), None)
        if c is not None:
            changes.append(c)
    for ib in tb.keys() - seen_b:
        c = _change(tb[ib].finding, None, ib, (0, len(tb[ib].people)), (na, nb), None)
        if c is not None:
            changes.append(c)
    names = _as_named_in(a, b)
    order = [s.name for s in b.stages] + [
        s.name for s in a.stages if names.get(s.name, s.name) not in {x.name for x in b.stages}
    ]
    pa, pb = _renamed(profiles(a), names), profiles(b)
    labels = labels_for(b.language)
    how = labels.diff.matched_by_words if embed else labels.diff.matched_by_titles
    return MapDiff(
        project=b.project,
        a=a.id,
        b=b.id,
        a_participants=na,
        b_participants=nb,
        themes=sort_changes(changes),
        curve=_curve(order, list(pa.values()), list(pb.values())),
        notes=[how, _method(labels)],
        language=b.language,
    )
