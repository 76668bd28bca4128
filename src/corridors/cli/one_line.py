"""Typer's own usage errors as one line, like every other error of the command line.

Why: typer prints a bad option value, an unknown option or a missing argument as the usage
line, a hint and a framed panel (five lines, drawn by rich), where every error of ours is one
line on stderr and exit 2 (``errors.py``, ``cli/terminal.py``). :func:`run_app` runs the typer
app with ``standalone_mode=False``, so those errors come back as exceptions, and prints each
as ``error: <message> (see '<command> --help')``, as plain text: the message can hold the
user's argument, which never reaches rich markup. Exit codes stay click's (2 for a usage
error); ``--help`` and the bare command (help, exit 2) are unchanged.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

# click's ClickException, from whichever click typer uses (its own copy from typer 0.2x on,
# the click package before): the base of typer.BadParameter.
_CLICK_EXCEPTION: Any = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)


def run_app(app: Any) -> None:
    """Run the typer ``app`` on ``sys.argv``; exit as typer would, usage errors in one line.

    Parameters
    ----------
    app : typer.Typer
        The application (its click command is run with ``standalone_mode=False``).

    Raises
    ------
    SystemExit
        Always (the command's exit code, 0 on success).
    """
    try:
        code = app(standalone_mode=False)
    except _CLICK_EXCEPTION as error:
        if type(error).__name__ != "NoArgsIsHelpError":  # help already shown, as typer does
            sys.stderr.write(one_line(error) + "\n")
        raise SystemExit(error.exit_code) from None
    except typer.Abort:
        sys.stderr.write("aborted\n")
        raise SystemExit(1) from None
    raise SystemExit(code if isinstance(code, int) else 0)


def one_line(error: Any) -> str:
    """``error: <message> (see '<command> --help')`` with every line break made a space."""
    message = " ".join(error.format_message().split())
    ctx = getattr(error, "ctx", None)
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        message += f" (see '{ctx.command_path} {ctx.help_option_names[0]}')"
    return f"error: {message}"
