"""Names in several scripts: the folding that makes look-up accent-, case- and script-aware,
and the script each language's names must be written in.

:func:`fold` is the one key every id, name and alias is compared by (look-up, uniqueness, new
junction names): Unicode NFKC, case-folded; accents dropped from Latin letters only
(``Tumangang`` = ``Tŭmangang``, ``Hongŭi`` = ``Hongui``), apostrophes dropped (``Tumen'`` =
``Tumen``, ``P'yŏngyang`` = ``Pyongyang``); Cyrillic ``ё`` read as ``е`` (``Хасан``,
``Подъём`` = ``Подъем``), other Cyrillic marks kept (``й`` is not ``и``); spaces, ``_`` and
dashes alike, and in a name with Hangul no spaces at all (``나진 항`` = ``나진항``).

:func:`hangul_stem` drops one generic Korean suffix (역 station, 항 port, 시 city…) from a
folded Hangul key, only when two or more syllables remain (``포항`` is a name, not 포 + 항):
look-up falls back to it when nothing matches exactly, and reports an ambiguity rather than
guess when two places share a stem.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["LANGUAGE_SCRIPTS", "fold", "hangul_stem", "script_problem"]

LANGUAGE_SCRIPTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ko": ("Hangul", ("HANGUL", "CJK")),
    "ru": ("Cyrillic", ("CYRILLIC",)),
    "zh": ("Han", ("CJK",)),
}
"""Language tag of a native name -> (the script it must contain, the Unicode character-name
prefixes of the letters it may hold besides Latin). Korean may hold Hanja (CJK), Chinese only
Han characters; all three may hold Latin letters (``POSCO``)."""

_SEPARATORS = re.compile(r"[\s_\-\u2010-\u2015\u2212]+")
_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u02bb\u02b9\u0060\u00b4]")
_SUFFIXES = ("청년역", "구역", "청년", "역", "항", "시", "리")
"""Korean generic suffixes look-up may drop, longest first: youth station, district, youth
(the DPRK's honorific in station names), station, port, city, village."""
_SCRIPT_PREFIXES = ("LATIN", "CYRILLIC", "HANGUL", "CJK", "HIRAGANA", "KATAKANA", "GREEK")


def _is_latin(char: str) -> bool:
    return "a" <= char <= "z" or unicodedata.name(char, "").startswith("LATIN")


def fold(text: str) -> str:
    """The look-up key of ``text``: the same key means the same name (see the module notes).

    Parameters
    ----------
    text : str
        A name, alias or id as written or typed, in any script.

    Returns
    -------
    str
        NFKC, case-folded, Latin accents and apostrophes dropped, ``ё`` as ``е``, runs of
        spaces/``_``/dashes as one space (none in a name with Hangul), trimmed.
    """
    if text.isascii():  # the common case, 10x faster: nothing to normalise or strip
        return _SEPARATORS.sub(" ", _APOSTROPHES.sub("", text.lower())).strip()
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    kept: list[str] = []
    base = ""  # the last letter that is not a mark, and whether it is Latin: looked up
    latin: bool | None = False  # only when a mark follows it (Hangul and Cyrillic: never)
    for char in decomposed:
        if not unicodedata.combining(char):
            base, latin = char, None
        else:
            if latin is None:
                latin = _is_latin(base)
            if latin:
                continue  # a Latin accent: Tŭmangang = Tumangang
        kept.append(char)
    folded = unicodedata.normalize("NFC", "".join(kept)).replace("ё", "е")
    folded = _SEPARATORS.sub(" ", _APOSTROPHES.sub("", folded)).strip()
    if any(_is_hangul(char) for char in folded):
        folded = folded.replace(" ", "")
    return folded


def _is_hangul(char: str) -> bool:
    """A Hangul syllable, jamo or compatibility jamo (a regular expression of these three
    ranges took 0.9 ms to compile, paid by every command at start)."""
    return (
        "\uac00" <= char <= "\ud7a3" or "\u1100" <= char <= "\u11ff" or "\u3130" <= char <= "\u318f"
    )


def hangul_stem(key: str) -> str | None:
    """``key`` (a :func:`fold` result) without one Korean generic suffix, or ``None``.

    ``None`` unless ``key`` is all Hangul, ends in a suffix of :data:`_SUFFIXES` and keeps at
    least two syllables without it (``나진항`` -> ``나진``; ``포항`` -> None).
    """
    if not key or not all("\uac00" <= char <= "\ud7a3" for char in key):
        return None
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 2:
            return key[: -len(suffix)]
    return None


def script_problem(language: str, text: str) -> str | None:
    """Why ``text`` cannot be a ``language`` name, or ``None`` if it can.

    A name holds at least one letter of its language's script (:data:`LANGUAGE_SCRIPTS`),
    besides those only Latin letters and, for Korean, Hanja; no invisible format characters
    (zero-width spaces and joiners, soft hyphens: Unicode category Cf), which would make two
    names look alike and fold apart.
    """
    script, allowed = LANGUAGE_SCRIPTS[language]
    seen_own = False
    for char in text:
        if unicodedata.category(char) == "Cf":
            return f"holds an invisible format character U+{ord(char):04X}"
        if not unicodedata.category(char).startswith("L"):
            continue
        name = unicodedata.name(char, "")
        if name.startswith(allowed):
            seen_own = seen_own or name.startswith(allowed[0])
        elif name.startswith(_SCRIPT_PREFIXES) and not name.startswith("LATIN"):
            return f"holds '{char}', not a letter of a {language} name ({script} expected)"
    if not seen_own:
        return f"has no {script} letter; a {language} name is written in {script}"
    return None
