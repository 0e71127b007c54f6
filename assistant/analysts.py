"""One seam for the models: an Analyst extracts observations, names themes and recommends.

`analyst_for(workspace)` is the one place that chooses between the local analyst (the
embedded default: no key, no network) and the LLM analyst (the configured OpenAI-compatible
model); nothing else asks whether an LLM is configured. Tests hand build_map a
`FunctionAnalyst` built from plain functions, in the manner of pydantic-ai's FunctionModel.
Clustering, counting and grounding are the map's own, the same whichever analyst works.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from assistant.codebook import Coded, codebook_themes, label_findings
from assistant.extractor import Extractor
from assistant.ideal import draft_ideal, skeleton
from assistant.llm_pipeline import LLMExtractor, LLMRun, Progress, name_themes, recommend_llm
from assistant.local_extractor import LocalExtractor
from assistant.recommend import recommend
from assistant.stages import StageSpec
from assistant.synthesis import SEED_STRENGTH, theme_groups
from ingest.embeddings import Embedder, Vectors
from journey.labels import Labels
from journey.schema import IdealJourney, LLMStats, Observation, Recommendation, Stage

if TYPE_CHECKING:
    from assistant.llm import LLM
    from assistant.workspace import Workspace


Guide = tuple[dict[str, list[str]], list[str]]
"""What the interview guide asks: per stage name its questions, and questions of no stage."""


class Analyst(Protocol):
    """What reads the study: extraction, theme names, recommendations, and what it reports."""

    mode: Literal["local", "llm"]
    """The map's generator mode."""
    extractor: Extractor
    """Turns participant sentences into observations."""

    def group(
        self, observations: Sequence[Observation], vectors: Vectors
    ) -> list[list[int]] | None:
        """Study-wide themes as groups of observation indices; None: group by meaning."""
        ...

    def name(self, stages: list[Stage]) -> list[Stage]:
        """The stages with their pain points and delights (re)named."""
        ...

    def recommend(
        self,
        stages: Sequence[Stage],
        labels: Labels,
        quotes_of: Mapping[str, Sequence[str]] | None = None,
    ) -> list[Recommendation]:
        """Recommendations for the map's pain points, highest priority first, in the map's
        language where the analyst writes them from templates (`quotes_of`: each pain
        point's theme quotes by finding id, most typical first)."""
        ...

    def describe(self) -> tuple[str, dict[str, Any]]:
        """The model the map records, and the analyst's own settings."""
        ...

    def draft_ideal(self, specs: Sequence[StageSpec], guide: Guide, title: str) -> IdealJourney:
        """A draft of the intended journey over these stages, from what the guide asks."""
        ...

    def report(self) -> tuple[LLMStats | None, list[str], list[str]]:
        """What the work cost (None offline), requests that failed for good, prompts used."""
        ...


@dataclass
class LocalAnalyst:
    """The embedded default: local embeddings, cue lexicons and seed classifiers."""

    embedder: Embedder
    extractor: Extractor = field(init=False)
    mode: Literal["local", "llm"] = "local"

    def __post_init__(self) -> None:
        self.extractor = LocalExtractor(self.embedder)

    def group(
        self, observations: Sequence[Observation], vectors: Vectors
    ) -> list[list[int]] | None:
        return theme_groups(observations, vectors, SEED_STRENGTH)

    def name(self, stages: list[Stage]) -> list[Stage]:
        return stages  # local titles are written with the themes

    def recommend(
        self,
        stages: Sequence[Stage],
        labels: Labels,
        quotes_of: Mapping[str, Sequence[str]] | None = None,
    ) -> list[Recommendation]:
        return recommend(stages, labels, quotes_of=quotes_of)

    def describe(self) -> tuple[str, dict[str, Any]]:
        return self.embedder.name, {}

    def draft_ideal(self, specs: Sequence[StageSpec], guide: Guide, title: str) -> IdealJourney:
        return skeleton(specs, title)  # what should happen is the team's call, offline

    def report(self) -> tuple[LLMStats | None, list[str], list[str]]:
        return None, [], []


@dataclass
class LLMAnalyst:
    """The configured LLM extracts, names and recommends; where it fails for good, the local
    names and recommendations stand (and the failure is reported)."""

    llm: "LLM"
    embedder: Embedder
    temperature: float
    progress: Progress | None = None
    run: LLMRun = field(default_factory=LLMRun)
    extractor: Extractor = field(init=False)
    mode: Literal["local", "llm"] = "llm"
    _coded: Coded | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.extractor = LLMExtractor(self.llm, self.embedder, self.run, self.progress)

    def group(
        self, observations: Sequence[Observation], vectors: Vectors
    ) -> list[list[int]] | None:
        self._coded = codebook_themes(self.llm, observations, vectors, self.run)
        return self._coded.groups if self._coded else None

    def name(self, stages: list[Stage]) -> list[Stage]:
        """Themes the codebook made take its label and description; the model names the
        others from their quotes."""
        labelled = label_findings(stages, self._coded.labels) if self._coded else stages
        return name_themes(self.llm, labelled, self.run, skip=self._labelled(labelled))

    def _labelled(self, stages: list[Stage]) -> set[str]:
        if not self._coded:
            return set()
        labels = {t.label for t in self._coded.labels.values()}
        return {f.id for st in stages for f in (*st.pain_points, *st.delights) if f.title in labels}

    def recommend(
        self,
        stages: Sequence[Stage],
        labels: Labels,
        quotes_of: Mapping[str, Sequence[str]] | None = None,
    ) -> list[Recommendation]:
        return recommend_llm(self.llm, stages, self.run) or recommend(
            stages, labels, quotes_of=quotes_of
        )

    def describe(self) -> tuple[str, dict[str, Any]]:
        return self.llm.answered_by(), {
            "structured_output": self.llm.method,
            "temperature": self.temperature,
        }

    def draft_ideal(self, specs: Sequence[StageSpec], guide: Guide, title: str) -> IdealJourney:
        return draft_ideal(self.llm, specs, guide[0], guide[1], title, self.run)

    def report(self) -> tuple[LLMStats | None, list[str], list[str]]:
        usage = self.run.usage
        stats = LLMStats(
            calls=usage.calls,
            cached_calls=usage.cached,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            failed_requests=len(self.run.failures),
        )
        return stats, list(self.run.failures), list(self.run.prompts)


@dataclass
class FunctionAnalyst:
    """An analyst made of plain functions, for tests: an extractor, and optionally how to
    name and recommend (by default: keep the names, recommend as the local analyst does)."""

    extractor: Extractor
    group_with: Callable[[Sequence[Observation], Vectors], list[list[int]] | None] = (
        lambda observations, vectors: None
    )
    name_with: Callable[[list[Stage]], list[Stage]] = lambda stages: stages
    recommend_with: Callable[[Sequence[Stage], Labels], list[Recommendation]] = recommend
    ideal_with: Callable[[Sequence[StageSpec], Guide, str], IdealJourney] = (
        lambda specs, guide, title: skeleton(specs, title)
    )
    model: str = "function"
    mode: Literal["local", "llm"] = "local"

    def group(
        self, observations: Sequence[Observation], vectors: Vectors
    ) -> list[list[int]] | None:
        return self.group_with(observations, vectors)

    def name(self, stages: list[Stage]) -> list[Stage]:
        return self.name_with(stages)

    def recommend(
        self,
        stages: Sequence[Stage],
        labels: Labels,
        quotes_of: Mapping[str, Sequence[str]] | None = None,
    ) -> list[Recommendation]:
        if self.recommend_with is recommend:  # as the local analyst does
            return recommend(stages, labels, quotes_of=quotes_of)
        return self.recommend_with(stages, labels)

    def describe(self) -> tuple[str, dict[str, Any]]:
        return self.model, {}

    def draft_ideal(self, specs: Sequence[StageSpec], guide: Guide, title: str) -> IdealJourney:
        return self.ideal_with(specs, guide, title)

    def report(self) -> tuple[LLMStats | None, list[str], list[str]]:
        return None, [], []


def analyst_for(workspace: "Workspace", progress: Progress | None = None) -> Analyst:
    """The analyst the workspace is configured for: the LLM's when one is set, else local.
    `progress(done, total)` follows the LLM's extraction requests."""
    llm = workspace.llm()
    if llm is None:
        return LocalAnalyst(workspace.embedder)
    return LLMAnalyst(llm, workspace.embedder, workspace.settings.llm_temperature, progress)
