"""The gate's check of all ids at once (a few passes over the ids joined by newlines)
says what the id pattern and the length limit say of each id."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from progman.domain.base import ID_MAX_LENGTH
from progman.domain.work import _PLAIN_ID
from progman.planfile.columnar import _plain_ids

#: characters on both sides of the pattern, and the separator itself
ALPHABET = "aZ09_.-/: \n\t\"'ü\x00-\x7f"


def one_by_one(ids: list[str]) -> bool:
    return all(_PLAIN_ID(i) and len(i) <= ID_MAX_LENGTH for i in ids)


@given(st.lists(st.text(alphabet=ALPHABET, max_size=6), max_size=6))
def test_all_ids_at_once_agree_with_the_pattern(ids):
    assert _plain_ids(ids, "\n".join(ids)) is one_by_one(ids)


@given(st.lists(st.text(alphabet=st.characters(max_codepoint=0x3000), max_size=4), max_size=4))
def test_any_characters(ids):
    assert _plain_ids(ids, "\n".join(ids)) is one_by_one(ids)


def test_the_awkward_cases():
    longest = "x" * ID_MAX_LENGTH
    cases = {
        ("a", "b.c", "A:1/2-3_x", "_x", "x.", longest): True,
        ("a", longest + "y"): False,  # too long
        ("a", ""): False,  # an empty id
        ("",): False,
        (".a",): False,  # starts with a character only later ones may be
        ("a", "-b"): False,
        ("a b",): False,
        ("ü",): False,
        ("a\nb",): False,  # a newline inside: two plain lines, one id that is not
        ("a\n",): False,
        (): True,
    }
    for ids, plain in cases.items():
        assert _plain_ids(list(ids), "\n".join(ids)) is plain, ids
        assert one_by_one(list(ids)) is plain, ids
