"""Charts of ``compare`` (matplotlib, an optional dependency: ``pip install corridors[chart]``).

One figure, three panels (USD per tonne, days, kg CO2e per tonne), one group of bars per
alternative and one bar per destination; written as PNG and SVG with fixed metadata, so an
unchanged comparison gives the same files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corridors.errors import UsageError

METRICS = (
    ("cost_usd_per_t", "USD per tonne"),
    ("days", "days door to door"),
    ("co2e_kg_per_t", "kg CO2e per tonne"),
)


def _pyplot():  # noqa: ANN202 - matplotlib.pyplot, imported lazily
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UsageError(
            "charts need matplotlib: pip install 'corridors[chart]' (or pip install matplotlib)"
        ) from None
    plt.rcParams["svg.hashsalt"] = "corridors"
    plt.rcParams["font.family"] = "DejaVu Sans"
    return plt


def write_compare_chart(rows: Sequence[dict[str, object]], stem: Path, *, title: str) -> list[Path]:
    """Write ``stem``.png and ``stem``.svg of the comparison rows; returns the two paths."""
    plt = _pyplot()
    alternatives = list(dict.fromkeys(str(r["alternative"]) for r in rows))
    destinations = list(dict.fromkeys(str(r["destination"]) for r in rows))
    value = {(str(r["alternative"]), str(r["destination"])): r for r in rows}
    figure, axes = plt.subplots(1, len(METRICS), figsize=(12, 4.2))
    width = 0.8 / max(1, len(destinations))
    for ax, (key, label) in zip(axes, METRICS, strict=True):
        for k, dest in enumerate(destinations):
            heights = [float(value[(a, dest)][key]) for a in alternatives]  # type: ignore[arg-type]
            xs = [i - 0.4 + width * (k + 0.5) for i in range(len(alternatives))]
            ax.bar(xs, heights, width, label=dest)
        ax.set_xticks(range(len(alternatives)), alternatives)
        ax.set_title(label)
        ax.grid(axis="y", alpha=0.3)
        ax.set_axisbelow(True)
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=len(destinations), fontsize=9)
    figure.suptitle(title)
    figure.tight_layout(rect=(0, 0.07, 1, 1))
    return _save(plt, figure, stem)


def _save(plt: Any, figure: Any, stem: Path) -> list[Path]:
    """Write ``figure`` as STEM.png and STEM.svg, the same bytes on every run (no software
    or date stamp), and close it."""
    written = []
    for suffix, metadata in ((".png", {"Software": None}), (".svg", {"Date": None})):
        path = stem.with_suffix(suffix)
        figure.savefig(path, dpi=100, metadata=metadata)
        written.append(path)
    plt.close(figure)
    return written


def write_tornado_chart(
    bars: Sequence[tuple[str, float, float]], stem: Path, *, base: float, title: str, label: str
) -> list[Path]:
    """A tornado chart: one bar per parameter from its low-value to its high-value result."""
    plt = _pyplot()
    ordered = sorted(bars, key=lambda b: abs(b[2] - b[1]))
    figure, ax = plt.subplots(figsize=(9, 0.35 * len(ordered) + 1.5))
    for i, (_name, low, high) in enumerate(ordered):
        ax.barh(i, high - low, left=low, color="#d95f02" if high > low else "#1b9e77")
    ax.axvline(base, color="black", linewidth=1)
    ax.axvline(0, color="grey", linewidth=1, linestyle=":")  # where the ranking would flip
    low, high = ax.get_xlim()
    ax.set_xlim(min(low, -0.05 * (high - low)), max(high, 0.05 * (high - low)))
    ax.set_yticks(range(len(ordered)), [b[0] for b in ordered], fontsize=8)
    ax.set_xlabel(label)
    ax.set_title(title)
    figure.tight_layout()
    return _save(plt, figure, stem)
