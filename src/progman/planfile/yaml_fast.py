"""A YAML plan of simple tasks read in C++ (rapidyaml), for the columnar path only.

libyaml's composer makes a Python node per value (1.3M at 100k tasks, about 1.4 s), so a
YAML plan took 3.5x the time of the same plan as JSON. :func:`decode_simple_yaml` instead
parses with rapidyaml, has it write the tree as JSON, and gives that to the typed decode of
JSON plans (:func:`~progman.planfile.columnar_decode.decode_simple_json`).

It only accepts, as the typed decode does: it answers None (and the plan is read the usual
way, PyYAML and its builder, which writes every message and position as always) unless it
is sure the data equals what the usual read gives. rapidyaml reads YAML 1.2 and writes
JSON by its own rules, so:

* cheap scans of the bytes refuse what the two parsers may read differently: a byte order
  mark, tabs, carriage returns, control characters and the line breaks only YAML 1.1 knows
  (NEL, LS, PS), tags, anchors and aliases, directives and document markers, complex keys;
* the header (everything but the task lists) is rebuilt from rapidyaml's tree with the
  usual builder's own rules (PyYAML's resolver and :class:`~progman.planfile.source.
  YamlScalars`: plain ``2027-01-04`` is a date, ``yes`` a text), repeated keys refused;
* the tasks' values are typed (texts, lists of texts, true/false, numbers): every text is
  checked to be a text for the usual read too even if it was written plain (``1_000``,
  ``~``, ``True``, ``0x1F`` are not), and a number with an exponent (``1e3``: a number to
  rapidyaml, a text to YAML 1.1) sends the plan the usual way;
* a repeated key is caught by the typed decode's count of strings (rapidyaml keeps both).

Whether rapidyaml accepts only what libyaml accepts, and unescapes and folds the same
text, is not proven here: ``tests/planfile/test_yaml_fast.py`` compares the two on
generated and mutated plans.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from itertools import chain
from typing import Any

import orjson
import yaml

from progman.planfile.columnar_decode import TaskFields, decode_simple_json
from progman.planfile.source import _BOOL_WORDS, _NUMBERS, DocumentError, _Builder, quotes_in

try:
    import ryml
except ImportError:  # pragma: no cover - an install without rapidyaml reads YAML as before
    ryml = None

_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
#: the bytes a plan may hold on this path: printable ASCII and newline (non-ASCII is
#: checked once decoded)
_PLAIN_BYTES = bytes([10, *range(32, 127)])
#: characters the two parsers may treat differently: C1 controls (NEL among them), the
#: YAML 1.1 line and paragraph separators, a byte order mark, non-characters
_ODD_CHARACTERS = re.compile("[\x80-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
#: the signs of a tag, anchor, alias, directive, reserved sign or complex key, and the
#: flow signs that cannot start a value (libyaml refuses ``name: }x``, rapidyaml takes it)
_SPECIAL_SIGNS = b"!&*%@`?,]}"
#: such a sign where a token may start
_SPECIAL_TOKEN = re.compile(rb"(?:^|[ \n,\[{])[!&*%@`?]|(?:^|[ \n])[,\]}]", re.MULTILINE)
#: a line that opens a flow collection (``[`` or ``{``)
_FLOW_LINE = re.compile(rb"^[^\n\[{]*[\[{][^\n]*", re.MULTILINE)
#: a number written with an exponent: YAML 1.2 reads ``1e3`` as a number, YAML 1.1 as text
_EXPONENT = re.compile(rb"[0-9.][eE]")

#: the tag PyYAML's resolver gives a plain (True, False) or quoted text
_resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = (
    yaml.resolver.Resolver().resolve
)
_FIRST_SIGNS = "".join(sorted(k for k in yaml.resolver.Resolver.yaml_implicit_resolvers if k))
#: a line of text that PyYAML's resolver may read as something else than a text (each of
#: its patterns is ``^(?:...)$``; a leading newline and a first sign it may start with
#: let the search skip the other lines at C speed)
_MAYBE_NOT_TEXT = re.compile(
    "\\n(?=[\\n"
    + re.escape(_FIRST_SIGNS)
    + "])(?:"
    + "|".join(
        sorted(
            {
                regexp.pattern[1:-1]
                for resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.values()
                for _, regexp in resolvers
            }
        )
    )
    + ")(?=\\n)",
    re.VERBOSE,
)
_NO_MARK = yaml.Mark("", 0, 0, 0, "", 0)
_STDERR_LOCK = threading.Lock()


def decode_simple_yaml(
    raw: bytes, file: str
) -> tuple[dict[str, Any], list[int], TaskFields] | None:
    """What :func:`decode_simple_json` gives for the YAML plan ``raw`` (bytes of the file
    ``file``), the header as the usual YAML read builds it; or None when the plan is not
    surely read the same as by the usual read (which then reads and reports it)."""
    found = _as_json(raw, file)
    if found is None:
        return None
    head, text, _ = found
    decoded = decode_simple_json(text)
    if decoded is None:
        return None
    _, counts, fields = decoded
    if any(fields.resources) and _EXPONENT.search(text):
        return None
    if not _all_texts(_task_texts(fields)):
        return None
    return head, counts, fields


def _as_json(
    raw: bytes, file: str, *, keep: bool = False
) -> tuple[dict[str, Any], bytes, tuple[bytearray, Any] | None] | None:
    """The plan's header as the usual read builds it and the whole plan as rapidyaml
    writes it in JSON; None when the scans or the header's build refuse it. ``keep``:
    parse a copy of ``raw`` in place and give it and the tree too (to place problems)."""
    if ryml is None or not _plain_text(raw):
        return None
    if (
        _special_token(raw)
        or raw.startswith((b"---", b"..."))
        or b"\n---" in raw
        or b"\n..." in raw
    ):
        return None
    if not _flow_in_lines(raw):
        return None
    buffer = bytearray(raw) if keep else None
    tree = _parse(raw) if buffer is None else parse_in_place(buffer)
    if tree is None:
        return None
    root = tree.root_id()
    head = _header(tree, root, file) if tree.is_map(root) else None
    if head is None or not isinstance(head.get("projects"), list):
        return None
    emitted = ryml.emit_json(tree)
    kept = (buffer, tree) if buffer is not None else None
    del tree  # (the tree and the JSON text are the peak of memory)
    text = emitted.encode() if isinstance(emitted, str) else bytes(emitted)
    del emitted
    return head, text, kept


def simple_yaml_data(raw: bytes, file: str) -> tuple[dict[str, Any], bytearray, Any] | None:
    """The YAML plan ``raw`` as parsed data, read by rapidyaml: the header as the usual
    read builds it, the tasks of any fields and types (texts that are texts to the usual
    read too, no number with an exponent, no repeated key); None when not sure it is the
    usual read's data. For reporting a broken plan's problems (:mod:`.broken`), with the
    copy of ``raw`` rapidyaml parsed in place and its tree (:mod:`.yaml_places`)."""
    found = _as_json(raw, file, keep=True)
    if found is None:
        return None
    head, text, kept = found
    if kept is None:
        return None
    buffer, tree = kept
    if _EXPONENT.search(text):
        return None
    try:
        whole = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    projects = whole.get("projects") if type(whole) is dict else None
    shells = head["projects"]
    if type(projects) is not list or len(projects) != len(shells):
        return None
    if quotes_in(text) != quotes_in(orjson.dumps(whole)):
        return None  # a repeated key: rapidyaml wrote both, orjson kept one
    task_lists = [p.get("tasks") if type(p) is dict else None for p in projects]
    if not _all_texts(_texts_of_tasks(task_lists)):
        return None
    for shell, tasks in zip(shells, task_lists, strict=True):
        if type(shell) is dict and "tasks" in shell:
            shell["tasks"] = tasks
    return head, buffer, tree


def _texts_of_tasks(task_lists: list[Any]) -> Iterator[str]:
    """Every text of the tasks, keys and values at every depth (the values of flat
    tasks read in bulk)."""
    lists = [tasks for tasks in task_lists if type(tasks) is list]
    tasks = list(chain.from_iterable(lists))
    flat = [task for task in tasks if type(task) is dict]
    values = list(chain.from_iterable(map(dict.values, flat)))
    texts = [value for value in values if type(value) is str]
    deeper = [value for value in values if type(value) is not str]
    others = [task for task in tasks if type(task) is not dict]
    others += (tasks for tasks in task_lists if type(tasks) is not list)
    return chain(chain.from_iterable(flat), texts, _texts_in(deeper), _texts_in(others))


def _texts_in(value: Any) -> Iterator[str]:
    """Every text in ``value``, keys and values, at every depth."""
    stack = [value]
    while stack:
        node = stack.pop()
        if type(node) is str:
            yield node
        elif type(node) is list:
            stack.extend(node)
        elif type(node) is dict:
            yield from node
            stack.extend(node.values())


def _special_token(raw: bytes) -> bool:
    """A sign of a tag, an anchor... may start a token (searched only if one is there)."""
    return any(sign in raw for sign in _SPECIAL_SIGNS) and _SPECIAL_TOKEN.search(raw) is not None


def _flow_in_lines(raw: bytes) -> bool:
    """Every flow collection closes on the line it opens on (``depends: [A, B]``): the
    two parsers differ on flow collections over several lines (a key broken over two
    lines, a line less indented than the collection), so those go the usual way."""
    if b"[" not in raw and b"{" not in raw:
        return True
    for match in _FLOW_LINE.finditer(raw):
        line = match.group()
        if line.count(b"[") != line.count(b"]") or line.count(b"{") != line.count(b"}"):
            return False
    return True


def _plain_text(raw: bytes) -> bool:
    """The bytes are UTF-8 without a character the two parsers may read differently."""
    odd = raw.translate(None, _PLAIN_BYTES)
    if not odd:
        return True
    if odd.translate(None, bytes(range(128))) != odd:  # an ASCII control, a tab, CR
        return False
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _ODD_CHARACTERS.search(text) is None


def parse_in_place(buffer: bytearray) -> Any:
    """rapidyaml's tree of the text in ``buffer``, its scalars pointing into it (unescaped
    there), or None (see :func:`_parse`)."""
    return _parse(buffer, ryml.parse_in_place)


def _parse(raw: bytes | bytearray, parse: Callable[..., Any] | None = None) -> Any:
    """rapidyaml's tree, None when it refuses the text. rapidyaml writes its error
    straight to the process's standard error: hidden, the usual read says what is wrong."""
    parse = parse or ryml.parse_in_arena
    with _STDERR_LOCK:
        saved = os.dup(2)
        try:
            with open(os.devnull, "wb") as sink:
                os.dup2(sink.fileno(), 2)
                try:
                    return parse(raw)
                except Exception:  # any refusal: the usual read reports it
                    return None
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _task_texts(fields: TaskFields) -> Iterator[Any]:
    given_estimates = filter(None, fields.estimates)
    return chain(
        fields.ids,
        fields.names,
        filter(None, fields.durations),
        chain.from_iterable(given_estimates),
        chain.from_iterable(fields.depends),
        chain.from_iterable(filter(None, fields.resources)),
    )


def _all_texts(values: Iterator[Any]) -> bool:
    """Every one of ``values`` (texts) is a text to the usual read even if written plain."""
    distinct = set(values)
    if not distinct:
        return True  # (joined, no text would read as one empty text)
    candidates = [t for t in distinct if "\n" in t]
    joined = "\n" + "\n".join(distinct) + "\n"
    candidates += (match.group()[1:] for match in _MAYBE_NOT_TEXT.finditer(joined))
    return all(map(_plain_is_text, candidates))


def _plain_is_text(text: str) -> bool:
    """The usual read of ``text`` written plain is that same text (see ``YamlScalars``)."""
    tag = _resolve(yaml.ScalarNode, text, (True, False))
    if tag == _STR:
        return True
    if tag == _BOOL:
        return text.lower() not in _BOOL_WORDS
    return tag in _NUMBERS and ":" in text


def _header(tree: Any, root: int, file: str) -> dict[str, Any] | None:
    """The plan without its tasks (projects' ``tasks`` left empty), built by the usual
    builder from rapidyaml's tree; None if the builder refuses it (a repeated key, a merge
    key: this builder resolves none)."""
    try:
        pairs = []
        for child in ryml.children(tree, root):
            key = _scalar(tree, child, key=True)
            if key.value == "projects" and key.tag == _STR and tree.is_seq(child):
                projects = [_project(tree, p) for p in ryml.children(tree, child)]
                value: yaml.Node = yaml.SequenceNode(_SEQ, projects, _NO_MARK)
            else:
                value = _node(tree, child)
            pairs.append((key, value))
        head = _Builder(file, "").build(yaml.MappingNode(_MAP, pairs, _NO_MARK))
    except (DocumentError, RecursionError, UnicodeDecodeError):
        return None
    return head if isinstance(head, dict) else None


def _project(tree: Any, at: int) -> yaml.Node:
    """A project's node, its ``tasks`` an empty list (the typed decode read them)."""
    if not tree.is_map(at):
        return _node(tree, at)
    pairs = []
    for child in ryml.children(tree, at):
        key = _scalar(tree, child, key=True)
        if key.value == "tasks" and key.tag == _STR and tree.is_seq(child):
            value: yaml.Node = yaml.SequenceNode(_SEQ, [], _NO_MARK)
        else:
            value = _node(tree, child)
        pairs.append((key, value))
    return yaml.MappingNode(_MAP, pairs, _NO_MARK)


def _node(tree: Any, at: int) -> yaml.Node:
    """The PyYAML node of rapidyaml's value node ``at``."""
    if tree.is_map(at):
        pairs = [
            (_scalar(tree, child, key=True), _node(tree, child))
            for child in ryml.children(tree, at)
        ]
        return yaml.MappingNode(_MAP, pairs, _NO_MARK)
    if tree.is_seq(at):
        children = [_node(tree, child) for child in ryml.children(tree, at)]
        return yaml.SequenceNode(_SEQ, children, _NO_MARK)
    return _scalar(tree, at, key=False)


def _scalar(tree: Any, at: int, *, key: bool) -> yaml.ScalarNode:
    """A scalar node tagged as PyYAML's resolver tags it (quoted and block scalars: text)."""
    if key:
        value = tree.key(at)
        text = "" if value is None else bytes(value).decode()
        quoted = tree.is_key_quoted(at) or tree.is_key_literal(at) or tree.is_key_folded(at)
    else:
        value = tree.val(at)
        text = "" if value is None else bytes(value).decode()
        quoted = tree.is_val_quoted(at) or tree.is_val_literal(at) or tree.is_val_folded(at)
    tag = _STR if quoted else _resolve(yaml.ScalarNode, text, (True, False))
    return yaml.ScalarNode(tag, text, _NO_MARK, _NO_MARK)


__all__ = ["decode_simple_yaml", "simple_yaml_data"]
