"""Did-you-mean over a large pool gives difflib's own answer, at a fraction of its cost."""

from __future__ import annotations

import difflib
import random
import time

import pytest

from progman.domain.suggest import LARGE_POOL, Suggester
from progman.errors import PlanInvalid
from progman.planfile import validate_plan_data


def difflib_closest(word: str, pool: list[str]) -> str | None:
    found = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    return found[0] if found else None


def task_ids(rng: random.Random, count: int) -> list[str]:
    ids = {f"P{rng.randrange(60)}.T{rng.randrange(400)}" for _ in range(count)}
    ids |= {"".join(rng.choices("abcXYZ019._-/:é", k=rng.randint(1, 12))) for _ in range(200)}
    return sorted(ids)


def typos(rng: random.Random, pool: list[str], count: int) -> list[str]:
    """Words near some of the pool (a character changed, dropped or doubled) and far ones."""
    words = []
    for _ in range(count):
        word = list(rng.choice(pool))
        k = rng.randrange(len(word))
        edit = rng.randrange(4)
        if edit == 0:
            word[k] = rng.choice("0123456789TPxé")
        elif edit == 1 and len(word) > 1:
            del word[k]
        elif edit == 2:
            word.insert(k, word[k])
        else:
            word = list(rng.choice(["deploy", "Q", "zzzzzzzz", "P1.T1.T1.T1", "x" * 30]))
        words.append("".join(word))
    return words


@pytest.mark.parametrize("seed", range(6))
def test_the_same_answer_as_difflib(seed: int):
    rng = random.Random(seed)
    pool = task_ids(rng, 3 * LARGE_POOL)
    assert len(pool) >= LARGE_POOL  # the bounded search, not difflib itself
    suggester = Suggester(pool)
    for word in typos(rng, pool, 40):
        assert suggester.closest(word) == difflib_closest(word, pool), word


def test_ties_go_to_the_greatest_word_as_in_difflib():
    pool = [f"T{k:04d}" for k in range(2 * LARGE_POOL)]  # many score alike for 'T00x'
    for word in ("T00x", "T1x99", "Tx", "T0000"):
        assert Suggester(pool).closest(word) == difflib_closest(word, pool)


def test_a_small_pool_and_no_match():
    assert Suggester(["API.auth", "API.db"]).closest("API.auht") == "API.auth"
    assert (
        Suggester(["API.auth"] * 2 + [f"x{k}" for k in range(LARGE_POOL)]).closest("qqqqqqqqqqqq")
        is None
    )


def test_a_broken_large_plan_is_explained_about_as_fast_as_a_right_one_loads():
    """Twenty unknown references among 20,000 tasks, each with its did-you-mean, in about
    the time the right plan takes (difflib over every id took over six times as long)."""
    tasks = [
        {"id": f"P.T{k}", "name": f"Task {k}", "duration": "1d", "depends": [f"P.T{k - 1}"]}
        for k in range(1, 20_000)
    ]
    first = {"id": "P.T0", "name": "Task 0"}
    plan = {
        "program": "Big",
        "key": "BIG",
        "start": "2027-01-04",
        "projects": [{"id": "P", "name": "P", "tasks": [first, *tasks]}],
    }
    start = time.process_time()
    validate_plan_data(plan)
    loaded = time.process_time() - start
    for k in range(20):
        tasks[k * 500]["depends"] = [f"P.T{k * 500}x"]
    start = time.process_time()
    with pytest.raises(PlanInvalid) as caught:
        validate_plan_data(plan)
    explained = time.process_time() - start
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 20
    assert all(f"did you mean 'P.T{k * 500}'?" in m for k, m in enumerate(messages))
    assert explained < 3 * loaded + 0.2
