"""Did-you-mean: difflib's closest match, found fast among many candidates.

``difflib.get_close_matches(word, pool, n=1, cutoff=0.6)`` scores every candidate with a
SequenceMatcher, several microseconds each: over the 100,000 task ids of a large plan one
unknown reference took half a second, and a broken plan with a score of them ten seconds,
several times what loading a right one takes. :class:`Suggester` gives the same answer
by scoring the candidates in the order of an upper bound of their score (difflib's
``quick_ratio``: how many characters the two share, counted for all candidates at once
with numpy) and stopping as soon as the bound falls below the best score found; it
remembers its answer for a word asked again. Small pools go to difflib directly.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from typing import Any

#: Candidates from which counting the shared characters in bulk pays.
LARGE_POOL = 1000
CUTOFF = 0.6  # difflib's default, as every did-you-mean of progman uses it


class Suggester:
    """The closest of ``candidates`` to a word, as ``get_close_matches(word, candidates,
    n=1, cutoff=0.6)`` chooses it (the highest score, the greatest word among equals)."""

    def __init__(self, candidates: Collection[str]) -> None:
        self.words = list(candidates)
        self._known: dict[str, str | None] = {}
        self._counts: Any = None  # per candidate, how often each character occurs in it

    def closest(self, word: str) -> str | None:
        if word not in self._known:
            self._known[word] = self._closest(word)
        return self._known[word]

    def _closest(self, word: str) -> str | None:
        if len(self.words) < LARGE_POOL or not word:
            found = difflib.get_close_matches(word, self.words, n=1, cutoff=CUTOFF)
            return found[0] if found else None
        import numpy as np  # noqa: PLC0415 - only to explain an unknown name in a large plan

        counts, column, lengths = self._character_counts()
        shared = np.zeros(len(self.words), dtype=np.int64)
        for char in set(word):
            k = column.get(char)
            if k is not None:
                shared += np.minimum(counts[:, k], word.count(char))
        bound = 2.0 * shared / (lengths + len(word))  # difflib's quick_ratio, in bulk
        hopeful = np.flatnonzero(bound >= CUTOFF)
        hopeful = hopeful[np.argsort(-bound[hopeful], kind="stable")]
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(word)  # as get_close_matches sets them
        best: str | None = None
        best_score = CUTOFF
        for k, limit in zip(hopeful.tolist(), bound[hopeful].tolist(), strict=True):
            if limit < best_score:
                break  # no candidate from here on can score as high
            candidate = self.words[k]
            matcher.set_seq1(candidate)
            score = matcher.ratio()
            if score >= CUTOFF and (best is None or (score, candidate) > (best_score, best)):
                best, best_score = candidate, score
        return best

    def _character_counts(self) -> tuple[Any, dict[str, int], Any]:
        """How often each character occurs in each candidate, which column holds which
        character, and the candidates' lengths (made once per pool)."""
        import numpy as np  # noqa: PLC0415

        if self._counts is None:
            lengths = np.fromiter(map(len, self.words), dtype=np.int64, count=len(self.words))
            text = "".join(self.words)
            points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
            alphabet, column_of = np.unique(points, return_inverse=True)
            row_of = np.repeat(np.arange(len(self.words), dtype=np.int64), lengths)
            flat = np.bincount(
                row_of * alphabet.size + column_of.reshape(-1),
                minlength=len(self.words) * alphabet.size,
            )
            counts = flat.reshape(len(self.words), alphabet.size).astype(np.int32)
            column = {chr(int(point)): k for k, point in enumerate(alphabet.tolist())}
            self._counts = (counts, column, lengths)
        return self._counts  # type: ignore[no-any-return]


def suggestion(name: str, suggester: Suggester) -> str:
    """``"; did you mean 'API.auth'?"`` when a close candidate exists, else ``""``."""
    match = suggester.closest(name)
    return f"; did you mean '{match}'?" if match is not None else ""
