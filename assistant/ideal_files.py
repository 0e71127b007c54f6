"""The intended journey as a file: read from the YAML or JSON a team writes (or an API
request's object), every problem named with its line and field; written back as YAML to edit.
The only importer of yaml.
"""

import json
from collections.abc import Mapping, Sequence
from typing import Any

import yaml
from pydantic import ValidationError

from journey.errors import InvalidRequestError, TooLargeError
from journey.schema import IdealJourney, IdealStage

MAX_CHARS = 200_000
"""An ideal journey is a page or two; anything far longer is not one."""
MAX_ERRORS = 5
"""Problems listed in one error message (the first ones, in file order)."""


def _key(name: str) -> str:
    """A stage name as compared: case and spacing ignored."""
    return " ".join(name.split()).casefold()


def _where(node: yaml.Node | None, loc: Sequence[str | int]) -> int | None:
    """The line (from 1) of the YAML node at a validation error's location, as far as the
    location leads."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            found = [(k, v) for k, v in node.value if getattr(k, "value", None) == part]
            if not found:
                break
            key, node = found[0]
            # An unknown or wrong field is on its key's line even when its value starts later.
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _field(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


_FIELDS = ", ".join(IdealStage.model_fields)
_NAMED = {"extra_forbidden", "missing"}


def _problem(error: Mapping[str, Any]) -> str:
    kind, loc = error.get("type", ""), tuple(error.get("loc", ()))
    if kind == "extra_forbidden":
        known = _FIELDS if "stages" in loc else "title, origin, stages"
        if len(loc) >= 4 and loc[2] == "kpis":
            known = "name, target"
        return f"unknown field {loc[-1]!r} (known here: {known})"
    if kind == "missing":
        return f"{loc[-1]!r} is missing" if loc else "missing"
    message = str(error.get("msg", "invalid"))
    if kind in {"less_than_equal", "greater_than_equal"}:
        message += " (the emotion curve's scale is -2..+2)"
    return message


def _invalid(name: str, problems: Sequence[tuple[int | None, str]]) -> InvalidRequestError:
    shown = [f"{name}{f' line {line}' if line else ''}: {text}" for line, text in problems]
    more = len(problems) - MAX_ERRORS
    tail = f" (and {more} more)" if more > 0 else ""
    return InvalidRequestError(
        "; ".join(shown[:MAX_ERRORS]) + tail + ". An ideal journey is `stages:`, a list of "
        "`name` (as the map names the stage), `expectations` (what should happen, a list), "
        "`target_valence` (-2..+2) and/or `target_feeling`, optional `kpis` (`name`, "
        "`target`); see samples/freshbox/ideal.yaml",
        code="invalid_ideal",
    )


def _refuse_aliases(text: str) -> None:
    """Anchors and aliases are refused before anything is built: a few lines of them can
    expand to gigabytes (a "billion laughs"), and an ideal journey never needs them."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.MarkedYAMLError(
                problem="anchors and aliases (&name, *name) are not supported here: write the "
                "value out",
                problem_mark=event.start_mark,
            )


def _parse(text: str, name: str) -> tuple[Any, yaml.Node | None]:
    """The file's data and, for locating problems, its YAML node tree (JSON is YAML too)."""
    text = text.lstrip("\ufeff")
    if text.lstrip()[:1] in ("{", "["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _invalid(name, [(exc.lineno, f"not valid JSON: {exc.msg}")]) from None
        try:
            _refuse_aliases(text)  # JSON has none, but the tree is built from YAML
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            node = None  # rare JSON that YAML reads otherwise: problems then have no line
        return data, node
    try:
        _refuse_aliases(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(filter(None, [exc.context, exc.problem]))
        raise _invalid(name, [(line, f"not valid YAML: {what}")]) from None
    except yaml.YAMLError as exc:
        raise _invalid(name, [(None, f"not valid YAML: {exc}")]) from None
    return data, node


def read_ideal(content: str | Mapping[str, Any], name: str = "ideal journey") -> IdealJourney:
    """An intended journey from the text of a YAML or JSON file (or its parsed object).

    InvalidRequestError (naming `name`, the line and the field, and what to write instead)
    when it is not one; TooLargeError past MAX_CHARS."""
    node: yaml.Node | None = None
    data: Any = content
    if isinstance(content, str):
        if len(content) > MAX_CHARS:
            raise TooLargeError(
                f"{name}: {len(content):,} characters; an ideal journey holds at most "
                f"{MAX_CHARS:,}",
                code="ideal_too_large",
            )
        data, node = _parse(content, name)
    elif len(json.dumps(content, default=str)) > MAX_CHARS:
        # an object (an API or MCP request) is held to the same size: a 3 MB one grew the
        # stored map from 24 KB to 6.5 MB
        raise TooLargeError(
            f"{name}: over {MAX_CHARS:,} characters; an ideal journey holds at most that",
            code="ideal_too_large",
        )
    if isinstance(data, list):  # a bare list of stages
        data = {"stages": data}
    if not isinstance(data, Mapping):
        raise _invalid(name, [(None, "expected a mapping with `stages:` at the top")])
    data = dict(data)
    stages = data.get("stages")
    if isinstance(stages, list):
        # A single expectation written as a sentence rather than a list is still meant.
        data["stages"] = [
            {**s, "expectations": [s["expectations"]]}
            if isinstance(s, Mapping) and isinstance(s.get("expectations"), str)
            else s
            for s in stages
        ]
    try:
        journey = IdealJourney.model_validate(data)
    except ValidationError as exc:
        located = [(_where(node, e["loc"]), e) for e in exc.errors()]
        located.sort(key=lambda le: le[0] or 0)
        # An unknown or missing field is named in the message: the path stops at its parent.
        raise _invalid(
            name,
            [
                (
                    line,
                    f"{_field(e['loc'][:-1] if e['type'] in _NAMED else e['loc'])}: {_problem(e)}",
                )
                for line, e in located
            ],
        ) from None
    problems: list[tuple[int | None, str]] = []
    seen: set[str] = set()
    for i, stage in enumerate(journey.stages):
        where = _where(node, ("stages", i, "name"))
        if not stage.name.strip():
            problems.append((where, f"stages[{i}].name is empty: name the stage"))
        elif _key(stage.name) in seen:
            problems.append((where, f"stages[{i}]: the stage {stage.name!r} is listed twice"))
        seen.add(_key(stage.name))
        for j, expectation in enumerate(stage.expectations):
            if not expectation.strip():
                problems.append(
                    (_where(node, ("stages", i, "expectations", j)), "an expectation is empty")
                )
    if problems:
        raise _invalid(name, problems)
    return journey.model_copy(
        update={
            "stages": [
                s.model_copy(
                    update={
                        "name": " ".join(s.name.split()),
                        "expectations": [" ".join(e.split()) for e in s.expectations],
                    }
                )
                for s in journey.stages
            ]
        }
    )


def _scalar(value: object) -> str:
    """One YAML scalar, quoted and escaped as YAML needs it."""
    dumped: str = yaml.safe_dump(value, allow_unicode=True, width=1_000_000)
    return dumped.removesuffix("\n...\n").strip()


def ideal_yaml(
    journey: IdealJourney,
    header: Sequence[str] = (),
    notes: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """An intended journey as a YAML file to edit: `header` comment lines on top and, per
    stage name, `notes` as comments under the stage (e.g. what the guide asks there)."""
    lines = [f"# {line}".rstrip() for line in header]
    if journey.title:
        lines.append(f"title: {_scalar(journey.title)}")
    lines += [f"origin: {_scalar(journey.origin)}", "stages:"]
    for stage in journey.stages:
        lines.append(f"  - name: {_scalar(stage.name)}")
        lines += [f"    # {' '.join(n.split())}" for n in (notes or {}).get(stage.name, [])]
        if stage.expectations:
            lines.append("    expectations:")
            lines += [f"      - {_scalar(e)}" for e in stage.expectations]
        else:
            lines.append("    expectations: []  # what should happen here, one line each")
        if stage.target_valence is not None:
            lines.append(f"    target_valence: {stage.target_valence:g}")
        else:
            lines.append("    target_valence: null  # -2 (very negative) .. +2 (very positive)")
        if stage.target_feeling:
            lines.append(f"    target_feeling: {_scalar(stage.target_feeling)}")
        if stage.kpis:
            lines.append("    kpis:")
            for kpi in stage.kpis:
                lines.append(f"      - name: {_scalar(kpi.name)}")
                if kpi.target is not None:
                    lines.append(f"        target: {_scalar(kpi.target)}")
    return "\n".join(lines) + "\n"
