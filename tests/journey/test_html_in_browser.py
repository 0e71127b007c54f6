"""The HTML map rendered by a real headless Chromium: it draws the journey, not an error page."""

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from journey.html import to_html
from journey.schema import JourneyMap

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


def test_the_html_map_renders_its_stages_curve_and_quotes(tmp_path: Path, sample_map: JourneyMap):
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
