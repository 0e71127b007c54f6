"""The coded-segments export: every observation with its theme, codes, quote and offsets."""

import csv
import io
import json

from journey.exports import OBSERVATION_COLUMNS, to_observations_csv, to_observations_jsonl
from journey.render import FORMATS, encoding_for, format_for, render
from journey.schema import JourneyMap


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_observations_csv_has_a_row_per_observation_with_its_theme(
    sample_map: JourneyMap,
) -> None:
    rows = _rows(to_observations_csv(sample_map))
    assert len(rows) == len(sample_map.observations)
    assert tuple(rows[0]) == OBSERVATION_COLUMNS
    assert [r["theme"] for r in rows] == ["pp-sign-up-1", "pp-sign-up-2", "", "pp-transfer-1"]
    first = rows[0]
    assert first["quote"] == "I waited, and waited,\nand the code never came."
    assert (first["char_start"], first["char_end"]) == ("120", "166")
    assert (first["participant"], first["kind"], first["stage"]) == ("p01", "pain_point", "Sign-up")


def test_observations_csv_defuses_formulas_and_keeps_chinese(sample_map: JourneyMap) -> None:
    rows = _rows(to_observations_csv(sample_map))
    assert rows[1]["quote"].startswith("'=HYPERLINK")
    assert rows[3]["quote"] == "转账限额写在哪里？我找了半天都没找到。"
    assert rows[3]["stage"] == "首次转账"


def test_observations_jsonl_is_one_object_per_observation_with_nulls_for_gaps(
    sample_map: JourneyMap,
) -> None:
    lines = to_observations_jsonl(sample_map).splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == len(sample_map.observations)
    assert all(tuple(r) == OBSERVATION_COLUMNS for r in records)
    assert records[2]["theme"] is None and records[2]["kind"] == "need"
    assert records[1]["quote"].startswith("=HYPERLINK")  # JSON is data, not a spreadsheet
    assert "转账限额" in lines[3]  # readable, not \\u-escaped


def test_each_observation_theme_names_a_finding_of_the_map(sample_map: JourneyMap) -> None:
    ids = {f.id for s in sample_map.stages for f in (*s.pain_points, *s.delights)}
    themes = {o.theme for o in sample_map.observations if o.theme}
    assert themes <= ids


def test_file_names_choose_the_coded_segment_formats() -> None:
    assert format_for("out/study.observations.csv") == "observations"
    assert format_for("STUDY.JSONL") == "observations-jsonl"
    assert format_for("study.csv") == "csv"
    assert format_for("study.txt", "md") == "md"
    assert encoding_for("observations") == "utf-8-sig"
    assert encoding_for("observations-jsonl") == "utf-8"


def test_every_format_renders_the_sample_map(sample_map: JourneyMap) -> None:
    for fmt in FORMATS:
        assert render(sample_map, fmt).strip()
