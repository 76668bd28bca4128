"""Every ``corridors ...`` command in README.md's code blocks runs as written on a fresh clone,
and leaves the clone clean (issue 14: "on a fresh clone in a fresh venv, every command in the
README runs as written, and afterwards `git status` is clean").

The clone is made from this checkout's files as they would be committed (tracked and
untracked-but-not-ignored files, uncommitted changes included, so the test checks the tree it
runs in), with a fresh ``git init``; ``pip install -e .`` puts it in a fresh venv as the README
says (the dependencies come from this environment, see tests/test_install.py). The commands
then run in README order, from the clone's folder, through the installed console script: the
maps `corridors build` rewrites must come out byte-identical, and every file an example writes
must go where git ignores it (the workspace ``work/``).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^```(?:sh|bash|shell|console)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def readme_commands(text: str) -> list[str]:
    """The ``corridors`` commands of the shell code blocks in ``text``, in order.

    Each line is split as a POSIX shell would (quotes, ``#`` comments, ``&&`` chains); a
    ``corridors`` command joined to another by anything but ``&&`` (a pipe, ``;``, a
    redirection) is an error: it would not run as written here.
    """
    commands: list[str] = []
    for block in FENCE.findall(text):
        for line in block.splitlines():
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            tokens = list(lexer)
            parts: list[list[str]] = [[]]
            for token in tokens:
                if token == "&&":
                    parts.append([])
                elif token and set(token) <= set("();<>|&"):
                    assert "corridors" not in tokens, f"not runnable as written: {line}"
                    break
                else:
                    parts[-1].append(token)
            commands += [shlex.join(part) for part in parts if part[:1] == ["corridors"]]
    return commands


def test_readme_commands_are_found() -> None:
    text = "```sh\na && corridors x 'b c' # note\ncorridors y|grep z\n```\n"
    with pytest.raises(AssertionError, match="not runnable as written"):
        readme_commands(text)
    assert readme_commands("```sh\npip install . && corridors build && corridors table\n```\n") == [
        "corridors build",
        "corridors table",
    ]
    assert readme_commands('```sh\ncorridors add --name "A - B" x  # a comment\n```\n') == [
        "corridors add --name 'A - B' x"
    ]
    assert (
        readme_commands("text `corridors inline` is prose\n```python\ncorridors = 1\n```\n") == []
    )


def snapshot_clone(into: Path) -> Path:
    """A git repository holding this checkout's files as they would be committed."""
    listed = subprocess.run(
        ["git", "-c", "safe.directory=*", "-C", str(REPO), "ls-files", "-z"]
        + ["--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    clone = into / "clone"
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the work tree stays deleted
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    git = ["git", "-C", str(clone), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "snapshot"], check=True)
    return clone


def fresh_venv(into: Path, clone: Path) -> Path:
    """A venv with the clone installed as the README says (``pip install -e .``)."""
    venv = into / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    child_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    parent_site = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(child_site, "parent-env.pth").write_text("\n".join(sorted(parent_site)) + "\n")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps"]
        + ["-e", str(clone)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    return venv


@pytest.mark.skipif(
    not (REPO / ".git").exists() or shutil.which("git") is None, reason="not a git checkout"
)
def test_every_readme_command_runs_on_a_fresh_clone(tmp_path: Path) -> None:
    commands = readme_commands((REPO / "README.md").read_text(encoding="utf-8"))
    # The README's own walk-through is all here (so the test cannot pass on an empty list).
    for expected in ("corridors build", "corridors init work", "corridors check"):
        assert expected in commands
    assert sum(command.startswith("corridors add") for command in commands) >= 3
    clone = snapshot_clone(tmp_path)
    venv = fresh_venv(tmp_path, clone)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORRIDORS_")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["CORRIDORS_CACHE_DIR"] = str(tmp_path / "cache")
    located = subprocess.run(
        ["corridors", "init", "--help"], cwd=clone, env=env, capture_output=True, text=True
    )
    assert located.returncode == 0, located.stderr
    assert shutil.which("corridors", path=env["PATH"]) == str(venv / "bin" / "corridors")
    failed = []
    for command in commands:
        ran = subprocess.run(
            shlex.split(command), cwd=clone, env=env, capture_output=True, text=True, timeout=300
        )
        if ran.returncode != 0:
            failed.append(f"{command}: exit {ran.returncode}: {ran.stderr.strip()[-500:]}")
    assert failed == []
    status = subprocess.run(
        ["git", "-C", str(clone), "status", "--porcelain"], capture_output=True, text=True
    )
    assert status.returncode == 0 and status.stdout == ""
    # The edits went to the workspace, and the clone's atlas is the one it was cloned with.
    assert "suwon_dangjin_rail" in (clone / "work" / "corridors" / "rail.geojson").read_text()
    assert (clone / "work" / "maps" / "atlas.html").is_file()
    for written in ("route.html", "atlas.gpkg", "graph.graphml"):
        assert (clone / "work" / written).is_file()
    assert "suwon_dangjin_rail" not in (clone / "geo" / "corridors" / "rail.geojson").read_text()
