"""``progman health PLAN [--all] [--simulate N] [--json | --csv]``: the RAG health of the
program and each project with the reasons, and any manual override beside the computed
colour. The health and its JSON object are :mod:`progman.services.health`; this module
formats them (a colour is always a word and a marker too, never colour alone).
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (cli/main.py)

from typing import TYPE_CHECKING, Annotated

import typer

from progman.cli.options import (
    CsvOption,
    DbOption,
    JsonOption,
    PlanArg,
    ProgramOption,
    StatusDateOption,
    one_format,
)
from progman.cli.output import Cell, Column, Listing, output, print_json, print_listing, write_csv

if TYPE_CHECKING:
    from progman.services.health import Health, ProgramHealth

MARKERS = {"green": "✓", "amber": "!", "red": "✗"}
STYLES = {"green": "green", "amber": "bold yellow", "red": "bold red"}
LEGEND = (
    "✗ red · ! amber · ✓ green: the worst signal sets the colour; a manual override shows "
    "beside the computed colour. Limits: the plan's health: section (docs/plan-format.md)"
)
CSV_FIELDS = ("scope", "id", "rag", "override", "signal", "signal_rag", "text")


def health(
    plan: PlanArg = None,
    *,
    status_date: StatusDateOption = None,
    every: Annotated[
        bool, typer.Option("--all", help="list the green reasons too (--json has them all)")
    ] = False,
    iterations: Annotated[
        int | None,
        typer.Option(
            "--simulate",
            metavar="N",
            min=100,
            max=1_000_000,
            help="also judge deadlines by the P80 of a simulation of N iterations (seed 0)",
        ),
    ] = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """Health (RAG) of the program and each project, with a reason per signal."""
    from progman.services.health import health_json, health_of_source
    from progman.services.inputs import parse_date
    from progman.services.plans import PlanSource

    one_format(as_json, as_csv)
    source = PlanSource.of(plan, db, program_key)
    result = health_of_source(source, status_date=parse_date(status_date), iterations=iterations)
    if as_json:
        print_json(health_json(result))
        return
    scopes = _scopes(result)
    if as_csv:
        write_csv(
            (
                {
                    "scope": scope, "id": ident, "rag": h.rag,
                    "override": h.override.rag if h.override else "",
                    "signal": r.signal, "signal_rag": r.rag, "text": r.text,
                }
                for scope, ident, h in scopes
                for r in h.reasons
            ),
            CSV_FIELDS,
        )  # fmt: skip
        return
    print_listing(_table(result, scopes, every), output())


def _scopes(result: "ProgramHealth") -> "list[tuple[str, str, Health]]":
    return [
        ("program", result.key, result.program),
        *(("project", ident, h) for ident, h in result.projects.items()),
    ]


def _colour(rag: str, what: str) -> Cell:
    return Cell(f"{MARKERS[rag]} {rag}" + (f" ({what})" if what else ""), style=STYLES[rag])


def _table(
    result: "ProgramHealth", scopes: "list[tuple[str, str, Health]]", every: bool
) -> Listing:
    when = f", as of {result.status_date}" if result.status_date else ""
    shown = "" if every else " (amber and red reasons; --all for every one)"
    table = Listing(
        [
            Column("scope", "id"),
            Column("health", "mark"),
            Column("signal", "id", drop=1),
            Column("reason", "text"),
        ],
        title=f"Health of {result.name}{when}{shown}",
        legend=LEGEND,
    )
    for ident, h, last in _with_last(scopes):
        reasons = [r for r in h.reasons if every or r.rag != "green"]
        rows: list[tuple[str, str]] = [(r.signal, f"{MARKERS[r.rag]} {r.text}") for r in reasons]
        if not reasons:
            rows.append(("—", "✓ every signal is green"))
        colours = [_colour(h.rag, "computed" if h.override else "")]
        if h.override is not None:  # the second row: its colour under the computed one
            o = h.override
            who = "".join(
                f" {word} {value}" for word, value in (("by", o.by), ("on", o.on)) if value
            )
            rows.insert(1, ("override", f"set{who}: {o.comment}"))
            colours.append(_colour(o.rag, "override"))
        for n, (signal, text) in enumerate(rows):
            table.add_row(
                Cell(ident if n == 0 else ""), colours[n] if n < len(colours) else Cell(""),
                signal, text, end_section=not last and n == len(rows) - 1,
            )  # fmt: skip
    return table


def _with_last(
    scopes: "list[tuple[str, str, Health]]",
) -> "list[tuple[str, Health, bool]]":
    return [(ident, h, n == len(scopes) - 1) for n, (_, ident, h) in enumerate(scopes)]
