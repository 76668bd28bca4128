"""Workspaces (issue 14, item 1): ``corridors init DIR`` copies the bundled atlas into a folder
the user owns; edits refuse the atlas inside an installed package and leave it byte for byte as
it was; an edit of a checkout's ``geo/`` says that ``maps/`` is stale, or rebuilds it with
``--build``.

The installed package is faked here by its layout (an atlas under ``site-packages``, or the
package folder's own ``_atlas``); ``test_installed_wheel_refuses_edits`` installs a real wheel.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from atlas_factory import write_atlas
from cli_runner import corridors_cli

import corridors.edit.workspace as workspace
import corridors.paths as paths
from corridors.edit.workspace import init_workspace
from corridors.errors import AtlasWriteError, InstalledAtlasError

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_LINE = REPO / "examples" / "my-line.geojson"


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) and the SHA-256 of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    return lines[0]


# --- corridors init ------------------------------------------------------------------------


def test_init_copies_the_bundled_atlas_byte_for_byte(tmp_path: Path, cache: Path) -> None:
    folder = tmp_path / "new" / "work"  # parents are created
    done = corridors_cli("init", str(folder), cache=cache)
    assert done.returncode == 0, done.stderr
    assert f"CORRIDORS_ATLAS={folder}" in done.stdout
    bundled = tree(paths.bundled_atlas_dir())
    copied = tree(folder)
    assert copied.pop("SCHEMA.md") == bundled.pop("README.md")
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert copied.pop("README.md") and copied.pop(paths.WORKSPACE_MARKER)
    assert copied == {k: v for k, v in bundled.items() if not Path(k).name.startswith(".")}
    # The note says how to point commands at it, with this folder's path, and the order.
    assert f"--atlas {folder}" in readme and f"export CORRIDORS_ATLAS={folder}" in readme
    assert "`--atlas` comes first, then CORRIDORS_ATLAS" in readme
    assert paths.is_workspace(folder) and not paths.is_installed_atlas(folder)


def test_a_workspace_routes_as_the_bundled_atlas(tmp_path: Path, cache: Path) -> None:
    folder = tmp_path / "work"
    assert corridors_cli("init", str(folder), cache=cache).returncode == 0
    args = ("route", "Khasan", "Pohang", "--include-proposed", "--json")
    bundled = corridors_cli(*args, cache=cache)
    by_flag = corridors_cli(*args, atlas=folder, cache=cache)
    by_env = corridors_cli(*args, cache=cache, env={"CORRIDORS_ATLAS": str(folder)})
    assert bundled.returncode == by_flag.returncode == by_env.returncode == 0
    assert json.loads(by_flag.stdout) == json.loads(bundled.stdout) == json.loads(by_env.stdout)


def test_atlas_flag_comes_before_the_environment(tmp_path: Path, cache: Path, atlas: Path) -> None:
    """One resolution order: --atlas, then CORRIDORS_ATLAS, then the bundled atlas."""
    folder = tmp_path / "work"
    assert corridors_cli("init", str(folder), cache=cache).returncode == 0
    env = {"CORRIDORS_ATLAS": str(folder)}
    small = corridors_cli("list", "places", "--json", atlas=atlas, cache=cache, env=env)
    assert small.returncode == 0
    assert len(json.loads(small.stdout)) == 5  # the factory atlas, not the workspace
    assert paths.resolve_atlas_dir(atlas) == atlas
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CORRIDORS_ATLAS", str(folder))
        assert paths.resolve_atlas_dir(None) == folder
        patch.delenv("CORRIDORS_ATLAS")
        assert paths.resolve_atlas_dir(None) == paths.bundled_atlas_dir()


def test_init_twice_leaves_the_workspace_as_it_is(tmp_path: Path, cache: Path) -> None:
    folder = tmp_path / "work"
    assert corridors_cli("init", str(folder), cache=cache).returncode == 0
    (folder / "corridors" / "sea.geojson").write_text('{"type": "FeatureCollection"}\n')
    before = tree(folder)
    again = corridors_cli("init", str(folder), cache=cache)
    assert again.returncode == 0, again.stderr
    assert "already a corridors workspace; nothing changed" in again.stdout
    assert tree(folder) == before


@pytest.mark.parametrize("kind", ["not empty", "a file", "a hidden file"])
def test_init_refuses_a_folder_that_is_not_new(tmp_path: Path, cache: Path, kind: str) -> None:
    folder = tmp_path / "mine"
    if kind == "a file":
        folder.write_text("my notes\n")
    else:
        folder.mkdir()
        (folder / (".keep" if kind == "a hidden file" else "notes.txt")).write_text("mine\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    contents = folder.read_bytes() if folder.is_file() else tree(folder)
    done = corridors_cli("init", str(folder), cache=cache)
    assert done.returncode == 2
    line = one_error_line(done.stderr)
    assert str(folder) in line and "new or empty folder" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temp folder left
    assert (folder.read_bytes() if folder.is_file() else tree(folder)) == contents


def test_init_into_an_empty_folder(tmp_path: Path, cache: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    done = corridors_cli("init", str(folder), cache=cache)
    assert done.returncode == 0, done.stderr
    assert paths.is_workspace(folder) and (folder / "places.geojson").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_a_failed_init_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copied: list[str] = []

    def fail_on_third(source: Path, target: Path) -> None:
        copied.append(str(source))
        if len(copied) == 3:
            raise OSError(28, "No space left on device")
        shutil.copyfile(source, target)

    monkeypatch.setattr(workspace.shutil, "copyfile", fail_on_third)
    with pytest.raises(AtlasWriteError, match="No space left on device"):
        init_workspace(tmp_path / "work")
    assert list(tmp_path.iterdir()) == []


def test_init_refuses_a_folder_inside_an_installed_package(tmp_path: Path, cache: Path) -> None:
    folder = tmp_path / "lib" / "python3.11" / "site-packages" / "mine"
    done = corridors_cli("init", str(folder), cache=cache)
    assert done.returncode == 2 and "inside an installed package" in one_error_line(done.stderr)
    assert not folder.exists()


# --- edits and the installed package --------------------------------------------------------


def fake_installed_atlas(tmp_path: Path) -> Path:
    """The factory atlas where a regular install puts the bundled one."""
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    return write_atlas(site / "corridors" / "_atlas")


EDITS = [
    ["remove", "rajin_chongjin"],
    ["remove", "rajin_chongjin", "--dry-run"],
    ["add", "--via", "Khasan,Tumangang", "--mode", "power", "--status", "proposed"],
    ["add-sea-lane", "Rajin", "Pohang", "--status", "proposed", "--source", "test-source"],
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: " ".join(edit))
def test_edits_refuse_an_installed_atlas(tmp_path: Path, cache: Path, edit: list[str]) -> None:
    installed = fake_installed_atlas(tmp_path)
    before = tree(installed)
    done = corridors_cli(*edit, atlas=installed, cache=cache)
    assert done.returncode == 2 and done.stdout == ""
    line = one_error_line(done.stderr)
    assert "installed with the corridors package" in line and "`corridors init DIR`" in line
    assert "--atlas DIR" in line  # the library's `atlas` as the flag
    assert tree(installed) == before  # not a byte changed, no lock file made


def test_edits_refuse_the_bundled_atlas_of_a_regular_install(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No --atlas, no CORRIDORS_ATLAS: the atlas packed into the package folder (``_atlas``),
    found by the same lookup as after ``pip install .``, refuses the edit."""
    package = tmp_path / "somewhere" / "corridors"
    packed = write_atlas(package / "_atlas")
    monkeypatch.setattr(paths, "_PACKAGE_DIR", package)
    assert paths.bundled_atlas_dir() == packed and paths.is_installed_atlas(packed)
    before = tree(packed)
    done = corridors_cli("remove", "rajin_chongjin", cache=cache)
    assert done.returncode == 2 and "`corridors init DIR`" in one_error_line(done.stderr)
    assert tree(packed) == before
    with pytest.raises(InstalledAtlasError):
        workspace.writable_atlas_root(None)
    # ... and init copies that very atlas into a folder the user owns, where edits work.
    folder = tmp_path / "work"
    assert corridors_cli("init", str(folder), cache=cache).returncode == 0
    removed = corridors_cli("remove", "rajin_chongjin", atlas=folder, cache=cache)
    assert removed.returncode == 0, removed.stderr
    assert tree(packed) == before


def test_an_installed_atlas_reached_through_a_link_is_refused(tmp_path: Path) -> None:
    installed = fake_installed_atlas(tmp_path)
    link = tmp_path / "my-atlas"
    link.symlink_to(installed, target_is_directory=True)
    with pytest.raises(InstalledAtlasError):
        workspace.writable_atlas_root(link)


def test_edits_in_a_workspace_work(tmp_path: Path, cache: Path) -> None:
    folder = tmp_path / "work"
    assert corridors_cli("init", str(folder), cache=cache).returncode == 0
    bundled = tree(paths.bundled_atlas_dir())
    added = corridors_cli(
        "add",
        str(EXAMPLE_LINE),
        "--mode",
        "rail",
        "--status",
        "proposed",
        "--source",
        "https://example.org/report",
        atlas=folder,
        cache=cache,
    )
    assert added.returncode == 0, added.stderr
    assert "suwon_dangjin_rail" in added.stdout
    assert added.stderr == ""  # a workspace has no committed maps to go stale
    routed = corridors_cli(
        "route", "Suwon", "Dangjin", "--include-proposed", "--json", atlas=folder, cache=cache
    )
    assert routed.returncode == 0, routed.stderr
    assert [leg["corridor"] for leg in json.loads(routed.stdout)["legs"]] == ["suwon_dangjin_rail"]
    assert tree(paths.bundled_atlas_dir()) == bundled


# --- a checkout's geo/ ------------------------------------------------------------------------


def fake_checkout(tmp_path: Path) -> Path:
    """A source checkout's layout (pyproject.toml, src/corridors/, geo/) around the factory
    atlas, so its maps/ are not the repository's own."""
    repo = tmp_path / "clone"
    (repo / "src" / "corridors").mkdir(parents=True)
    (repo / "pyproject.toml").write_text('[project]\nname = "corridors"\n')
    write_atlas(repo / "geo")
    return repo


def test_editing_a_checkouts_geo_says_maps_are_stale(tmp_path: Path, cache: Path) -> None:
    repo = fake_checkout(tmp_path)
    assert paths.checkout_of(repo / "geo") == repo.resolve()
    dry = corridors_cli("remove", "rajin_chongjin", "--dry-run", atlas=repo / "geo", cache=cache)
    assert dry.returncode == 0 and dry.stderr == ""  # nothing changed, nothing stale
    done = corridors_cli("remove", "rajin_chongjin", atlas=repo / "geo", cache=cache)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("removed corridor 'rajin_chongjin'")
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("warning: ") and "out of date" in line
    assert str(repo.resolve() / "maps") in line and "`corridors build`" in line
    assert "--build" in line
    assert not (repo / "maps").exists()


def test_edit_with_build_rebuilds_the_checkouts_maps(tmp_path: Path, cache: Path) -> None:
    repo = fake_checkout(tmp_path)
    done = corridors_cli(
        "remove", "rajin_chongjin", "--build", "--json", atlas=repo / "geo", cache=cache
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["action"] == "remove"  # stdout stays one JSON document
    assert "out of date" not in done.stderr
    maps = repo.resolve() / "maps"
    assert f"wrote {maps / 'atlas.html'}" in done.stderr
    # The rebuilt map is that of the edited atlas: the same bytes as `corridors build`.
    rebuilt = (maps / "atlas.html").read_bytes()
    assert b"rajin_chongjin" not in rebuilt and b"khasan_rajin" in rebuilt
    built = corridors_cli("build", "--out", str(tmp_path / "out"), atlas=repo / "geo", cache=cache)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "out" / "atlas.html").read_bytes() == rebuilt


def test_build_of_a_workspace_writes_its_own_maps(tmp_path: Path, cache: Path) -> None:
    folder = tmp_path / "work"
    assert corridors_cli("init", str(folder), cache=cache).returncode == 0
    committed = tree(REPO / "maps")
    from corridors.maps import default_maps_dir

    assert default_maps_dir(folder) == folder / "maps"
    assert default_maps_dir(REPO / "geo") == REPO.resolve() / "maps"
    built = corridors_cli("build", "--quiet", atlas=folder, cache=cache)
    assert built.returncode == 0, built.stderr
    assert sorted(p.name for p in (folder / "maps").iterdir()) == [
        "atlas.html",
        "shipments.html",
    ]
    assert tree(REPO / "maps") == committed
