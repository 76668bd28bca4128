"""``check`` and ``build`` answered from :mod:`corridors.cli.memo` when nothing changed.

:func:`check_report` gives the :class:`~corridors.check.CheckReport` of the atlas (the memo
keeps its findings and counts; the command prints it as always, so every output format is the
same); :func:`build` writes the maps (the memo keeps each map's text and the warnings, and
writes them the way :func:`corridors.maps.build.build_maps` does: folder and paths checked
first, each file replaced atomically); :func:`export` writes an export file (the memo keeps
its bytes per format, and writes them after the checks of
:func:`corridors.export.export_file`). A miss runs the library as before.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridors.cli import memo

if TYPE_CHECKING:
    from corridors.check import CheckReport
    from corridors.maps.build import BuildResult

__all__ = ["build", "check_report", "export"]

MAX_EXPORT_BYTES = 32 * 2**20
"""A larger export is not kept (a 10^6-segment atlas's would fill the cache folder)."""


def _root(atlas: Path | None) -> Path:
    from corridors.atlas.folder import atlas_root

    return atlas_root(atlas)


def check_report(
    atlas: Path | None,
    tolerances: dict[str, float],
    *,
    on_cache_event: Callable[[str], None] | None = None,
) -> CheckReport:
    """The check of the atlas with ``tolerances`` (keywords of ``check_atlas``).

    Raises
    ------
    AtlasError
        As :func:`corridors.network.load.load_network` (a memo is only kept for a good atlas).
    """

    def compute() -> CheckReport:
        from corridors.check import check_atlas
        from corridors.cli.check_units import open_units, save_units
        from corridors.network.load import load_network

        network = load_network(atlas, on_cache_event=on_cache_event)
        # each corridor's, port's and zone's findings kept by their inputs: cli/check_units.py
        units = open_units(network.atlas.root)
        report = check_atlas(network.atlas, network=network, remembered=units, **tolerances)
        if units is not None:
            save_units(units)
        return report

    return memo.answer(
        _root(atlas),
        "check",
        {k: repr(v) for k, v in sorted(tolerances.items())},  # repr: floats exactly
        compute=compute,
        encode=_encode_report,
        decode=_decode_report,
    )


def _encode_report(report: CheckReport) -> dict[str, Any]:
    return {
        "counts": dict(report.counts),
        "findings": [[f.subject, f.check, f.ok, f.message, f.data] for f in report.findings],
    }


def _decode_report(stored: Any) -> CheckReport:
    from corridors.check import CheckReport, Finding

    counts = {str(k): int(v) for k, v in stored["counts"].items()}
    findings = []
    for subject, check, ok, message, data in stored["findings"]:
        if not (isinstance(subject, str) and isinstance(check, str) and isinstance(message, str)):
            raise TypeError("not a finding")
        if not isinstance(ok, bool) or not (data is None or isinstance(data, dict)):
            raise TypeError("not a finding")
        findings.append(Finding(subject, check, ok, message, data))
    return CheckReport(findings=findings, counts=counts)


def build(
    atlas: Path | None,
    out: Path | None,
    *,
    offline: bool,
    quiet: bool,
    on_cache_event: Callable[[str], None] | None = None,
) -> BuildResult:
    """Write the maps into ``out`` (default: :func:`~corridors.maps.build.default_maps_dir`).

    Raises
    ------
    AtlasError, OutputError, MapError
        As :func:`corridors.maps.build.build_maps`; nothing is written when the folder or a
        map path is refused.
    """
    from corridors.maps.build import MAP_FILES, BuildResult, default_maps_dir

    root = _root(atlas)
    folder = Path(out) if out is not None else default_maps_dir(root)

    def compute() -> BuildResult:
        from corridors.maps.build import build_maps, progress_steps
        from corridors.network.load import load_network

        network = load_network(atlas, on_cache_event=on_cache_event)
        with progress_steps(quiet=quiet) as step:
            return build_maps(network, out, offline=offline, step=step)

    def encode(result: BuildResult) -> dict[str, Any] | None:
        if [p.name for p in result.files] != list(MAP_FILES):
            return None
        texts = []
        for path in result.files:
            data = path.read_bytes()
            texts.append(data.decode("utf-8"))  # what build_maps writes; else not kept
        return {"maps": texts, "warnings": list(result.warnings)}

    def decode(stored: Any) -> BuildResult:
        from corridors._io.outputs import check_output_path, make_folder, write_output

        texts, warnings = stored["maps"], stored["warnings"]
        if len(texts) != len(MAP_FILES) or not all(isinstance(t, str) for t in texts):
            raise ValueError("not the maps")
        if not all(isinstance(w, str) for w in warnings):
            raise ValueError("not warnings")
        made = make_folder(folder)
        for name in MAP_FILES:
            check_output_path(made / name)
        files = [
            write_output(made / n, t.encode("utf-8")) for n, t in zip(MAP_FILES, texts, strict=True)
        ]
        return BuildResult(files=files, warnings=list(warnings))

    return memo.answer(
        root,
        "build",
        {"offline": offline},
        compute=compute,
        encode=lambda result: _or_skip(encode, result),
        decode=decode,
    )


def _or_skip(encode: Callable[[Any], Any], value: Any) -> Any:
    """``encode(value)``, or None (nothing stored) when it cannot be encoded faithfully."""
    try:
        return encode(value)
    except (OSError, UnicodeDecodeError):
        return None


def export(
    atlas: Path | None,
    file: Path,
    *,
    on_cache_event: Callable[[str], None] | None = None,
) -> Path:
    """Write the export ``file`` (its format by suffix); return its path.

    Raises
    ------
    AtlasError, UsageError, OutputError
        As :func:`corridors.export.export_file`, checked in the same order.
    """
    import base64

    target = Path(file)
    suffix = target.suffix.lower()

    def compute() -> Path:
        from corridors.export import export_file
        from corridors.network.load import load_network

        network = load_network(atlas, on_cache_event=on_cache_event)
        return export_file(network, target)

    def encode(written: Path) -> str | None:
        data = written.read_bytes()
        return base64.b64encode(data).decode("ascii") if len(data) <= MAX_EXPORT_BYTES else None

    def decode(stored: Any) -> Path:
        from corridors._io.outputs import check_output_path, write_output
        from corridors.export import EXPORT_FORMATS

        if not isinstance(stored, str) or suffix not in EXPORT_FORMATS:
            raise ValueError("not an export")  # compute: export_file says what is wrong
        data = base64.b64decode(stored.encode("ascii"), validate=True)
        check_output_path(target)
        if not target.parent.is_dir():
            raise ValueError("no folder")  # compute: export_file's message
        return write_output(target, data)

    return memo.answer(
        _root(atlas),
        "export",
        {"format": suffix},
        compute=compute,
        encode=lambda written: _or_skip(encode, written),
        decode=decode,
    )
