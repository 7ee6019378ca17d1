"""Readable views of a plan in the terminal."""

from __future__ import annotations

from rich.tree import Tree

from progman.cli.output import plural
from progman.domain import Assignment, Program, WorkItem


def _item_label(item: WorkItem) -> str:
    if item.milestone:
        marker, detail = "◆", "milestone"
    elif item.is_summary:
        marker, detail = "▸", plural(sum(1 for _ in item.walk()) - 1, "item")
    else:
        marker = "•"
        detail = str(item.duration) if item.duration else ""
        if item.estimate:
            e = item.estimate
            detail = f"{e.optimistic}/{e.most_likely}/{e.pessimistic}"
        elif item.work:
            detail = f"work {item.work}"
    extras = []
    if item.depends:
        extras.append("after " + ", ".join(str(d.model_dump()) for d in item.depends))
    if item.resources:
        extras.append("by " + ", ".join(_who(a) for a in item.resources))
    if item.percent_complete:
        extras.append(f"{item.percent_complete:g}% done")
    tail = f" [dim]{'; '.join(extras)}[/dim]" if extras else ""
    return f"{marker} [bold]{item.id}[/bold] {item.name} [cyan]{detail}[/cyan]{tail}"


def _who(assignment: Assignment) -> str:
    """The person, or the role and skill still to be staffed."""
    if assignment.resource:
        return assignment.resource
    wanted = [f"role:{assignment.role}"] if assignment.role else []
    wanted += [f"skill:{assignment.skill}"] if assignment.skill else []
    return " ".join(wanted)


def program_tree(program: Program, depth: int | None = None) -> Tree:
    """Program → projects → work breakdown, down to ``depth`` levels of tasks."""
    items = sum(1 for _ in program.work_items())
    root = Tree(
        f"[bold]{program.name}[/bold] ({program.key}) — starts {program.start}, "
        f"{plural(len(program.projects), 'project')}, {plural(items, 'work item')}, "
        f"{plural(len(program.resources), 'person', 'people')}, "
        f"{plural(len(program.risks), 'risk')}"
    )
    for project in program.projects:
        meta = [project.method, f"priority {project.priority}"]
        if project.manager:
            meta.insert(0, f"manager {project.manager}")
        branch = root.add(
            f"[bold magenta]{project.id}[/bold magenta] {project.name} "
            f"[dim]({', '.join(meta)})[/dim]"
        )
        _add_items(branch, project.tasks, depth, 1)
    return root


def _add_items(branch: Tree, items: list[WorkItem], depth: int | None, level: int) -> None:
    if depth is not None and level > depth:
        return
    for item in items:
        child = branch.add(_item_label(item))
        _add_items(child, item.tasks, depth, level + 1)
