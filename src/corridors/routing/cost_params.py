"""The parameters of the cost model: read ``costs.toml``, validate it, apply overrides.

The default file sits beside the atlas (``geo/costs.toml``; schema in ``geo/README.md``): one
TOML table per parameter, ``[group.name]``, with ``value``, ``low``, ``high`` (the range that
the sensitivity analysis varies it over), ``unit``, ``source`` (an id of ``sources.json`` or
``"assumption"``) and an optional ``note``. The set of parameters is fixed
(:data:`PARAMETERS`): a file that lacks one, names an unknown one, or gives a negative or
non-numeric number is refused with one line naming the file and the parameter.

A user overrides values from a file of the same tables (``value`` alone, or a bare number:
``[sea_supramax] usd_per_tkm = 0.002``) and from ``group.name=NUMBER`` strings
(:func:`parse_assignments`, the command line's ``--set``).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from corridors.atlas.safe_input import read_file_limited
from corridors.errors import AtlasError, UsageError

PARAMETERS: dict[str, tuple[str, ...]] = {
    "rail_rus": ("usd_per_tkm", "speed_kmh", "co2e_g_per_tkm"),
    "rail_prk": ("usd_per_tkm", "speed_kmh", "co2e_g_per_tkm"),
    "sea_handysize": ("usd_per_tkm", "speed_kmh", "co2e_g_per_tkm", "payload_t"),
    "sea_supramax": ("usd_per_tkm", "speed_kmh", "co2e_g_per_tkm", "payload_t"),
    "port": ("call_usd", "discharge_usd_per_t", "discharge_hours"),
    "transfer": ("usd_per_t", "hours", "co2e_kg_per_t"),
    "border": ("hours", "usd_per_t"),
    "cargo": ("usd_per_t_hour",),
}
"""Every parameter, by group: the file must hold exactly these."""
VESSELS = ("supramax", "handysize")
"""Vessel classes (groups ``sea_<class>``)."""
POSITIVE = {"speed_kmh", "payload_t"}
"""Parameters that must be more than zero (all others: zero or more)."""
_FIELDS = {"value", "low", "high", "unit", "source", "note"}
_REQUIRED = ("value", "low", "high", "unit", "source")
MAX_PARAMS_BYTES = 1 << 20
FILE_NAME = "costs.toml"


@dataclass(frozen=True)
class Parameter:
    """One cost-model parameter.

    Attributes
    ----------
    name : str
        ``"group.name"``, e.g. ``"sea_supramax.usd_per_tkm"``.
    value, low, high : float
        The value used and the range the sensitivity analysis varies it over.
    unit : str
    source : str
        A source id of ``sources.json``, or ``"assumption"``.
    note : str
        How the value was found or chosen.
    overridden : bool
        Set by a user's file or ``--set`` rather than the defaults.
    """

    name: str
    value: float
    low: float
    high: float
    unit: str
    source: str
    note: str = ""
    overridden: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "unit": self.unit,
            "source": self.source,
            "overridden": self.overridden,
        }


@dataclass(frozen=True)
class CostParams:
    """The validated parameter set (one :class:`Parameter` per name of :data:`PARAMETERS`)."""

    parameters: Mapping[str, Parameter]
    path: str = ""

    def __getitem__(self, name: str) -> float:
        return self.parameters[name].value

    @property
    def key(self) -> tuple[tuple[str, float], ...]:
        """A hashable summary of the values (equal keys, equal costs)."""
        return tuple(sorted((n, p.value) for n, p in self.parameters.items()))

    def with_values(self, values: Mapping[str, float], *, origin: str = "--set") -> CostParams:
        """A copy with ``values`` (``{"group.name": number}``) replacing the defaults.

        Raises
        ------
        UsageError
            A name is not a parameter, or a value is not a finite number in its allowed range.
        """
        changed = dict(self.parameters)
        for name, value in values.items():
            if name not in changed:
                raise UsageError(f"{origin}: unknown parameter '{name}'; {_known()}")
            number = _number(value, f"{origin}: {name}", UsageError)
            _check_sign(name, number, f"{origin}: {name}", UsageError)
            changed[name] = replace(changed[name], value=number, overridden=True)
        return CostParams(changed, self.path)

    def to_dict(self) -> dict[str, dict[str, object]]:
        return {name: p.to_dict() for name, p in sorted(self.parameters.items())}


def _known() -> str:
    return "known: " + ", ".join(f"{g}.{{{','.join(n)}}}" for g, n in PARAMETERS.items())


def _number(value: object, where: str, error: type[Exception]) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise error(f"{where} must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise error(f"{where} must be a finite number, not {value!r}")
    return number


def _check_sign(name: str, number: float, where: str, error: type[Exception]) -> None:
    field = name.rpartition(".")[2]
    if field in POSITIVE and number <= 0:
        raise error(f"{where} must be more than zero, not {number:g}")
    if number < 0:
        raise error(f"{where} must not be negative ({number:g})")


def default_params_path(atlas_dir: Path | None = None) -> Path:
    """``costs.toml`` of ``atlas_dir`` if it has one, else the bundled atlas's."""
    from corridors.paths import bundled_atlas_dir, resolve_atlas_dir

    folder = resolve_atlas_dir(atlas_dir)
    candidate = folder / FILE_NAME
    return candidate if candidate.exists() else bundled_atlas_dir() / FILE_NAME


def _resolved_atlas(atlas_dir: Path | None) -> Path:
    from corridors.paths import resolve_atlas_dir

    return resolve_atlas_dir(atlas_dir).resolve()


def _read_toml(path: Path, error: type[Exception]) -> dict[str, object]:
    try:
        data = read_file_limited(path, max_bytes=MAX_PARAMS_BYTES)
    except AtlasError as exc:
        raise error(str(exc)) from None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None


def load_params(
    path: Path | str | None = None,
    *,
    atlas_dir: Path | None = None,
    source_ids: Iterable[str] | None = None,
) -> CostParams:
    """Read and validate a full parameter file.

    Parameters
    ----------
    path : path, optional
        The file (default: :func:`default_params_path`).
    atlas_dir : path, optional
        The atlas folder whose ``costs.toml`` is the default.
    source_ids : iterable of str, optional
        The atlas's source ids: when given, every ``source`` must be one of them or
        ``"assumption"``.

    Returns
    -------
    CostParams

    Raises
    ------
    AtlasError
        One line naming the file and the parameter: unreadable, not TOML, an unknown or
        missing parameter or field, a value that is not a number, negative, or outside
        ``low``..``high``, an unknown source.
    """
    file = Path(path) if path is not None else default_params_path(atlas_dir)
    doc = _read_toml(file, AtlasError)
    known = None if source_ids is None else set(source_ids)
    found: dict[str, Parameter] = {}
    for group, table in doc.items():
        if group not in PARAMETERS:
            raise AtlasError(f"{file}: unknown parameter group '{group}'; {_known()}")
        if not isinstance(table, dict):
            raise AtlasError(f"{file}: '{group}' must be a table of parameters")
        for name, entry in table.items():
            full = f"{group}.{name}"
            if name not in PARAMETERS[group]:
                raise AtlasError(f"{file}: unknown parameter '{full}'; {_known()}")
            found[full] = _parameter(file, full, entry, known)
    for group, names in PARAMETERS.items():
        for name in names:
            if f"{group}.{name}" not in found:
                raise AtlasError(f"{file}: parameter '{group}.{name}' is missing")
    return CostParams(found, str(file))


def _parameter(file: Path, full: str, entry: object, known: set[str] | None) -> Parameter:
    where = f"{file}: {full}"
    if not isinstance(entry, dict):
        raise AtlasError(f"{where} must be a table with value, low, high, unit and source")
    for field in entry:
        if field not in _FIELDS:
            raise AtlasError(f"{where}: unknown field '{field}'; use {', '.join(sorted(_FIELDS))}")
    for field in _REQUIRED:
        if field not in entry:
            raise AtlasError(f"{where}: field '{field}' is missing")
    numbers = {}
    for field in ("value", "low", "high"):
        numbers[field] = _number(entry[field], f"{where}.{field}", AtlasError)
        _check_sign(full, numbers[field], f"{where}.{field}", AtlasError)
    if not numbers["low"] <= numbers["value"] <= numbers["high"]:
        raise AtlasError(f"{where}: value must lie within low..high")
    for field in ("unit", "source", "note"):
        if field in entry and not isinstance(entry[field], str):
            raise AtlasError(f"{where}.{field} must be a string")
    source = str(entry["source"])
    if known is not None and source != "assumption" and source not in known:
        raise AtlasError(f"{where}: unknown source '{source}' (not in sources.json)")
    return Parameter(
        full,
        numbers["value"],
        numbers["low"],
        numbers["high"],
        str(entry["unit"]),
        source,
        str(entry.get("note", "")),
    )


def read_overrides(path: Path | str) -> dict[str, float]:
    """The values of a user's override file: ``[group] name = NUMBER`` or ``[group.name]
    value = NUMBER`` (other fields of such a table are ignored).

    Raises
    ------
    UsageError
        One line naming the file: unreadable, not TOML, an unknown parameter, a value that is
        not a number or is negative.
    """
    file = Path(path)
    doc = _read_toml(file, UsageError)
    values: dict[str, float] = {}
    for group, table in doc.items():
        if group not in PARAMETERS or not isinstance(table, dict):
            raise UsageError(f"{file}: unknown parameter group '{group}'; {_known()}")
        for name, entry in table.items():
            full = f"{group}.{name}"
            if name not in PARAMETERS[group]:
                raise UsageError(f"{file}: unknown parameter '{full}'; {_known()}")
            if isinstance(entry, dict):
                if "value" not in entry:
                    raise UsageError(f"{file}: {full}: field 'value' is missing")
                entry = entry["value"]
            number = _number(entry, f"{file}: {full}", UsageError)
            _check_sign(full, number, f"{file}: {full}", UsageError)
            values[full] = number
    return values


def parse_assignments(items: Iterable[str]) -> dict[str, float]:
    """``["group.name=NUMBER", ...]`` as a mapping (the command line's ``--set``).

    Raises
    ------
    UsageError
        An item is not ``NAME=NUMBER``.
    """
    values: dict[str, float] = {}
    for item in items:
        name, equals, number = item.partition("=")
        try:
            if not equals:
                raise ValueError(item)
            values[name.strip()] = float(number)
        except ValueError:
            raise UsageError(
                f"`params` '{item}': write GROUP.NAME=NUMBER, e.g. sea_supramax.usd_per_tkm=0.002"
            ) from None
    return values


def resolve_params(
    *,
    atlas_dir: Path | None = None,
    params_file: Path | str | None = None,
    assignments: Iterable[str] = (),
    source_ids: Iterable[str] | None = None,
) -> CostParams:
    """The defaults, then a user's file, then ``group.name=NUMBER`` assignments.

    Raises
    ------
    AtlasError
        The default file is invalid (its sources are checked against ``source_ids`` when it
        is the atlas's own ``costs.toml``, not the bundled one used in its absence).
    UsageError
        The user's file or an assignment is invalid.
    """
    path = default_params_path(atlas_dir)
    own = path.parent.resolve() == _resolved_atlas(atlas_dir)
    # The bundled file's sources are the bundled atlas's: check them only against its own atlas.
    params = load_params(path, source_ids=source_ids if own else None)
    if params_file is not None:
        params = params.with_values(read_overrides(params_file), origin=str(params_file))
    given = parse_assignments(assignments)
    return params.with_values(given) if given else params


__all__ = [
    "PARAMETERS",
    "VESSELS",
    "CostParams",
    "Parameter",
    "default_params_path",
    "load_params",
    "parse_assignments",
    "read_overrides",
    "resolve_params",
]
