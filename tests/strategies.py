"""Hypothesis strategies that generate valid programs (acyclic, every reference resolving)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from progman.domain import Program

_names = (
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
_units = st.sampled_from(["m", "h", "d", "w"])
_amounts = st.one_of(st.integers(0, 40), st.sampled_from([0.5, 1.5, 2.25]))
_durations = st.builds(lambda a, u, e: f"{a}{'e' if e else ''}{u}", _amounts, _units, st.booleans())
_dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


def _link_kinds(pred: str, into_summary: bool, summaries: set[str]) -> list[str]:
    """Link types the plan checks accept: summaries take FS/SS in and give FS/FF out."""
    kinds = ["FS", "SS", "FF", "SF"]
    if pred in summaries:
        kinds = [k for k in kinds if k in ("FS", "FF")]
    if into_summary:
        kinds = [k for k in kinds if k in ("FS", "SS")]
    return kinds


@st.composite
def _task(
    draw: st.DrawFn,
    ident: str,
    earlier: list[str],
    resources: list[str],
    depth: int,
    *,
    summaries: set[str],
) -> dict[str, Any]:
    task: dict[str, Any] = {"id": ident, "name": draw(_names)}
    if draw(st.booleans()):
        task["milestone"] = True
    else:
        choice = draw(st.sampled_from(["duration", "estimate", "work", "none"]))
        if choice == "duration":
            task["duration"] = draw(_durations)
        elif choice == "estimate":
            low = draw(st.integers(0, 10))
            mid = low + draw(st.integers(0, 10))
            task["estimate"] = [f"{low}d", f"{mid}d", f"{mid + draw(st.integers(0, 10))}d"]
        elif choice == "work":
            task["work"] = f"{draw(st.integers(1, 80))}h"
    summary = depth < 2 and draw(st.integers(0, 4)) == 0
    if earlier and draw(st.booleans()):
        preds = draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=3, unique=True))
        task["depends"] = [
            f"{p} {draw(st.sampled_from(_link_kinds(p, summary, summaries)))}"
            f"{draw(st.sampled_from(['', '+2d', '-1d', '+4h', '+3ed']))}"
            for p in preds
        ]
    if resources and draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(resources), min_size=1, max_size=2, unique=True))
        task["resources"] = {r: draw(st.sampled_from([0.25, 0.5, 1.0])) for r in chosen}
    if draw(st.booleans()):
        task["percent_complete"] = draw(st.sampled_from([0, 10, 50, 100]))
    if draw(st.booleans()):
        task["tags"] = draw(st.lists(st.sampled_from(["ux", "backend", "legal"]), unique=True))
    if draw(st.integers(0, 9)) == 0:
        task["constraint"] = {"type": "snet", "date": draw(_dates)}
    if summary:
        summaries.add(ident)
        task["tasks"] = [
            draw(_task(f"{ident}.{n}", [], resources, depth + 1, summaries=summaries))
            for n in range(draw(st.integers(1, 3)))
        ]
    return task


@st.composite
def program_data(draw: st.DrawFn) -> dict[str, Any]:
    """Plain plan data of a valid program: what a plan file would hold."""
    resources = [f"r{n}" for n in range(draw(st.integers(0, 4)))]
    start = draw(_dates)
    data: dict[str, Any] = {
        "program": draw(_names),
        "key": draw(st.from_regex(r"[A-Z]{2,5}", fullmatch=True)),
        "start": start,
        "calendars": {
            "std": {
                "workdays": ["mon", "tue", "wed", "thu", "fri"],
                "hours_per_day": draw(st.sampled_from([7.5, 8, 10])),
                "holidays": [start + timedelta(days=10)],
            }
        },
        "calendar": "std",
        "resources": [
            {
                "id": r,
                "name": draw(_names),
                "capacity": draw(st.sampled_from([0.5, 1.0])),
                "skills": draw(st.lists(st.sampled_from(["python", "ux", "qa"]), unique=True)),
            }
            for r in resources
        ],
        "objectives": [
            {
                "id": "O1",
                "title": draw(_names),
                "key_results": [
                    {"id": "KR1", "title": "metric", "target": draw(st.integers(1, 10**6))}
                ],
            }
        ],
        "projects": [],
    }
    earlier: list[str] = []
    summaries: set[str] = set()
    for p in range(draw(st.integers(1, 3))):
        project_id = f"P{p}"
        tasks = []
        for t in range(draw(st.integers(0, 6))):
            ident = f"{project_id}.t{t}"
            tasks.append(draw(_task(ident, list(earlier), resources, 0, summaries=summaries)))
            earlier.append(ident)
        data["projects"].append(
            {
                "id": project_id,
                "name": draw(_names),
                "priority": draw(st.integers(0, 1000)),
                "objectives": {"O1": draw(st.sampled_from([0.0, 0.5, 1.0]))},
                "tasks": tasks,
            }
        )
    if earlier and draw(st.booleans()):
        data["risks"] = [
            {
                "id": "R1",
                "title": draw(_names),
                "probability": draw(st.sampled_from([0.1, 0.5, 0.9])),
                "impact": {"schedule": "5d", "cost": 1000.0},
                "affects": [draw(st.sampled_from(earlier))],
            }
        ]
    return data


programs = program_data().map(Program.model_validate)
