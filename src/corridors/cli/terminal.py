"""Text for the terminal: data is printed as text, never as markup or control sequences.

Every string that reaches the terminal from the atlas, a file name or a command-line argument
goes through :func:`safe_text` first (table cells and titles as rich ``Text`` objects, which
rich never parses as markup; plain lines through :func:`echo`):

- characters that could drive the terminal are shown as a visible escape instead of being
  sent: C0 controls (tab, newline and ESC included, so one value stays one line and no
  CSI/OSC sequence such as a colour change or an ``OSC 8`` hyperlink can start), DEL, C1
  controls, the bidirectional overrides and isolates (which reorder what is displayed) and
  the line/paragraph separators U+2028/U+2029: ESC becomes ``\\x1b``, U+202E ``\\u202e``;
- a lone surrogate (text decoded with ``surrogateescape``) becomes ``\\udc80`` and so on,
  so printing never fails with ``UnicodeEncodeError``;
- rich markup is never interpreted: ``[bold]``, ``[/foo]`` or ``[link=...]`` in a name print
  exactly as written.

JSON output (:func:`echo_json`) stays exact JSON: ``json.dumps`` already escapes every
control character, and lone surrogates are written as the JSON escape ``\\udc80`` (what
``json.loads`` reads back as the same string).
"""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.text import Text

__all__ = ["echo", "echo_json", "safe_text", "text", "write"]

# C0 (tab and newline included), DEL, C1, Arabic letter mark, LRM/RLM, line/paragraph
# separators, bidi embeddings/overrides (U+202A-U+202E) and isolates (U+2066-U+2069),
# and lone surrogates (U+D800-U+DFFF cannot be encoded to UTF-8).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(value: object) -> str:
    """``str(value)`` with every character that could control a terminal made visible.

    Parameters
    ----------
    value : object
        Anything; it is converted with ``str`` first.

    Returns
    -------
    str
        One line of printable text: C0/C1 controls, DEL, bidi controls, U+2028/U+2029 and
        lone surrogates are replaced by ``\\xNN`` / ``\\uNNNN`` escapes. Ordinary text,
        brackets and backslashes are unchanged.
    """
    return _UNSAFE.sub(_visible, str(value))


def text(value: object, style: str = "") -> Text:
    """A rich ``Text`` of :func:`safe_text` ``(value)``: printed literally, never as markup."""
    from rich.text import Text

    return Text(safe_text(value), style=style)


def write(text: str, *, err: bool = False) -> None:
    """Write ``text`` as is to stdout (stderr with `err`) and flush: what ``typer.echo(text,
    nl=False)`` does, without importing typer (cold start) when the stream is UTF-8 and the
    text holds no ESC (click would strip ANSI sequences from it when not on a terminal)."""
    stream = sys.stderr if err else sys.stdout
    encoding = getattr(stream, "encoding", None) or ""
    if stream is None or "\x1b" in text or encoding.lower().replace("-", "") != "utf8":
        import typer

        typer.echo(text, err=err, nl=False)
        return
    stream.write(text)
    stream.flush()


def echo(message: object, *, err: bool = False) -> None:
    """Print one line of :func:`safe_text` ``(message)`` (on stderr with `err`)."""
    write(safe_text(message) + "\n", err=err)


def json_text(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False)`` that any UTF-8 stream can carry.

    Lone surrogates become JSON ``\\uXXXX`` escapes, as ``ensure_ascii=True`` would write
    them; everything else is exactly ``json.dumps``'s output.
    """
    dumped = json.dumps(value, ensure_ascii=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def echo_json(value: Any) -> None:
    """Print ``value`` as one line of JSON on stdout (see :func:`json_text`).

    Non-ASCII text is written as itself when stdout is UTF-8, else as ``\\uXXXX`` escapes,
    so the output is always valid JSON and printing never fails.
    """
    import codecs

    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        utf8 = codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        utf8 = False
    write(json_text(value) if utf8 else json.dumps(value, ensure_ascii=True))
    write("\n")  # apart: no copy of a large text to add it
