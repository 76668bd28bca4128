"""``corridors matrix --workers N`` (issue 13 item 6): the sources shared among processes give
the very numbers one process gives, bad counts are one line, a dead worker or Ctrl-C ends the
command cleanly and leaves no process behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate  # noqa: E402

from corridors.errors import CorridorsError, UsageError  # noqa: E402
from corridors.network.index import Network, build_index  # noqa: E402
from corridors.network.load import load_network  # noqa: E402
from corridors.routing import parallel  # noqa: E402
from corridors.routing.matrix import distance_matrix  # noqa: E402
from corridors.routing.options import make_options  # noqa: E402

OPTIONS = [
    make_options(include_proposed=True),
    make_options(include_proposed=True, by="time", transfer_hours=7.5),
    make_options(modes=["rail"]),
]


@pytest.fixture(scope="module")
def shipped() -> Network:
    return load_network()


@pytest.fixture(scope="module")
def generated() -> Network:
    atlas = generate.load(generate.generate(3000, seed=7))
    return Network(atlas, build_index(atlas=atlas))


@pytest.mark.parametrize("engine", ["python", "scipy"])
@pytest.mark.parametrize("options", OPTIONS, ids=["proposed", "time", "rail"])
def test_shipped_atlas_same_numbers_with_workers(
    shipped: Network, options: object, engine: str
) -> None:
    places = [p for p in shipped.atlas.places if shipped.nodes_of(p)]  # every place, not 8
    one = distance_matrix(shipped, places, options, engine=engine, quiet=True)  # type: ignore[arg-type]
    shared = distance_matrix(
        shipped,
        places,
        options,  # type: ignore[arg-type]
        engine=engine,
        workers=3,
        quiet=True,
    )
    assert shared == one  # == on every float: bit for bit, None where unreachable
    if options.modes == ("rail",):  # type: ignore[attr-defined]
        assert any(v is None for row in one.values for v in row)  # unreachable cells too
    assert sum(v is not None for row in one.values for v in row) > 1000


def test_generated_atlas_same_numbers_with_workers(generated: Network) -> None:
    places = [p for p in generated.atlas.places if generated.nodes_of(p)][:150]
    one = distance_matrix(generated, places, include_proposed=True, quiet=True)
    for workers in (2, 5):
        shared = distance_matrix(
            generated, places, include_proposed=True, workers=workers, quiet=True
        )
        assert shared == one


def test_shares_cover_every_source_once() -> None:
    for count in range(0, 40):
        for workers in range(1, 6):
            shares = parallel._shares(count, workers)
            flat = [k for lo, hi in shares for k in range(lo, hi)]
            assert flat == list(range(count))
            assert len(shares) <= max(1, workers * parallel.SHARES_PER_WORKER)


@pytest.mark.parametrize("bad", [0, -2, True, 1.5, "2"])
def test_bad_worker_counts_are_usage_errors(shipped: Network, bad: object) -> None:
    with pytest.raises(UsageError, match="--workers must be a whole number of at least 1"):
        distance_matrix(shipped, None, workers=bad, quiet=True)  # type: ignore[arg-type]


def test_a_worker_that_dies_is_one_error(tmp_path: Path) -> None:
    # An empty folder: every worker fails in its start-up, as one killed would: the pool
    # breaks, and the matrix stops with a CorridorsError saying what to try.
    with pytest.raises(CorridorsError, match="worker process died.*fewer --workers"):
        parallel._run(str(tmp_path), "scipy", [[[0]], [[1]]], [[0], [1]], workers=2, progress=None)


def _run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from corridors.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="module")
def generated_atlas(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("workers")
    atlas = generate.write(generate.generate(4000, seed=3), root / "atlas")
    env = {**os.environ, "CORRIDORS_CACHE_DIR": str(root / "cache"), "COLUMNS": "200"}
    return atlas, env


def test_cli_json_identical_with_workers(generated_atlas: tuple[Path, dict[str, str]]) -> None:
    atlas, env = generated_atlas
    base = ["matrix", "--include-proposed", "--json", "--atlas", str(atlas)]
    one = _run_cli(base, env)
    two = _run_cli([*base, "--workers", "2"], env)
    assert one.returncode == 0, one.stderr
    assert (two.returncode, two.stdout, two.stderr) == (0, one.stdout, one.stderr)
    assert len(json.loads(one.stdout)["places"]) > 10


def test_cli_bad_count_one_line(generated_atlas: tuple[Path, dict[str, str]]) -> None:
    atlas, env = generated_atlas
    done = _run_cli(["matrix", "--workers", "0", "--atlas", str(atlas)], env)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: --workers must be a whole number of at least 1, not 0"
    ]


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found.update(int(p) for p in text.split())
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_ctrl_c_stops_workers_quietly(generated_atlas: tuple[Path, dict[str, str]]) -> None:
    atlas, env = generated_atlas
    args = ["matrix", "--include-proposed", "--json", "--workers", "2", "--atlas", str(atlas)]
    _run_cli(args[:-4] + args[-2:], env)  # the cache is built: the run below goes to the pool
    process = subprocess.Popen(
        [sys.executable, "-c", "from corridors.cli import main; main()", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while not workers and process.poll() is None and time.monotonic() < deadline:
        # the resource tracker is a child too; the workers are the spawned main processes
        workers = {
            p
            for p in _children(process.pid)
            if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()
        }
        time.sleep(0.01)
    assert workers, "no worker process was seen"
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C on a terminal does
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.strip().splitlines() == ["interrupted"], err
    assert out == "", out
    time.sleep(0.2)
    for pid in workers:
        alive = Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)
        assert not alive, f"worker {pid} outlived the command"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return "Z"


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="needs POSIX signals")
def test_ctrl_c_taken_by_another_thread_waits_for_the_workers_to_start() -> None:
    """A Ctrl-C that another thread of the process takes (a progress bar's) while workers are
    being started is raised only once they are: never in the middle of starting one (which
    then died printing ``EOFError``, a flaky CI failure of the test above)."""
    import threading

    from corridors.routing.parallel import _interrupts_held

    go = threading.Event()

    def send() -> None:
        go.wait()
        os.kill(os.getpid(), signal.SIGINT)

    # started before the block, so this thread does not block SIGINT: the kernel gives the
    # signal to it, as to a progress bar's thread
    sender = threading.Thread(target=send)
    sender.start()
    reached_end = False
    with pytest.raises(KeyboardInterrupt), _interrupts_held():
        go.set()
        sender.join()
        for _ in range(200_000):  # bytecode on which a pending interrupt would be raised
            pass
        time.sleep(0.05)
        reached_end = True
    assert reached_end
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
