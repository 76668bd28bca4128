"""Text that every export writer can encode: no lone surrogates, no characters XML forbids.

A valid atlas holds neither (the reader refuses them); these keep a bad one, or one changed in
memory, from crashing an encoder or producing a file that no reader opens. What cannot be
written is written visibly as a backslash escape, never dropped.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Characters XML 1.0 does not allow in a document, even escaped (C0 controls but tab, line
# feed and carriage return; lone surrogates; U+FFFE, U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def encodable(value: object) -> object:
    """``value``, with any lone surrogate in a string written as a visible ``\\udcXX``."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def encodable_tree(value: Any) -> Any:
    """``value`` (JSON-like: dicts, lists, tuples, scalars) with :func:`encodable` strings."""
    if isinstance(value, dict):
        return {encodable(k): encodable_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encodable_tree(v) for v in value]
    return encodable(value)


def encodable_frame(frame: Any) -> Any:
    """The GeoDataFrame ``frame`` with :func:`encodable` applied to its text columns."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    for column in frame.columns:
        dtype = frame[column].dtype
        if column != "geometry" and (is_object_dtype(dtype) or is_string_dtype(dtype)):
            frame[column] = frame[column].map(encodable)
    return frame


def json_text(value: object) -> str:
    """``value`` as compact, key-sorted JSON text (for one attribute cell)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def xml_text(value: object) -> str:
    """``value`` as text an XML 1.0 document can hold: forbidden characters become ``\\xNN``
    or ``\\uNNNN`` escapes (xml.etree escapes ``<``, ``&`` and quotes itself)."""
    return _NOT_XML.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(value))
