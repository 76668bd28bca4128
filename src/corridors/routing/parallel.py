"""Matrix rows split across worker processes (``corridors matrix --workers N``, issue 13).

Why: the searches of a distance matrix are independent, one per source hub, so the one
working path past a single core is to hand each process a share of the sources over the same
graph. The graph goes to the workers as numbers only: the edge ends, the adjacency and the
edge costs of the chosen options, written once as ``.npy`` files into a private temporary
folder and memory-mapped by every worker (the page cache holds one copy). No place name, no
corridor id, no text of the atlas is pickled or sent; the costs are computed once, here, by
:func:`corridors.routing.search.edge_costs`, and every worker runs the same search code on
its share (:func:`corridors.routing.search.rows_for_costs`, with the engine chosen here for
the whole matrix), so the rows are the ones one process gives, bit for bit
(``tests/test_matrix_workers.py``).

Workers are started with ``spawn`` (no fork of a process that may run a progress thread) and
ignore Ctrl-C: the interrupt reaches this process, which stops them and lets the command
print its one line. A worker that dies (killed, out of memory) stops the matrix with a
:class:`~corridors.errors.CorridorsError` saying so.
"""

from __future__ import annotations

import signal
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridors.errors import CorridorsError, UsageError

if TYPE_CHECKING:
    from corridors.network.index import RouteIndex
    from corridors.routing.options import RouteOptions

# Each worker gets about this many shares, so that an uneven share does not leave the others
# idle at the end; more shares cost a round trip each.
SHARES_PER_WORKER = 4

_ARRAYS = ("edge_u", "edge_v", "adj_ptr", "adj_to", "adj_edge", "costs")
_WORKER: dict[str, Any] = {}


def check_workers(workers: int) -> int:
    """``workers`` if it can be used, else a :class:`~corridors.errors.UsageError`."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise UsageError(f"--workers must be a whole number of at least 1, not {workers!r}")
    return workers


def parallel_cost_rows(
    index: RouteIndex,
    sources: Sequence[Sequence[int]],
    targets: Sequence[Sequence[int]],
    options: RouteOptions,
    *,
    workers: int,
    engine: str = "auto",
    progress: Any = None,
) -> Any:
    """:func:`corridors.routing.search.cost_rows`, the sources shared among ``workers``
    processes.

    Parameters
    ----------
    index : RouteIndex
    sources, targets : sequence of sequence of int
        Node groups, as for :func:`~corridors.routing.search.cost_rows`.
    options : RouteOptions
    workers : int
        Processes to use (at most one per source group); 1 searches in this process.
    engine : {"auto", "python", "scipy"}
        Chosen once for the whole matrix, so every share uses the same one.
    progress : optional
        Advanced by each share's source nodes as it comes back.

    Returns
    -------
    numpy.ndarray or list of list of float
        The rows in the order of ``sources``, equal to what one process gives.

    Raises
    ------
    UsageError
        ``workers`` is not a whole number of at least 1, or ``engine`` is unknown.
    CorridorsError
        A worker process died before answering.
    """
    from corridors.routing.search import choose_engine, edge_costs, rows_for_costs

    check_workers(workers)
    costs = edge_costs(index, options)
    chosen = choose_engine(engine, searches=sum(map(len, sources)), edges=index.edge_count)
    shares = _shares(len(sources), workers)
    if workers == 1 or len(shares) < 2:
        return rows_for_costs(
            index, costs, sources, targets, key=options.key, engine=chosen, progress=progress
        )
    import numpy as np

    with tempfile.TemporaryDirectory(prefix="corridors-matrix-") as folder:
        _write_graph(Path(folder), index, costs)
        blocks = _run(
            folder,
            chosen,
            [[list(g) for g in sources[lo:hi]] for lo, hi in shares],
            [list(g) for g in targets],
            workers=min(workers, len(shares)),
            progress=progress,
        )
    return np.concatenate(
        [np.asarray(b, dtype=np.float64).reshape(-1, len(targets)) for b in blocks]
    )


def _shares(count: int, workers: int) -> list[tuple[int, int]]:
    """Contiguous ``(lo, hi)`` slices of ``count`` source groups, about even."""
    parts = min(count, workers * SHARES_PER_WORKER) if workers > 1 else 1
    if parts <= 0:
        return []
    edges = [round(k * count / parts) for k in range(parts + 1)]
    return [(lo, hi) for lo, hi in zip(edges, edges[1:], strict=False) if hi > lo]


def _write_graph(folder: Path, index: RouteIndex, costs: Sequence[float]) -> None:
    """The numbers a worker needs, one ``.npy`` file each (no text of the atlas)."""
    import numpy as np

    columns = {
        "edge_u": np.asarray(index.edge_u, dtype=np.int64),
        "edge_v": np.asarray(index.edge_v, dtype=np.int64),
        "adj_ptr": np.asarray(index.adj_ptr, dtype=np.int64),
        "adj_to": np.asarray(index.adj_to, dtype=np.int64),
        "adj_edge": np.asarray(index.adj_edge, dtype=np.int64),
        "costs": np.asarray(costs, dtype=np.float64),
    }
    for name, values in columns.items():
        np.save(folder / f"{name}.npy", values, allow_pickle=False)
    np.save(folder / "node_count.npy", np.array([index.node_count]), allow_pickle=False)


def _run(
    folder: str,
    engine: str,
    shares: list[list[list[int]]],
    targets: list[list[int]],
    *,
    workers: int,
    progress: Any,
) -> list[Any]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # Made with Ctrl-C held: the pool's queues start multiprocessing's resource tracker, a
    # process of its own, and the first submissions spawn the workers; all inherit it held.
    with _interrupts_held():
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(folder, engine),
        )
    try:
        with _interrupts_held():  # the workers are spawned here
            futures = [pool.submit(_share_rows, share, targets) for share in shares]
        blocks = []
        for share, future in zip(shares, futures, strict=True):
            blocks.append(future.result())
            if progress is not None:
                progress.advance(sum(map(len, share)))
    except BrokenProcessPool:
        _stop(pool)
        raise CorridorsError(
            "a matrix worker process died before answering (out of memory, or killed): "
            "try fewer --workers"
        ) from None
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)
    return blocks


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl-C held back (blocked, not lost) while workers are spawned, then delivered.

    Processes started meanwhile inherit the blocked signal, so a Ctrl-C sent to the whole
    group (as a terminal does) never reaches a worker's Python (no ``KeyboardInterrupt``
    printed by a worker); this process gets it as soon as the block ends.

    Blocking covers only this thread: another thread of this process (a progress bar's)
    may still take the signal, and Python then raises ``KeyboardInterrupt`` here, in the
    middle of starting a worker (after the worker exists, before it has been sent what it
    must read: it then dies printing ``EOFError``). So, on the main thread, the interrupt
    is also only noted while held, and raised once the block ends."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no process groups to fear
        yield
        return
    import threading

    noted: list[int] = []
    handler: Any = None
    on_main = threading.current_thread() is threading.main_thread()
    if on_main:
        handler = signal.signal(signal.SIGINT, lambda number, _frame: noted.append(number))
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # a held Ctrl-C is noted now
        if on_main:
            signal.signal(signal.SIGINT, signal.default_int_handler if handler is None else handler)
            if noted:
                signal.raise_signal(signal.SIGINT)  # to the handler it was meant for


def _stop(pool: Any) -> None:
    """Cancel what has not started and end the workers now (an interrupt, an error), waiting
    for them so that none outlives the command or reads the graph folder once it is gone."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=10)
    # The pool sees its workers gone, fails what was pending and closes its queues (whose
    # semaphores would otherwise be reported leaked at exit).
    pool.shutdown(wait=True, cancel_futures=True)


def _start_worker(folder: str, engine: str) -> None:
    """In a worker: ignore Ctrl-C (the parent stops us) and map the graph's numbers."""
    import numpy as np

    from corridors.network.index import RouteIndex

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    arrays = {name: np.load(Path(folder) / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
    node_count = int(np.load(Path(folder) / "node_count.npy")[0])
    python = engine == "python"  # the pure-Python search walks lists, not arrays

    def column(name: str) -> Any:
        return arrays[name].tolist() if python else arrays[name]

    index = RouteIndex(
        node_keys=list(range(node_count)),
        adj_ptr=column("adj_ptr"),
        adj_to=column("adj_to"),
        adj_edge=column("adj_edge"),
        edge_u=column("edge_u"),
        edge_v=column("edge_v"),
    )
    _WORKER.update(
        index=index, costs=arrays["costs"].tolist() if python else arrays["costs"], engine=engine
    )


def _share_rows(share: list[list[int]], targets: list[list[int]]) -> Any:
    """In a worker: the rows of one share of the sources."""
    from corridors.routing.search import rows_for_costs

    return rows_for_costs(
        _WORKER["index"],
        _WORKER["costs"],
        share,
        targets,
        key=("workers", _WORKER["engine"]),
        engine=_WORKER["engine"],
    )


__all__ = ["SHARES_PER_WORKER", "check_workers", "parallel_cost_rows"]
