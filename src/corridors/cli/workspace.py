"""``corridors init DIR``, and what an edit says or rebuilds after it has written.

:func:`init_command` makes the ``init`` command; :mod:`corridors.cli.app` registers it with the
error handling every command shares. :func:`after_edit` runs after ``add``, ``add-sea-lane``
and ``remove``: with ``--build`` it rebuilds the maps of the edited atlas, else, when that
atlas is a checkout's ``geo/``, it says on stderr that the committed ``maps/`` are stale.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from corridors.cli.terminal import echo

BuildOption = Annotated[
    bool,
    typer.Option(
        "--build",
        help="After the edit, rebuild the maps of the edited atlas (a checkout's maps/, or a "
        "workspace's maps/).",
    ),
]


def init_command(
    user_errors: Callable[[], contextlib.AbstractContextManager[None]],
) -> Callable[..., None]:
    """The ``init`` command, its failures reported by ``user_errors`` like every command's."""

    def init(
        folder: Annotated[
            Path,
            typer.Argument(metavar="DIR", help="A new or empty folder (or a workspace already)."),
        ],
    ) -> None:
        """Copy the bundled atlas into DIR, a workspace of your own to edit and route over.

        Then point any command at it with --atlas DIR, or set CORRIDORS_ATLAS=DIR (--atlas
        comes first, then CORRIDORS_ATLAS, then the bundled atlas). A folder that is not empty
        is refused (exit 2) unless it is already a workspace, which is left as it is.
        """
        with user_errors():
            from corridors.edit.workspace import init_workspace

            made = init_workspace(folder)
            if not made.created:
                echo(f"{made.path} is already a corridors workspace; nothing changed")
            else:
                echo(f"copied the atlas into {made.path} ({len(made.files)} files)")
            echo(f"use it with --atlas {folder} or CORRIDORS_ATLAS={made.path}")

    return init


def after_edit(atlas: Path | None, *, dry_run: bool, build: bool, as_json: bool) -> None:
    """After an edit wrote ``atlas``: rebuild its maps (``build``), or warn on stderr when the
    atlas is a checkout's ``geo/`` whose committed ``maps/`` no longer match it.

    A dry run changed nothing, so it rebuilds and says nothing. With ``as_json`` the build's
    lines go to stderr, so that stdout stays one JSON document.
    """
    if dry_run:
        return
    from corridors.atlas.folder import atlas_root
    from corridors.paths import checkout_of

    root = atlas_root(atlas)
    if build:
        from corridors.maps.build import build_maps
        from corridors.network.load import load_network

        result = build_maps(load_network(root, quiet=True))
        for warning in result.warnings:
            echo(f"warning: {warning}", err=True)
        for written in result.files:
            echo(f"wrote {written}", err=as_json)
        return
    checkout = checkout_of(root)
    if checkout is not None:
        echo(
            f"warning: {checkout / 'maps'} is now out of date with {root}: run `corridors "
            "build` to rebuild it (or pass --build to the edit)",
            err=True,
        )
