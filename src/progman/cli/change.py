"""``progman change …``: change requests on a stored program, draft → submitted → approved
| rejected → applied (:mod:`progman.services.change_requests` does every step).

The command line acts as the local administrator (whoever may open the database may
change anything in it), named by ``--as NAME`` or after the login; each write reads the
request's version and sends it, as the API's ``If-Match``. An apply refused because the
program changed since the impact was computed still stores the new impact (the request
is submitted again) before it reports the error. Services and Rich are imported in the
command bodies, so that mounting this sub-app does not slow down every other command.
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (see above)

from typing import TYPE_CHECKING, Annotated, Any

import typer

from progman.cli.options import DbOption, actor_name
from progman.cli.output import (
    Column,
    Listing,
    output,
    plural,
    print_json,
    print_listing,
    print_text,
    stdout,
)

if TYPE_CHECKING:
    from progman.services.change_requests import ChangeRequestEdit, ChangeRequestView

app = typer.Typer(
    help="Change requests on a stored program: create, submit, approve or reject, apply.",
    no_args_is_help=True,
)

ProgramOption = Annotated[
    str, typer.Option("--program", metavar="KEY", help="key of the stored program")
]
IdArg = Annotated[str, typer.Argument(metavar="ID", help="change request id, e.g. CR-003")]
JsonOption = Annotated[bool, typer.Option("--json", help="print one JSON object")]
ActorOption = Annotated[
    str | None,
    typer.Option("--as", metavar="NAME", help="who acts (default: your login name)"),
]
CommentOption = Annotated[
    str | None, typer.Option("--comment", metavar="TEXT", help="why (kept with the decision)")
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="ID.FIELD=VALUE",
        help="give a field a value in plan syntax: API.auth.duration=12d (repeatable)",
    ),
]
AddOption = Annotated[
    list[str] | None,
    typer.Option(
        "--add",
        metavar="PARENT.SECTION=MAPPING",
        help="add an entity: API.tasks='{id: API.wallet, name: Wallets, duration: 10d}' "
        "(repeatable)",
    ),
]
AddDepOption = Annotated[
    list[str] | None,
    typer.Option(
        "--add-dep",
        metavar="SUCC:PRED [TYPE±LAG]",
        help="add a link, e.g. 'MOB.build:API.auth FS+2d' (repeatable)",
    ),
]
RemoveOption = Annotated[
    list[str] | None,
    typer.Option("--remove", metavar="ID", help="remove a work item or resource (repeatable)"),
]


def _database(url: str | None) -> str:
    from progman.services.database import database_url

    return database_url(url)


# -- output ---------------------------------------------------------------------------------


def _done(edit: "ChangeRequestEdit", what: str, program: str, as_json: bool) -> None:
    from progman.services.change_impact import impact_summary
    from progman.services.change_requests import request_json

    request = edit.view.request
    if as_json:
        body: dict[str, Any] = {"item": request_json(edit.view), "revision": edit.revision}
        if edit.baseline is not None:
            body["baseline"] = edit.baseline
        print_json(body)
        return
    stdout.print(f"change request {request.id} of {program} {what}: {request.state}", markup=False)
    if what == "submitted":
        stdout.print(f"impact: {impact_summary(request.impact)}", markup=False)
    if edit.baseline is not None:
        stdout.print(f"new baseline {edit.baseline}", markup=False)


def _when(value: Any) -> str:
    return "—" if value is None else str(value)[:10]


def _delta(days: int | None) -> str:
    return "—" if days is None else f"{days:+d}"


def _show(view: "ChangeRequestView", program: str) -> None:
    from progman.services.change_impact import change_text, impact_summary

    request = view.request
    console = output()
    print_text(f"[bold]{request.id}[/bold] {request.title} ({request.state})", console)
    for label, value in (
        ("requester", request.requester),
        ("reason", request.reason),
        ("description", request.description),
        ("submitted", request.submitted),
        ("approvers", ", ".join(request.approvers) or "a program manager (default)"),
        ("baseline", request.baseline),
    ):
        if value:
            console.print(f"{label}: {value}", markup=False, soft_wrap=not console.is_terminal)
    changes = Listing([Column("#", "number"), Column("change")], title="Changes")
    for number, change in enumerate(request.changes, 1):
        changes.add_row(str(number), change_text(change))
    print_listing(changes, console)
    if request.approvals:
        decisions = Listing(
            [Column("by", "id"), Column("decision", "id"), Column("date", "date"), Column("why")],
            title="Decisions",
        )
        for approval in request.approvals:
            decisions.add_row(
                approval.by, approval.decision, approval.date.isoformat(), approval.comment or ""
            )
        print_listing(decisions, console)
    impact = request.impact
    if not impact:
        print_text(impact_summary(None), console)
        return
    _print_impact(impact, request.impact_revision, console)


def _print_impact(impact: dict[str, Any], revision: int | None, console: Any) -> None:
    from progman.services.change_impact import impact_summary

    dates = Listing(
        [
            Column("finish of", "id"),
            Column("deadline", "date", drop=1),
            Column("current", "date"),
            Column("with it", "date"),
            Column("Δ working\ndays", "number"),
        ],
        title=f"Impact (computed on revision {revision}, "
        f"{'leveled' if impact.get('leveled') else 'not leveled'})",
        legend="! misses its deadline with the change · ◆ milestone",
    )
    finish = impact.get("finish") or {}
    rows = [("program", finish)]
    rows += [(f"{p['id']}", p) for p in impact.get("projects", [])]
    rows += [(f"◆ {m['id']}", m) for m in impact.get("milestones", []) if m.get("delta_days")]
    for label, row in rows:
        missed = row.get("scenario_met") is False
        dates.add_row(
            ("! " if missed else "") + label,
            _when(row.get("deadline")),
            _when(row.get("current")),
            _when(row.get("scenario")),
            _delta(row.get("delta_working_days")),
            style="red" if missed else "",
        )
    print_listing(dates, console)
    cost = impact.get("cost") or {}
    print_text(
        f"planned cost: {cost.get('current', 0):,.2f} → {cost.get('scenario', 0):,.2f} "
        f"({cost.get('delta', 0):+,.2f})",
        console,
    )
    critical = impact.get("critical_path") or {}
    for label, ids in (
        ("enter the critical path", critical.get("entering")),
        ("leave the critical path", critical.get("leaving")),
    ):
        if ids:
            print_text(f"{label}: {', '.join(ids)}", console)
    benefits = impact.get("benefits") or []
    if benefits:
        table = Listing(
            [
                Column("benefit", "id"),
                Column("due", "date"),
                Column("current", "date"),
                Column("with it", "date"),
                Column("at risk", "mark"),
            ],
            title="Benefits",
        )
        for benefit in benefits:
            table.add_row(
                benefit["id"],
                _when(benefit.get("due")),
                _when(benefit.get("current")),
                _when(benefit.get("scenario")),
                "yes" if benefit.get("at_risk") else "no",
            )
        print_listing(table, console)
    print_text(impact_summary(impact), console)


# -- commands -------------------------------------------------------------------------------


@app.command()
def create(
    *,
    program: ProgramOption,
    title: Annotated[str, typer.Option("--title", metavar="TEXT", help="what is asked for")],
    ident: Annotated[
        str | None, typer.Option("--id", metavar="ID", help="its id (default: next CR-NNN)")
    ] = None,
    sets: SetOption = None,
    add: AddOption = None,
    add_dep: AddDepOption = None,
    remove: RemoveOption = None,
    reason: Annotated[str | None, typer.Option(metavar="TEXT", help="why it is needed")] = None,
    description: Annotated[str | None, typer.Option(metavar="TEXT", help="more words")] = None,
    requester: Annotated[
        str | None, typer.Option(metavar="NAME", help="who asks (default: who acts)")
    ] = None,
    approvers: Annotated[
        list[str] | None,
        typer.Option(
            "--approver",
            metavar="NAME|ROLE",
            help="who may approve it: a user or a role (default: a program manager; repeatable)",
        ),
    ] = None,
    db: DbOption = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a draft change request of a stored program (its changes must apply now)."""
    from progman.services.inputs import parse_changes

    changes = parse_changes(sets, add_dep, remove)
    from progman.services.change_impact import parse_add
    from progman.services.change_requests import do_create_change_request
    from progman.services.database import unit_of_work
    from progman.services.users import local_admin

    changes += [parse_add(text) for text in add or []]
    with unit_of_work(_database(db), write=True) as session:
        edit = do_create_change_request(
            session,
            local_admin(actor_name(actor)),
            program,
            title=title,
            changes=changes,
            ident=ident,
            description=description,
            reason=reason,
            requester=requester,
            approvers=approvers or [],
        )
    _done(edit, f"created ({plural(len(changes), 'change')})", program, as_json)


def _step(step: str, program: str, ident: str, db: str | None, actor: str | None, **kw: Any) -> Any:
    """Run ``step`` on request ``ident`` with its current version (as ``If-Match``)."""
    from progman.services import change_requests as service
    from progman.services.database import unit_of_work
    from progman.services.users import local_admin

    user = local_admin(actor_name(actor))
    with unit_of_work(_database(db), write=True) as session:
        version = service.get_change_request(session, user, program, ident).version
        edit = getattr(service, step)(session, user, program, ident, if_match=version, **kw)
    if getattr(edit, "refused", None) is not None:
        raise edit.refused  # after the commit: the recomputed impact is kept
    return edit


@app.command()
def submit(
    ident: IdArg,
    *,
    program: ProgramOption,
    db: DbOption = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Submit a draft: the engine computes its impact, stored with it, for the approvers."""
    edit = _step("do_submit_change_request", program, ident, db, actor)
    _done(edit, "submitted", program, as_json)


@app.command()
def approve(
    ident: IdArg,
    *,
    program: ProgramOption,
    comment: CommentOption = None,
    db: DbOption = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Approve a submitted change request (an approver's)."""
    edit = _step(
        "do_decide_change_request", program, ident, db, actor, decision="approved", comment=comment
    )
    _done(edit, "approved", program, as_json)


@app.command()
def reject(
    ident: IdArg,
    *,
    program: ProgramOption,
    comment: CommentOption = None,
    db: DbOption = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Reject a submitted change request (an approver's)."""
    edit = _step(
        "do_decide_change_request", program, ident, db, actor, decision="rejected", comment=comment
    )
    _done(edit, "rejected", program, as_json)


@app.command(name="apply")
def apply_(
    ident: IdArg,
    *,
    program: ProgramOption,
    db: DbOption = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Apply an approved change request: every change in one save, and a new baseline
    named after it. If the program changed since the impact was computed, the impact is
    computed again and the request goes back to the approvers (exit 1)."""
    edit = _step("do_apply_change_request", program, ident, db, actor)
    _done(edit, "applied", program, as_json)


@app.command()
def show(
    ident: IdArg,
    *,
    program: ProgramOption,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A change request: its changes, decisions and computed impact."""
    from progman.services.change_requests import get_change_request, request_json
    from progman.services.database import unit_of_work
    from progman.services.users import local_admin

    with unit_of_work(_database(db), write=False) as session:
        view = get_change_request(session, local_admin(), program, ident)
    if as_json:
        print_json(request_json(view))
        return
    _show(view, program)


@app.command(name="list")
def list_(
    *,
    program: ProgramOption,
    state: Annotated[
        str | None,
        typer.Option(metavar="STATE", help="only draft|submitted|approved|rejected|applied"),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The change requests of a stored program."""
    from progman.services.change_impact import impact_summary
    from progman.services.change_requests import MAX_PAGE, list_change_requests, request_json
    from progman.services.database import unit_of_work
    from progman.services.users import local_admin

    views = []
    cursor = None
    with unit_of_work(_database(db), write=False) as session:
        while True:
            page = list_change_requests(
                session, local_admin(), program, state=state, cursor=cursor, limit=MAX_PAGE
            )
            views += page.items
            if page.next is None:
                break
            cursor = page.next
    if as_json:  # the API's list (GET .../change-requests), on one page
        items = [request_json(v) for v in views]
        print_json({"items": items, "next": None})
        return
    table = Listing(
        [
            Column("id", "id"),
            Column("state", "id"),
            Column("title"),
            Column("changes", "number", drop=2),
            Column("impact", drop=1),
        ],
        title=f"Change requests of {program}",
    )
    for view in views:
        request = view.request
        table.add_row(
            request.id,
            request.state,
            request.title,
            str(len(request.changes)),
            impact_summary(request.impact) if request.impact else "—",
        )
    print_listing(table)
