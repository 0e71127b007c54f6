"""The HTML map rendered by a real headless Chromium: it draws the journey, not an error page."""

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from journey.html import to_html
from journey.schema import JourneyMap, Stage

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (CI installs it: see the Makefile)"
)


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHROMIUM or "chromium", *FLAGS, f"--user-data-dir={tmp_path / 'p'}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_the_html_map_renders_its_stages_curve_and_quotes(
    tmp_path: Path, sample_map: JourneyMap
) -> None:
    page = tmp_path / "map.html"
    page.write_text(to_html(sample_map), encoding="utf-8")
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert "<svg" in dom
    for stage in sample_map.stages:
        assert stage.name in dom
    quote = sample_map.stages[0].pain_points[0].evidence[0].quote
    assert quote.split()[0] in dom
    assert "<script>alert" not in dom  # user text stays text

    from PIL import Image

    shot = tmp_path / "map.png"
    _chromium(tmp_path, "--window-size=1400,1000", f"--screenshot={shot}", page.as_uri())
    image = Image.open(shot).convert("L")
    assert image.size == (1400, 1000)
    dark = int((np.asarray(image) < 128).sum())
    assert dark > 0.01 * 1400 * 1000, "the page shows text and drawings, not a blank screen"


# Measures the laid-out page from inside Chromium and prints the boxes as the page's text.
# The page forbids scripts (its Content-Security-Policy), so the test copy drops that header.
_MEASURE = """<script>
const box = e => { const b = e.getBoundingClientRect();
  return {left: b.left, right: b.right, x: (b.left + b.right) / 2, y: (b.top + b.bottom) / 2}; };
const stageOf = e => +e.closest('[data-stage]').dataset.stage;
document.body.textContent = JSON.stringify({
  viewport: window.innerWidth,
  page: document.documentElement.scrollWidth,
  lanes: [document.querySelector('.lanes-wrap')].map(e => e.scrollWidth - e.clientWidth)[0],
  heads: [...document.querySelectorAll('thead th[data-stage]')].map(box),
  points: [...document.querySelectorAll('svg[data-stage] circle.point')]
    .map(e => ({stage: stageOf(e), ...box(e)})),
  moments: [...document.querySelectorAll('svg[data-stage] .mot circle')]
    .map(e => ({stage: stageOf(e), ...box(e)})),
  targets: [...document.querySelectorAll('svg[data-stage] circle.target-point')]
    .map(e => ({stage: stageOf(e), ...box(e)})),
  segmentPoints: [...document.querySelectorAll('svg[data-stage] .seg-point')]
    .filter(e => e.getBoundingClientRect().width > 0)
    .map(e => ({stage: stageOf(e), segment: e.closest('.seg').classList[1], ...box(e)})),
  fades: Object.fromEntries([...document.querySelectorAll('details.card')]
    .map(e => [e.id, +getComputedStyle(e).opacity])),
});
</script>"""


def _layout(tmp_path: Path, m: JourneyMap, width: int = 1440, segment: str = "") -> dict[str, Any]:
    """Where Chromium puts the stage headers, curve points and moment-of-truth rings (with
    the reader's choice of segment made, when `segment` names one: `seg-1`)."""
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", to_html(m))
    if segment:
        page = page.replace(" checked>", ">").replace(
            f'id="{segment}">', f'id="{segment}" checked>'
        )
    measured = tmp_path / "measured.html"
    measured.write_text(page.replace("</body>", _MEASURE + "</body>"), encoding="utf-8")
    dom = _chromium(tmp_path, f"--window-size={width},1000", "--dump-dom", measured.as_uri())
    body = re.search(r"<body>(.*)</body>", dom.stdout, re.DOTALL)
    assert body, dom.stdout[:500]
    measured_boxes: dict[str, Any] = json.loads(html.unescape(body.group(1)))
    return measured_boxes


def _journey_of(sample_map: JourneyMap, n: int) -> JourneyMap:
    """A map of n stages (the sample's three, repeated) with long names and moments of truth."""
    names = ["Kundenzufriedenheitsbefragung", "Renewal, cancelling or recommending", "首次转账"]
    stages: list[Stage] = []
    for i in range(n):
        base = sample_map.stages[i % 3]
        mean = None if i % 3 == 2 else round(-1.6 + 3.2 * i / max(1, n - 1), 2)
        emotion = base.emotion.model_copy(
            update={
                "mean_valence": mean,
                "ci_low": None if mean is None else mean - 0.4,
                "ci_high": None if mean is None else mean + 0.4,
            }
        )
        stages.append(
            base.model_copy(
                update={"name": f"{names[i % 3]} {i + 1}", "order": i + 1, "emotion": emotion}
            )
        )
    return sample_map.model_copy(update={"stages": stages})


@pytest.mark.parametrize("stages", [3, 7, 10])
def test_every_stage_fits_a_1440px_screen_with_its_curve_point_over_its_column(
    tmp_path: Path, sample_map: JourneyMap, stages: int
) -> None:
    m = sample_map if stages == 3 else _journey_of(sample_map, stages)
    layout = _layout(tmp_path, m)

    assert layout["page"] <= layout["viewport"], "no sideways scrolling"
    assert layout["lanes"] <= 0, "the lanes fit without scrolling sideways"
    heads = layout["heads"]
    assert len(heads) == stages
    for head in heads:
        assert head["left"] >= 0 and head["right"] <= layout["viewport"]
    with_quotes = [i for i, s in enumerate(m.stages) if s.emotion.mean_valence is not None]
    points = {p["stage"]: p for p in layout["points"]}
    assert sorted(points) == with_quotes
    for i, point in points.items():
        assert abs(point["x"] - heads[i]["x"]) <= 10, f"stage {i}: point off its column"
    # Higher valence is drawn higher (smaller y) on the one shared scale.
    ranked = sorted(with_quotes, key=lambda i: m.stages[i].emotion.mean_valence or 0)
    heights = [points[i]["y"] for i in ranked]
    assert heights == sorted(heights, reverse=True) and heights[0] > heights[-1]


def test_a_moment_of_truth_is_marked_on_its_stage_point(
    tmp_path: Path, sample_map: JourneyMap
) -> None:
    m = _journey_of(sample_map, 7)
    layout = _layout(tmp_path, m)

    marked = [
        i
        for i, s in enumerate(m.stages)
        if s.moments_of_truth and s.emotion.mean_valence is not None
    ]
    points = {p["stage"]: p for p in layout["points"]}
    assert sorted(r["stage"] for r in layout["moments"]) == marked and marked
    for ring in layout["moments"]:
        point = points[ring["stage"]]
        assert abs(ring["x"] - point["x"]) <= 1 and abs(ring["y"] - point["y"]) <= 1


def test_choosing_a_segment_draws_its_curve_over_the_columns_and_fades_what_it_never_said(
    tmp_path: Path, sample_map: JourneyMap
) -> None:
    plan = {"p01": "free", "p02": "free", "R17": "free", "R21": "premium", "p04": "premium"}
    observations = [
        o.model_copy(update={"segment": {"plan": plan[o.evidence.participant_id or ""]}})
        for o in sample_map.observations
    ]
    signup = sample_map.stages[0]
    late = signup.pain_points[0].model_copy(update={"segments": {"plan": {"free": 3}}})
    stages = [signup.model_copy(update={"pain_points": [late]}), *sample_map.stages[1:]]
    m = sample_map.model_copy(update={"observations": observations, "stages": stages})

    everyone = _layout(tmp_path, m)
    premium = _layout(tmp_path, m, segment="seg-1")

    assert everyone["segmentPoints"] == [] and set(everyone["fades"].values()) == {1}
    assert [(p["stage"], p["segment"]) for p in premium["segmentPoints"]] == [
        (0, "seg-1"),
        (1, "seg-1"),
    ]
    for point in premium["segmentPoints"]:
        assert abs(point["x"] - premium["heads"][point["stage"]]["x"]) <= 10
    assert premium["fades"]["f-pp-sign-up-1"] < 0.5  # premium never raised it
    assert premium["fades"]["f-pp-transfer-1"] == 1


def test_a_journey_too_long_for_the_screen_scrolls_its_lanes_not_the_page(
    tmp_path: Path, sample_map: JourneyMap
) -> None:
    layout = _layout(tmp_path, _journey_of(sample_map, 20))

    assert layout["page"] <= layout["viewport"]
    assert layout["lanes"] > 0
    heads = layout["heads"]
    for point in layout["points"]:
        assert abs(point["x"] - heads[point["stage"]]["x"]) <= 10


def test_a_chinese_map_draws_in_chinese_and_still_fits_the_screen(
    tmp_path: Path, sample_map: JourneyMap
) -> None:
    names = ["品牌认知", "初次互动", "购买决策", "开始使用", "使用体验", "售后服务", "忠诚与推荐"]
    seven = _journey_of(sample_map, 7)
    stages = [
        s.model_copy(update={"name": name}) for s, name in zip(seven.stages, names, strict=True)
    ]
    m = seven.model_copy(update={"stages": stages, "language": "zh"})
    page = tmp_path / "map.html"
    page.write_text(to_html(m), encoding="utf-8")
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert '<html lang="zh">' in dom and "<h2>旅程地图</h2>" in dom
    assert '<th scope="row">痛点</th>' in dom and "Pain points" not in dom
    assert all(name in dom for name in names)

    layout = _layout(tmp_path, m)
    assert layout["page"] <= layout["viewport"] and layout["lanes"] <= 0
    heads = layout["heads"]
    assert len(heads) == 7 and all(h["left"] >= 0 and h["right"] <= 1440 for h in heads)
    for point in layout["points"]:
        assert abs(point["x"] - heads[point["stage"]]["x"]) <= 10


def test_the_intended_journeys_target_curve_is_drawn_over_each_stage_column(
    tmp_path: Path, ideal_map: JourneyMap
) -> None:
    layout = _layout(tmp_path, ideal_map)

    heads = layout["heads"]
    targets = {t["stage"]: t for t in layout["targets"]}
    assert sorted(targets) == [0, 1]  # Support has no target: no point
    for i, target in targets.items():
        assert abs(target["x"] - heads[i]["x"]) <= 10, f"stage {i}: target off its column"
    points = {p["stage"]: p for p in layout["points"]}
    # Both stages feel worse than intended: each target is drawn above its actual point,
    # and the higher target (+1.5) above the lower (+1.0).
    assert all(targets[i]["y"] < points[i]["y"] for i in targets)
    assert targets[1]["y"] < targets[0]["y"]
    assert layout["page"] <= layout["viewport"], "the gap lane does not widen the page"
