"""Observations -> stages of a map: clusters of pain points and delights, touchpoints, emotion."""

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from assistant.cues import channel_of, problem_kinds
from assistant.keyphrases import (
    cluster_keyphrases,
    cluster_titles,
    is_chinese,
    own_clause,
    said_alike,
    trails_off,
    word_cohesion,
)
from assistant.stages import StageSpec
from assistant.themes import group_themes, theme_vectors
from ingest.embeddings import Vectors
from journey.labels import EN, labels_for
from journey.lanes import curve_point
from journey.schema import (
    Delight,
    Emotion,
    Evidence,
    Finding,
    Observation,
    ObservationKind,
    PainPoint,
    Stage,
    Touchpoint,
    by_reach,
    participant_key,
)
from journey.text import said_as

MAX_PAIN_POINTS = 60
"""Headline pain points study-wide (the widest first)."""
MAX_DELIGHTS = 40
"""Headline delights study-wide."""
MAX_QUOTES = 5
MIN_PARTICIPANTS = 2
"""Distinct participants a pain point or delight needs to headline."""
SEED_STRENGTH = {ObservationKind.delight: 2}
"""The local reader's: the least strength a reading needs to start a theme of its kind;
fainter ones only join themes they fit. Its faintest positive readings (strength 1) are
mostly facts, asides and even complaints read as mild praise ("I went to the support chat
and it was a bot.", "Well, I'm seventy-one."); its faintest pains are mostly real complaints
stated flatly."""
LOOSE_AT_MOST = 3
"""Participants up to which a theme with no clause of its own to title it is not a headline."""
UNFINISHED_AT_MOST = 0.5
"""The largest share of a theme's quotes that may be sentences left unfinished
(`keyphrases.trails_off`); past it the theme is a think-aloud's narration, not a finding."""
COHESION_AT_LEAST = 0.2
"""The least share of a theme's quotes that must use a word another of them uses
(`keyphrases.word_cohesion`); below it the theme is how things were said, not what about."""
MAX_MENTIONED_ONCE = 20
"""Pain points (and delights) per stage kept below the headline threshold."""


def theme_groups(
    observations: Sequence[Observation],
    vectors: Vectors,
    seed_strength: Mapping[ObservationKind, int] | None = None,
) -> list[list[int]]:
    """Study-wide themes: the pain points, then the delights, grouped by meaning and
    touchpoint across stages, sources and languages (indices into `observations`).
    `seed_strength`: the least severity a reading of a kind needs to start a theme (the local
    reader's faintest readings only join themes; see SEED_STRENGTH)."""
    out: list[list[int]] = []
    for kind in (ObservationKind.pain_point, ObservationKind.delight):
        idx = sorted(
            (i for i, o in enumerate(observations) if o.kind is kind),
            key=lambda i: (
                -observations[i].severity,
                observations[i].evidence.source_id,
                observations[i].evidence.char_start,
            ),
        )
        if not idx:
            continue
        items = [observations[i] for i in idx]
        people = [participant_key(o.evidence) for o in items]
        weak = [o.severity < (seed_strength or {}).get(kind, 1) for o in items]
        kinds = (
            [tuple(problem_kinds(o.evidence.quote)) for o in items]
            if kind is ObservationKind.pain_point
            else None
        )
        for group in group_themes(theme_vectors(items, vectors, idx), people, weak, kinds):
            out.append(sorted(idx[j] for j in group))
    return out


def home_stage(
    group: Sequence[int], observations: Sequence[Observation], order: Sequence[str]
) -> str:
    """Where most of a theme's quotes are (the earlier stage on a tie)."""
    stages = Counter(observations[i].stage for i in group)
    rank = {name: n for n, name in enumerate(order)}
    return min(stages, key=lambda name: (-stages[name], rank.get(name, len(rank)), name))


def harmonise_stages(
    observations: Sequence[Observation],
    groups: Sequence[Sequence[int]],
    loose: Sequence[bool],
    order: Sequence[str],
) -> list[Observation]:
    """Give each `loose` observation (reviews: no question or guide section to place them) its
    theme's home stage, so one complaint is not scattered over every stage by the noise of
    placing single sentences."""
    out = list(observations)
    for group in groups:
        home = home_stage(group, observations, order)
        for i in group:
            if loose[i] and out[i].stage != home:
                out[i] = out[i].model_copy(update={"stage": home})
    return out


def _slug(text: str, order: Sequence[str]) -> str:
    """A stage's part of a finding id: its name in ASCII, or where it has none (a Chinese
    name) its place in the journey, so two stages' findings never share an id."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:24]
    if slug:
        return slug
    return f"stage-{list(order).index(text) + 1}" if text in order else "stage"


def _title(
    title: str | None,
    phrases: list[str],
    touchpoint: str | None,
    chinese: bool,
    lone: str | None = None,
) -> str:
    """The theme's own short clause (`cluster_titles`); for one participant's quote `lone`, its
    own first clause; failing that, what it is about: its distinctive phrases, or its
    touchpoint; never a lone word."""
    if title:
        return title
    if lone is not None and (clause := own_clause(lone)):
        return clause
    labels = labels_for("zh" if chinese else "en")  # the language of the theme's own words
    # a touchpoint by its name in that language (关于phone support的反馈 in a Chinese map)
    about = phrases[0] if phrases else labels.touchpoint(touchpoint) if touchpoint else ""
    return labels.comments_on.format(about=about) if about else labels.other_comments


def _describe(people: int, total: int, home: str, also_in: dict[str, int]) -> str:
    """Who, how many and where, in one line: "12 of 47 participants, mostly in Purchase; also
    in Support (3), Use (1)" (the map's builder says it again in the map's language)."""
    return EN.spread(people, total, home, also_in)


def _finding(
    cls: type[Finding],
    finding_id: str,
    group: Sequence[int],
    keys: list[str],
    title: str | None,
    observations: Sequence[Observation],
    typical: list[int],
    total_participants: int,
    home: str,
) -> Finding:
    """One theme as a pain point or delight (`typical`: its members, most typical first)."""
    people = {participant_key(observations[i].evidence) for i in group}
    typical = _shown_first(typical, observations)
    first: list[int] = []
    seen: set[str] = set()
    for i in typical:  # one quote per participant first, most typical first
        who = participant_key(observations[i].evidence)
        if who not in seen:
            first.append(i)
            seen.add(who)
    evidence: list[Evidence] = []
    spans: set[tuple[str, int, int]] = set()  # by span: comparing quotes was quadratic
    said: set[str] = set()  # and a text posted twice is shown once (a trial's reposted review
    # was a theme's first two quotes)
    for i in first + typical:
        e = observations[i].evidence
        text = said_as(e.quote)
        if (e.source_id, e.char_start, e.char_end) not in spans and text not in said:
            spans.add((e.source_id, e.char_start, e.char_end))
            said.add(text)
            evidence.append(e)
            if len(evidence) == MAX_QUOTES:
                break
    segments: defaultdict[str, defaultdict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for i in group:
        for key, value in observations[i].segment.items():
            segments[key][value].add(participant_key(observations[i].evidence))
    touchpoints = theme_touchpoints(typical, observations)
    emotions = Counter(observations[i].emotion for i in group)
    top_touchpoint = touchpoints[0] if touchpoints else None
    chinese = 2 * sum(is_chinese(observations[i].evidence.quote) for i in group) > len(group)
    also_in = _also_in(group, observations, home)
    lone = observations[typical[0]].evidence.quote if len(people) == 1 else None
    named = _title(title, keys, top_touchpoint, chinese, lone)
    if len(evidence) > 1 and _no_more_than(evidence[0].quote, named):
        # a review's headline ("Pricing page is confusing") as the theme's title and then again
        # as its first quote told a reader nothing the title had not: lead with a quote that
        # says more, in as many of the title's words as any (the most typical on a tie); the
        # title's own quote follows
        more = [e for e in evidence[1:] if len(e.quote) > 1.5 * len(named)]
        if more:
            words = set(_words(named))
            lead = max(more, key=lambda e: len(words & set(_words(e.quote))))  # first on a tie
            evidence = [lead, evidence[0], *(e for e in evidence[1:] if e is not lead)]
    return cls(
        id=finding_id,
        title=named,
        description=_describe(len(people), total_participants, home, also_in),
        severity=round(theme_severity(group, observations)),
        participants=len(people),
        share=round(len(people) / max(1, total_participants), 3),
        segments={
            k: {v: len(p) for v, p in sorted(vals.items())} for k, vals in sorted(segments.items())
        },
        touchpoints=touchpoints[:3],
        emotion=emotions.most_common(1)[0][0],
        evidence=evidence[:MAX_QUOTES],
        home_stage=home,
        also_in=also_in,
    )


def theme_touchpoints(group: Sequence[int], observations: Sequence[Observation]) -> list[str]:
    """The touchpoints a theme is about, the most quoted first (on a tie, the one its most
    typical quotes name, given `group` most typical first): those at least two of its
    participants name, or half of them. One quote's touchpoint is not its theme's: a think-aloud
    reading the app's "Deliveries" menu aloud while looking for the skip button made a theme of
    hidden account controls one about delivery, and chat answered "What frustrates people about
    delivery?" with it."""
    who: defaultdict[str, set[str]] = defaultdict(set)
    quotes: Counter[str] = Counter()
    for i in group:
        if name := observations[i].touchpoint:
            who[name].add(participant_key(observations[i].evidence))
            quotes[name] += 1
    people = len({participant_key(observations[i].evidence) for i in group})
    named = [t for t, by in who.items() if len(by) >= min(2, people) or 2 * len(by) >= people]
    return sorted(named, key=lambda t: (-quotes[t], -len(who[t])))  # stable: first said first


def _words(text: str) -> list[str]:
    """A text's words, lower case (a run of Chinese characters is one)."""
    return re.findall(r"\w+", text.casefold())


def _no_more_than(quote: str, title: str) -> bool:
    """Whether a quote says only its theme's title, word for word."""
    return _words(quote) == _words(title)


SHOWN_FROM = 60
"""The most typical members among which the quotes shown are chosen."""


def _shown_first(typical: list[int], observations: Sequence[Observation]) -> list[int]:
    """The members as quotes to show: the lead (the title's quote) first, then those that say
    the theme in words another member uses, most typical first, then the rest. A map-reading
    trial's top recommendation showed "Had to pay for one at a hotel." and "Happened to me
    three times this month." under "Charged twice in one month": near in the embedding, in no
    shared word."""
    head = typical[:SHOWN_FROM]
    alike = said_alike([observations[i].evidence.quote for i in head])
    rest = [i for i, a in zip(head[1:], alike[1:], strict=True) if not a]
    return [
        head[0],
        *(i for i, a in zip(head[1:], alike[1:], strict=True) if a),
        *rest,
        *typical[SHOWN_FROM:],
    ]


def _typical(group: Sequence[int], vectors: Vectors, overall: Vectors | None = None) -> list[int]:
    """A theme's members, the most typical of it first: nearest its centroid, and (given the
    mean direction of all quotes of its kind, `overall`) least like everything else, so a
    vague line that is near every theme ("I didn't know there was one.") does not lead one."""
    centroid = vectors[list(group)].mean(axis=0)
    score = vectors[list(group)] @ centroid
    if overall is not None:
        score = score - vectors[list(group)] @ overall
    order = np.argsort(-score, kind="stable")
    return [group[int(j)] for j in order]


def _lead(typical: list[int], title: str | None, observations: Sequence[Observation]) -> list[int]:
    """The members with the quote the title was taken from first, so the first quote a reader
    sees says what the title says."""
    if not title:
        return typical
    clause = title.casefold()
    for n, i in enumerate(typical):
        if clause in observations[i].evidence.quote.casefold():
            return [i, *typical[:n], *typical[n + 1 :]]
    return typical


def _also_in(
    group: Sequence[int], observations: Sequence[Observation], home: str
) -> dict[str, int]:
    """The other stages a theme's quotes come from, with the distinct participants there."""
    people: defaultdict[str, set[str]] = defaultdict(set)
    for i in group:
        if observations[i].stage != home:
            people[observations[i].stage].add(participant_key(observations[i].evidence))
    return {name: len(p) for name, p in sorted(people.items(), key=lambda x: (-len(x[1]), x[0]))}


def theme_severity(group: Sequence[int], observations: Sequence[Observation]) -> float:
    """How hard a theme hit the people who raised it: the median, over them, of each one's
    strongest line on it. Not the median of every line: a theme many people raise gathers
    their milder asides too, and two interview trials' widest themes were 1/5 while single
    mentions were 5/5 ("I had forty pending approvals… I felt terrible" ranked seventh)."""
    strongest: dict[str, int] = {}
    for i in group:
        who = participant_key(observations[i].evidence)
        strongest[who] = max(strongest.get(who, 0), observations[i].severity)
    return statistics.median(strongest.values())


def _reach(group: Sequence[int], observations: Sequence[Observation]) -> float:
    """How much a theme weighs study-wide: distinct participants x severity."""
    people = len({participant_key(observations[i].evidence) for i in group})
    return people * theme_severity(group, observations)


def _findings(
    kind: ObservationKind,
    groups: Sequence[Sequence[int]],
    observations: Sequence[Observation],
    vectors: Vectors,
    total_participants: int,
    order: Sequence[str],
    limit: int,
    members: dict[str, list[Observation]] | None = None,
    min_participants: int = MIN_PARTICIPANTS,
    chinese_map: bool | None = None,
) -> tuple[dict[str, list[Finding]], dict[str, list[Finding]]]:
    """The study-wide themes of one kind placed in their home stages: per stage, the headline
    ones (raised by at least `min_participants` people; at most `limit` study-wide, widest
    first) and those fewer people raised (at most MAX_MENTIONED_ONCE per stage)."""
    ranked = sorted(groups, key=lambda g: (-_reach(g, observations), min(g)))
    if not ranked:
        return {}, {}
    # Phrases are distinctive against every other theme of the study, not only the stage's.
    everything = sorted({i for g in ranked for i in g})
    overall = vectors[everything].mean(axis=0)
    overall = overall / max(1e-12, float(np.linalg.norm(overall)))
    typical = [_typical(g, vectors, overall) for g in ranked]
    quotes = [[observations[i].evidence.quote for i in t] for t in typical]
    phrases = cluster_keyphrases(quotes)
    titles = cluster_titles(
        quotes,
        [kind is ObservationKind.pain_point] * len(quotes),
        chinese_map=chinese_map,
        strength=[[observations[i].severity for i in t] for t in typical],
    )
    typical = [_lead(t, title, observations) for t, title in zip(typical, titles, strict=True)]
    cls = PainPoint if kind is ObservationKind.pain_point else Delight
    prefix = "pp" if kind is ObservationKind.pain_point else "dl"
    headline: defaultdict[str, list[Finding]] = defaultdict(list)
    once: defaultdict[str, list[Finding]] = defaultdict(list)
    shown = 0
    for group, members_typical, keys, title in zip(ranked, typical, phrases, titles, strict=True):
        home = home_stage(group, observations, order)
        people = len({participant_key(observations[i].evidence) for i in group})
        # a small theme of several people whose quotes share no words to title it by is no
        # theme a researcher would sign ("Comments on phone support": "Okay, there's a
        # hotline.", a trip to the parents', "So that was fine in the end."): its quotes stay
        # coded, in no theme
        if title is None and 1 < people <= LOOSE_AT_MOST:
            continue
        # nor is one whose quotes share no content word at all, of any size: what the
        # embedding found alike in "Those are slower.", "People ignore it." and "It's
        # embarrassing for them." is how they are said, not what about (a trial's 8-person
        # pain point); its quotes stay coded, in no theme
        if people > 1 and word_cohesion([observations[i].evidence.quote for i in group]) < (
            COHESION_AT_LEAST
        ):
            continue
        # nor one most of whose quotes are sentences left unfinished: a think-aloud's reading
        # of the screen ("And temporal units ...", "Case study ...", "Polar plot ...", a
        # usability study's 10-person pain point) says where people looked, not what went wrong
        if sum(
            trails_off(observations[i].evidence.quote) for i in group
        ) > UNFINISHED_AT_MOST * len(group):
            continue
        if people >= min_participants:
            if shown == limit:
                continue
            shown += 1
            finding_id = f"{prefix}-{_slug(home, order)}-{len(headline[home]) + 1}"
            chosen = headline[home]
        else:
            if len(once[home]) == MAX_MENTIONED_ONCE:
                continue
            finding_id = f"{prefix}-{_slug(home, order)}-once-{len(once[home]) + 1}"
            chosen = once[home]
        finding = _finding(
            cls,
            finding_id,
            group,
            keys,
            title,
            observations,
            members_typical,
            total_participants,
            home,
        )
        chosen.append(finding)
        if members is not None:
            members[finding.id] = [observations[i] for i in members_typical]
    return headline, once


def _emotion(observations: Sequence[Observation]) -> Emotion:
    """The stage's point on the curve (`journey.lanes.curve_point`: over participants) and
    its dominant emotion labels."""
    labels = Counter(o.emotion for o in observations if o.emotion != "neutral")
    dominant = [k for k, _ in labels.most_common(3)]
    point = curve_point(observations)
    if point is None:
        return Emotion(mean_valence=None, n=0, ci_low=None, ci_high=None, labels=dominant)
    return Emotion(
        mean_valence=round(point.mean, 3),
        n=point.n,
        ci_low=round(point.ci_low, 3) if point.ci_low is not None else None,
        ci_high=round(point.ci_high, 3) if point.ci_high is not None else None,
        labels=dominant,
    )


def _touchpoints(observations: Sequence[Observation]) -> list[Touchpoint]:
    by_name: defaultdict[str, list[Observation]] = defaultdict(list)
    for o in observations:
        if o.touchpoint and o.channel:
            by_name[o.touchpoint].append(o)
    points = []
    for name, items in by_name.items():
        people = {participant_key(o.evidence) for o in items}
        points.append(
            Touchpoint(
                name=name,
                channel=channel_of(name, items[0].channel),
                type=items[0].channel or "digital",
                participants=len(people),
                evidence=[o.evidence for o in items[:3]],
            )
        )
    points.sort(key=lambda t: (-t.participants, t.name))
    return points[:8]


def _quotes(
    observations: Sequence[Observation], kind: ObservationKind, limit: int = 5
) -> list[Evidence]:
    picked: list[Evidence] = []
    seen: set[str] = set()
    for o in observations:
        who = participant_key(o.evidence)
        if o.kind is kind and who not in seen:
            picked.append(o.evidence)
            seen.add(who)
        if len(picked) == limit:
            break
    return picked


def build_stages(
    specs: Sequence[StageSpec],
    observations: Sequence[Observation],
    vectors: Vectors,
    total_participants: int,
    members: dict[str, list[Observation]] | None = None,
    min_participants: int = MIN_PARTICIPANTS,
    groups: Sequence[Sequence[int]] | None = None,
    language: str | None = None,
) -> list[Stage]:
    """One Stage per spec, in order, with its findings, touchpoints, needs and emotion.

    Pain points and delights are study-wide themes (`groups`, else grouped here), each listed
    under its home stage (where most of its quotes are), titled in the map's `language` when
    enough of its quotes are. A theme headlines when at least
    `min_participants` people raise it, or half the study if that is fewer (a pilot of two
    interviews still shows what each said); fewer go to the stage's `*_once` lists. If
    `members` is given, it receives every finding's observations (all, not only the quotes
    shown)."""
    min_participants = headline_threshold(min_participants, total_participants)
    if groups is None:
        groups = theme_groups(observations, vectors)
    order = [spec.name for spec in specs]
    placed = {}
    for kind, limit in (
        (ObservationKind.pain_point, MAX_PAIN_POINTS),
        (ObservationKind.delight, MAX_DELIGHTS),
    ):
        placed[kind] = _findings(
            kind,
            [g for g in groups if g and observations[g[0]].kind is kind],
            observations,
            vectors,
            total_participants,
            order,
            limit,
            members,
            min_participants,
            chinese_map=None if language is None else language == "zh",
        )
    pains, pains_once = placed[ObservationKind.pain_point]
    joys, joys_once = placed[ObservationKind.delight]
    stages = []
    for number, spec in enumerate(specs, start=1):
        here = [o for o in observations if o.stage == spec.name]
        stages.append(
            Stage(
                name=spec.name,
                order=number,
                description=spec.description,
                needs=_quotes(here, ObservationKind.need),
                actions=_quotes(here, ObservationKind.action),
                touchpoints=_touchpoints(here),
                pain_points=[f for f in pains.get(spec.name, []) if isinstance(f, PainPoint)],
                delights=[f for f in joys.get(spec.name, []) if isinstance(f, Delight)],
                pain_points_once=[
                    f for f in pains_once.get(spec.name, []) if isinstance(f, PainPoint)
                ],
                delights_once=[f for f in joys_once.get(spec.name, []) if isinstance(f, Delight)],
                emotion=_emotion(here),
            )
        )
    _mark_moments_of_truth(stages)
    return stages


def ranked(stages: Sequence[Stage], kind: ObservationKind) -> list[str]:
    """Ids of the headline pain points (or delights) study-wide, by participants x severity."""
    found: list[Finding] = [
        f
        for s in stages
        for f in (s.pain_points if kind is ObservationKind.pain_point else s.delights)
    ]
    found.sort(key=by_reach)
    return [f.id for f in found]


def headline_threshold(min_participants: int, total_participants: int) -> int:
    """People a finding needs to headline: `min_participants`, but never over half the study."""
    return max(1, min(min_participants, total_participants // 2))


def _mark_moments_of_truth(stages: list[Stage]) -> None:
    """Findings that make or break the journey: severe and widely felt (by a quarter of the
    participants, or the study's two widest severe problems: in a study of 80 reviewers a
    quarter is rarely reached, and a banking trial's map had no moment of truth at all beside
    a severity-5 crash theme), or loved by many, and the top pain point where the emotion
    curve falls most."""
    severe = sorted(
        (p for stage in stages for p in stage.pain_points if p.severity >= 4),
        key=lambda p: (-p.participants * p.severity, p.id),
    )
    widest = {p.id for p in severe[:2] if p.participants >= 3}
    for stage in stages:
        stage.moments_of_truth = [
            p.id
            for p in stage.pain_points
            if p.severity >= 4 and (p.share >= 0.25 or p.id in widest)
        ]
        stage.moments_of_truth += [d.id for d in stage.delights if d.share >= 0.4]
    drops = []
    for i in range(1, len(stages)):
        before, after = stages[i - 1].emotion.mean_valence, stages[i].emotion.mean_valence
        if before is not None and after is not None:
            drops.append((before - after, i))
    if drops:
        drop, i = max(drops)
        if (
            drop > 0.3
            and stages[i].pain_points
            and (stages[i].pain_points[0].id not in stages[i].moments_of_truth)
        ):
            stages[i].moments_of_truth.append(stages[i].pain_points[0].id)
