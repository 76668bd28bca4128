"""``corridors completion SHELL``: shell completion of commands, options and list kinds.

Prints the completion script for bash, zsh, fish or PowerShell (to read, or to ``source``), or
with ``--install`` adds it to that shell's start-up files (typer's installer: bash
``~/.bashrc`` and ``~/.bash_completions/``, zsh ``~/.zshrc`` and ``~/.zfunc/``, fish
``~/.config/fish/completions/``, PowerShell its profile). The script calls ``corridors`` back
with ``_CORRIDORS_COMPLETE`` set, which typer answers with the matching words.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

PROG = "corridors"
COMPLETE_VAR = "_CORRIDORS_COMPLETE"
SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def answer_completion() -> None:
    """Ready typer's completion answers when a shell asks (``_CORRIDORS_COMPLETE`` is set).

    The app is built without typer's ``--install-completion`` option, which is what would
    otherwise register the shells; doing it only when asked keeps every other call cheap.
    """
    if os.environ.get(COMPLETE_VAR):
        from typer.completion import completion_init

        completion_init()


def completion(
    shell: Annotated[
        str,
        typer.Argument(
            metavar="SHELL",
            help="bash, zsh, fish, powershell or pwsh.",
            autocompletion=lambda: list(SHELLS),
        ),
    ],
    install: Annotated[
        bool,
        typer.Option(
            "--install", help="Add the script to the shell's start-up files instead of printing it."
        ),
    ] = False,
) -> None:
    """Shell completion: print the script for SHELL, or install it with --install."""
    from corridors.cli.terminal import echo

    if shell not in SHELLS:
        echo(f"error: unknown shell '{shell}': choose {', '.join(SHELLS)}", err=True)
        raise typer.Exit(2)
    from typer.completion import get_completion_script
    from typer.completion import install as install_script

    if install:
        _, path = install_script(shell=shell, prog_name=PROG, complete_var=COMPLETE_VAR)
        echo(f"{shell} completion installed in {path}; it works in new terminals")
        return
    typer.echo(get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell))
