"""Data as a JavaScript literal that is safe inside an HTML ``<script>`` element.

Kept apart from :mod:`corridors.maps.controls` (which re-exports it) because it needs no
folium: :mod:`corridors.maps.page_parts` writes the data of a map without importing folium.
"""

from __future__ import annotations

import json

__all__ = ["js_string"]


def js_string(value: object) -> str:
    """`value` (any JSON value) as a JS literal safe inside an HTML <script> element.

    `<`, `>`, `&` and the JS line separators are \\u-escaped, so `</script>` or `<!--` in data
    cannot end the script block.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)
    for ch, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(ch, esc)
    return text
