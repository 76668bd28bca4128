"""Near labels of an unknown place name from a route file, as difflib finds them (issue 13).

Why: an unknown name's message suggests the places whose labels are nearest to it
(:func:`corridors.atlas.names.close_labels`: :func:`difflib.get_close_matches` over every
label). At 10^6 segments that is half a million labels, and loading the network to get them
took ~25 s. The route file already holds every label key (the ``label_keys`` blob of
:mod:`corridors.network.routefile`), so :func:`near_labels` reads them from there and gives
the very same list, faster, by two exact shortcuts:

- difflib keeps a label only if its ``quick_ratio`` (twice the characters the two strings
  share as multisets, over their total length) reaches the cutoff. That bound is computed
  for every label at once with numpy (one pass per distinct character of the typed key),
  and only labels that reach it are compared;
- those are compared best bound first, and the comparing stops once the six best ratios
  found all exceed the next label's bound (a ratio never exceeds its ``quick_ratio``).

Same rule, same answer: the labels kept are compared by :class:`difflib.SequenceMatcher`
exactly as ``get_close_matches`` compares them, and ranked as it ranks them (``(ratio,
label)``, largest first). ``tests/test_lazy_errors.py`` proves the lists equal.
"""

from __future__ import annotations

import heapq
from collections import Counter
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from corridors.atlas.names import CLOSE_COUNT, CLOSE_CUTOFF
from corridors.network.columnfile import ColumnFileError

if TYPE_CHECKING:
    import numpy as np

    from corridors.network.routefile import RouteView

__all__ = ["LabelTexts", "label_texts", "near_labels"]

_SLACK = 1e-9  # float bounds are compared with room to spare: never too few labels kept


class LabelTexts:
    """Every label key of a route file as one string with per-label character offsets."""

    def __init__(self, text: str, ptr: np.ndarray) -> None:
        import numpy as np

        self.text, self.ptr = text, ptr
        self.size = len(ptr) - 1
        self.lengths = np.diff(ptr)
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        self.points = points
        self.owner = np.repeat(np.arange(self.size, dtype=np.int64), self.lengths)

    def key(self, number: int) -> str:
        """The label with ``number``."""
        return self.text[int(self.ptr[number]) : int(self.ptr[number + 1])]

    def shared(self, word: str) -> np.ndarray:
        """Per label, how many characters it shares with ``word`` (counted as multisets)."""
        import numpy as np

        found = np.zeros(self.size, dtype=np.int64)
        for char, count in Counter(word).items():
            hits = np.bincount(self.owner[self.points == ord(char)], minlength=self.size)
            found += np.minimum(hits, count)
        return found


def label_texts(view: RouteView) -> LabelTexts:
    """The label keys of ``view`` (checked whole: every piece against its digest).

    Raises
    ------
    ColumnFileError
        If the section is damaged or its offsets do not fit it.
    """
    import numpy as np

    store = view.store
    blob = store.array("label_keys", "|u1")
    ptr = store.array("label_kptr", "<i8")
    if not len(ptr) or ptr[0] != 0 or ptr[-1] != len(blob) or np.any(ptr[1:] < ptr[:-1]):
        raise ColumnFileError("label_kptr does not span its column")
    try:
        text = blob.tobytes().decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        raise ColumnFileError("label_keys is not UTF-8") from None
    # Byte offsets to character offsets: count the bytes that start a character.
    starts = np.zeros(len(blob) + 1, dtype=np.int64)
    np.cumsum((blob & 0xC0) != 0x80, out=starts[1:])
    chars = starts[ptr]
    inside = ptr[ptr < len(blob)]
    if chars[-1] != len(text) or np.any((blob[inside] & 0xC0) == 0x80):
        raise ColumnFileError("label_kptr splits a character")
    return LabelTexts(text, chars)


def near_labels(
    labels: LabelTexts, word: str, *, n: int = CLOSE_COUNT, cutoff: float = CLOSE_CUTOFF
) -> list[str]:
    """``difflib.get_close_matches(word, labels, n, cutoff)``, without comparing every label.

    Parameters
    ----------
    labels : LabelTexts
        From :func:`label_texts`.
    word : str
        The folded key of what was typed.
    n, cutoff
        As for :func:`difflib.get_close_matches`.

    Returns
    -------
    list of str
        The near labels, best first (the same list as difflib's).
    """
    import numpy as np

    if not labels.size or n <= 0:
        return []
    total = labels.lengths + len(word)
    safe = np.maximum(total, 1)
    quick = np.where(total > 0, 2.0 * labels.shared(word) / safe, 1.0)
    real_quick = np.where(total > 0, 2.0 * np.minimum(labels.lengths, len(word)) / safe, 1.0)
    kept = np.flatnonzero((quick >= cutoff - _SLACK) & (real_quick >= cutoff - _SLACK))
    order = kept[np.argsort(-quick[kept], kind="stable")]
    bounds = quick[order].tolist()
    matcher = SequenceMatcher()
    matcher.set_seq2(word)
    best: list[tuple[float, str]] = []  # the n largest (ratio, label), smallest first
    for number, bound in zip(order.tolist(), bounds, strict=True):
        if len(best) == n and best[0][0] > bound + _SLACK:
            break  # no label left can rank among the n best
        label = labels.key(number)
        matcher.set_seq1(label)
        if (
            matcher.real_quick_ratio() >= cutoff
            and matcher.quick_ratio() >= cutoff
            and matcher.ratio() >= cutoff
        ):
            entry = (matcher.ratio(), label)
            if len(best) < n:
                heapq.heappush(best, entry)
            elif entry > best[0]:
                heapq.heapreplace(best, entry)
    return [label for _, label in sorted(best, reverse=True)]
