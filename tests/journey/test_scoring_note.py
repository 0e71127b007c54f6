import re

from journey.exports import to_markdown, to_mermaid
from journey.html import to_html
from journey.schema import RECOMMENDATION_SCORING, JourneyMap


def _map_scored_once(sample_map: JourneyMap) -> JourneyMap:
    recs = [r.model_copy(update={"scoring": ""}) for r in sample_map.recommendations]
    return sample_map.model_copy(update={"recommendations": recs})


def test_markdown_states_the_scoring_once_for_all_recommendations(sample_map: JourneyMap):
    text = to_markdown(_map_scored_once(sample_map))
    assert text.count("*Scoring:*") == 1 and RECOMMENDATION_SCORING in text
    legacy = to_markdown(sample_map)  # every item carries the same note: said once too
    assert legacy.count("*Scoring:*") == 1


def test_html_states_the_scoring_once_for_all_recommendations(sample_map: JourneyMap):
    page = to_html(_map_scored_once(sample_map))
    assert page.count("Scoring:") == 1


def test_counts_of_one_are_singular_in_every_export(sample_map: JourneyMap):
    one = sample_map.model_copy(
        update={"sources": sample_map.sources.model_copy(update={"participants": 1})}
    )
    assert not re.search(r"\b1 participants", to_mermaid(one))
    page = to_html(one)
    assert not re.search(r"\b1 participants|\(1 quotes\)", page)
    assert "(1 quote)" in page
