"""The analyst seam: build_map works with any analyst; a function-backed one drives it in tests
the way the local and LLM analysts do in production."""

from collections.abc import Sequence

from assistant.analysts import FunctionAnalyst, LocalAnalyst, analyst_for
from assistant.extractor import Unit
from assistant.mapping import build_map
from assistant.stages import StageSpec
from ingest.embeddings import Vectors
from journey.labels import Labels
from journey.schema import Observation, ObservationKind, Recommendation, Stage


class EveryoneStruggles:
    """Codes every sentence as a pain point in the first stage (a deliberately simple rule)."""

    name = "everyone-struggles"

    def extract(
        self, units: Sequence[Unit], vectors: Vectors, stages: Sequence[StageSpec]
    ) -> list[Observation]:
        return [
            Observation(
                kind=ObservationKind.pain_point,
                stage=stages[0].name,
                touchpoint=None,
                channel=None,
                emotion="frustrated",
                valence=-1.5,
                severity=4,
                evidence=u.evidence(),
            )
            for u in units
        ]


def test_a_function_analyst_extracts_names_and_recommends_through_the_map(
    workspace, small_study, grounded
):
    small_study(workspace)

    def name(stages: list[Stage]) -> list[Stage]:
        for stage in stages:
            for pain in stage.pain_points:
                pain.title = "Named by the analyst"
        return stages

    def recommend(stages: Sequence[Stage], labels: Labels) -> list[Recommendation]:
        return []

    analyst = FunctionAnalyst(
        EveryoneStruggles(), name_with=name, recommend_with=recommend, model="rules"
    )
    m = build_map(workspace, "study", analyst=analyst, min_participants=1)
    first = m.stages[0]
    assert first.pain_points and {p.title for p in first.pain_points} == {"Named by the analyst"}
    assert all(not s.pain_points for s in m.stages[1:])
    assert m.recommendations == []
    assert m.generator.model == "rules" and m.generator.mode == "local"
    assert m.generator.settings["extractor"] == "everyone-struggles"
    grounded(workspace, m)  # the analyst's quotes went through the same grounding


def test_the_workspace_chooses_the_local_analyst_without_an_llm(workspace):
    analyst = analyst_for(workspace)
    assert isinstance(analyst, LocalAnalyst)
    assert analyst.report() == (None, [], [])
