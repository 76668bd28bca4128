"""A file of named columns that can be read without running code, and memory-mapped later.

Why: the network cache used to be a pickle, and unpickling a file runs whatever code it names;
one planted file in the cache folder ran code on the next ``corridors route``, and one flipped
byte was a traceback on every command. This format holds only numbers and JSON: reading it
parses, it never executes.

Layout (all integers little-endian)::

    offset  size
         0     8  magic b"\\x89CORCOL\\n" (a pickle, a text file or a truncated file never match)
         8     4  format version (u32); the caller says which version it can read
        12     4  header length H (u32)
        16     8  total file length (u64): a truncated or extended file is caught first
        24    32  BLAKE2b-256 of bytes 0-24 and 56-end (catches any flipped byte); or, in a
                  file whose sections carry digests of their own (written with
                  ``checksum=False``), of bytes 0-24 and 56 up to the first section
        56     H  header: UTF-8 JSON {"meta": {...}, "sections": {name: {...}, ...}}
                  then zero padding up to the first section
                  sections, each starting at a multiple of 64 bytes

Each section entry gives ``dtype``, ``offset`` (from the start of the file) and ``nbytes``; an
array section also gives ``shape``. Array dtypes are numpy spellings with an explicit byte
order, only ``<i4``, ``<i8``, ``<f8`` and ``|u1`` (bytes; no object dtype exists here);
dtype ``json`` is one UTF-8 JSON document. Because every array starts at a 64-byte aligned offset,
``np.memmap(path, dtype, mode="r", offset=offset, shape=shape)`` (or ``np.frombuffer`` over an
``mmap``) reads it in place without copying; this module itself reads with :mod:`array` so
that loading a small network never imports numpy.

Reading refuses anything that is not a regular file before reading a byte of it (no symlink is
followed, a FIFO or device is never opened for reading data) and anything larger than the
caller's limit. Writing is atomic: a temporary file in the same folder, fsynced, then
``os.replace``.
"""

from __future__ import annotations

import hashlib
import json
import struct
import sys
from array import array
from typing import Any, NamedTuple

from corridors._io.files import read_regular_file, write_atomically
from corridors.errors import ColumnFileError

MAGIC = b"\x89CORCOL\n"
ALIGN = 64
_PREAMBLE = struct.Struct("<8sIIQ32s")  # magic, version, header length, file length, digest
_CHECKED = 24  # bytes of the preamble covered by the digest (all but the digest itself)
# dtype -> array typecode (itemsizes checked below: 'i' is 4 bytes on every CPython platform).
_TYPECODES = {"<i4": "i", "<i8": "q", "<f8": "d", "|u1": "B"}
_ITEMSIZE = {"<i4": 4, "<i8": 8, "<f8": 8, "|u1": 1}
_NATIVE_LITTLE = sys.byteorder == "little"


class RawJSON(bytes):
    """A JSON section's text, already encoded as :func:`encode` would encode it (ASCII, no
    spaces, no NaN): large sections assembled from rows encoded once for two files."""


class RawJSONParts(list[bytes]):
    """A JSON section's text as :class:`RawJSON`, in pieces written one after another (a
    large section is never copied into one bytes object)."""


class _Section(NamedTuple):  # a tuple: a frozen dataclass took 0.5 ms to create at start
    dtype: str
    offset: int
    nbytes: int
    shape: tuple[int, ...] | None


class ColumnFile:
    """A column file read into memory and verified: :attr:`meta` plus named sections."""

    def __init__(
        self,
        data: bytes | bytearray | memoryview,
        meta: dict[str, Any],
        sections: dict[str, _Section],
    ) -> None:
        self._data = memoryview(data)
        self.meta = meta
        self._sections = sections

    @property
    def names(self) -> set[str]:
        """The names of all sections."""
        return set(self._sections)

    def _section(self, name: str, dtype: str) -> _Section:
        section = self._sections.get(name)
        if section is None:
            raise ColumnFileError(f"section '{name}' is missing")
        if section.dtype != dtype:
            raise ColumnFileError(f"section '{name}' is {section.dtype}, expected {dtype}")
        return section

    def array(self, name: str, dtype: str) -> array[Any]:
        """The one-dimensional array section ``name``, which must have ``dtype``.

        Parameters
        ----------
        name : str
            Section name.
        dtype : str
            ``"<i4"``, ``"<i8"`` or ``"<f8"``.

        Returns
        -------
        array.array
            A copy in native byte order (typecode ``i``, ``q`` or ``d``).

        Raises
        ------
        ColumnFileError
            If the section is missing, has another dtype or is not one-dimensional.
        """
        section = self._section(name, dtype)
        if section.shape is None or len(section.shape) != 1:
            raise ColumnFileError(f"section '{name}' is not one-dimensional")
        out = array(_TYPECODES[dtype])
        out.frombytes(self._data[section.offset : section.offset + section.nbytes])
        if not _NATIVE_LITTLE:
            out.byteswap()
        return out

    def ndarray(self, name: str, dtype: str) -> Any:
        """The one-dimensional array section ``name`` as a read-only numpy array over the
        file's bytes, not a copy (over a memory-mapped file: nothing is read until used).

        Raises
        ------
        ColumnFileError
            If the section is missing, has another dtype or is not one-dimensional.
        """
        import numpy as np

        return np.frombuffer(self.section_bytes(name, dtype), dtype=np.dtype(dtype))

    def section_bytes(self, name: str, dtype: str) -> memoryview:
        """The bytes of the one-dimensional section ``name`` (of ``dtype``), not a copy.

        Raises
        ------
        ColumnFileError
            If the section is missing, has another dtype or is not one-dimensional.
        """
        section = self._section(name, dtype)
        if section.shape is None or len(section.shape) != 1:
            raise ColumnFileError(f"section '{name}' is not one-dimensional")
        return self._data[section.offset : section.offset + section.nbytes]

    def json(self, name: str) -> Any:
        """The JSON section ``name``, parsed (``NaN`` and ``Infinity`` are refused).

        Raises
        ------
        ColumnFileError
            If the section is missing, not JSON, or not valid JSON.
        """
        section = self._section(name, "json")
        text = self._data[section.offset : section.offset + section.nbytes]
        try:
            return json.loads(bytes(text), parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise ColumnFileError(f"section '{name}' is not valid JSON ({exc})") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _align(offset: int) -> int:
    return -(-offset // ALIGN) * ALIGN


def _dtype_of(values: array[Any]) -> str:
    for dtype, typecode in _TYPECODES.items():
        if values.typecode == typecode and values.itemsize == _ITEMSIZE[dtype]:
            return dtype
    raise TypeError(f"array typecode {values.typecode!r} cannot be stored")


def encode(
    *, version: int, meta: dict[str, Any], sections: dict[str, Any], checksum: bool = True
) -> list[bytes]:
    """The bytes of a column file, as chunks to write one after another.

    ``checksum=False``: the preamble's digest covers the preamble and the header only, not the
    sections, for a file whose header carries digests of the sections (the route file,
    :mod:`corridors.network.routefile`); it is read with ``decode(..., checksum=False)``.

    Parameters
    ----------
    version : int
        Format version written into the preamble.
    meta : dict
        JSON-serialisable header data (keys and versions the reader checks).
    sections : dict
        Name to value: an ``array.array`` of typecode ``i``, ``q`` or ``d``, or a
        one-dimensional contiguous numpy array of dtype ``<i4``, ``<i8``, ``<f8`` or ``|u1``
        (written from its buffer, not copied), becomes an array section; :class:`RawJSON` or
        :class:`RawJSONParts` a JSON section as given; anything else a JSON section.

    Raises
    ------
    ValueError, TypeError, RecursionError
        If a value cannot be serialised (e.g. NaN in a JSON section, nesting too deep).
    """
    payloads: list[tuple[str, str, list[Any], int, tuple[int, ...] | None]] = []
    for name, value in sections.items():
        if isinstance(value, RawJSON):
            payloads.append((name, "json", [value], len(value), None))
        elif isinstance(value, RawJSONParts):
            payloads.append((name, "json", list(value), sum(map(len, value)), None))
        elif isinstance(value, array):
            dtype = _dtype_of(value)
            if not _NATIVE_LITTLE:
                value = array(value.typecode, value)
                value.byteswap()
            data = memoryview(value).cast("B")
            payloads.append((name, dtype, [data], len(data), (len(value),)))
        elif _is_ndarray(value):
            data = memoryview(value).cast("B")
            payloads.append((name, value.dtype.str, [data], len(data), (len(value),)))
        else:
            text = json.dumps(value, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
            raw = text.encode("ascii")
            payloads.append((name, "json", [raw], len(raw), None))
    start = ALIGN
    while True:  # the offsets are in the header, which comes before them: find a fixed point
        table: dict[str, dict[str, Any]] = {}
        offset = start
        for name, dtype, _, nbytes, shape in payloads:
            entry: dict[str, Any] = {"dtype": dtype, "offset": offset, "nbytes": nbytes}
            if shape is not None:
                entry["shape"] = list(shape)
            table[name] = entry
            offset = _align(offset + nbytes)
        header = json.dumps(
            {"meta": meta, "sections": table}, ensure_ascii=True, allow_nan=False
        ).encode("ascii")
        needed = _align(_PREAMBLE.size + len(header))
        if needed <= start:
            break
        start = needed
    body: list[Any] = [header, bytes(start - _PREAMBLE.size - len(header))]
    position = start
    for _, _, parts, nbytes, _ in payloads:
        body += parts
        position += nbytes
        padding = _align(position) - position
        body.append(bytes(padding))
        position += padding
    head = struct.pack("<8sIIQ", MAGIC, version, len(header), position)
    digest = hashlib.blake2b(head, digest_size=32)
    if checksum:
        for chunk in body:
            digest.update(chunk)
    else:  # the header and its padding up to the first aligned offset, as decode reads them
        digest.update(header)
        digest.update(bytes(_align(_PREAMBLE.size + len(header)) - _PREAMBLE.size - len(header)))
    return [head + digest.digest(), *body]


def _is_ndarray(value: Any) -> bool:
    """Whether ``value`` is a one-dimensional C-contiguous numpy array of a storable dtype
    (without importing numpy: a caller that has none passes none)."""
    dtype = getattr(value, "dtype", None)
    if dtype is None or type(value).__module__ != "numpy":
        return False
    if getattr(dtype, "str", None) not in _ITEMSIZE or value.ndim != 1:
        raise TypeError(
            f"a numpy array of dtype {dtype} and {value.ndim} dimensions cannot be stored"
        )
    if not value.flags.c_contiguous:
        raise TypeError("a numpy array that is not contiguous cannot be stored")
    return True


def decode(
    data: bytes | bytearray | memoryview, *, version: int, checksum: bool = True
) -> ColumnFile:
    """Verify and index the bytes of a column file (see the module docstring for the checks).

    ``checksum=False`` checks the digest of the preamble and header only (a file written
    with ``encode(..., checksum=False)``), not of the sections: only for a caller that
    verifies every byte of them it reads by digests of its own (the route file,
    :mod:`corridors.network.routefile`, verifies each piece of each section it touches).

    Raises
    ------
    ColumnFileError
        If the magic, version, length, checksum or section table is wrong.
    """
    if not data:
        raise ColumnFileError("empty")
    if not MAGIC.startswith(bytes(data[: len(MAGIC)])):
        raise ColumnFileError("not a corridors cache file (wrong magic bytes)")
    if len(data) < _PREAMBLE.size:
        raise ColumnFileError(f"truncated ({len(data)} bytes)")
    _, found, header_length, total, digest = _PREAMBLE.unpack_from(data)
    if found != version:
        raise ColumnFileError(f"cache format {found}, this version reads format {version}")
    if total != len(data):
        raise ColumnFileError(f"truncated or extended ({len(data)} bytes, header says {total})")
    view = memoryview(data)
    end = _PREAMBLE.size + header_length
    check = hashlib.blake2b(view[:_CHECKED], digest_size=32)
    check.update(view[_PREAMBLE.size :] if checksum else view[_PREAMBLE.size : _align(end)])
    if check.digest() != digest:
        raise ColumnFileError("checksum mismatch (corrupted)")
    try:
        header = json.loads(bytes(view[_PREAMBLE.size : end]), parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise ColumnFileError("unreadable header") from None
    if not isinstance(header, dict) or not isinstance(header.get("meta"), dict):
        raise ColumnFileError("unreadable header")
    sections = _section_table(header.get("sections"), first=_align(end), size=len(data))
    return ColumnFile(data, header["meta"], sections)


def _section_table(raw: Any, *, first: int, size: int) -> dict[str, _Section]:
    """Check every section entry: known dtype, aligned, inside the file, sized by its shape."""
    if not isinstance(raw, dict):
        raise ColumnFileError("unreadable section table")
    sections: dict[str, _Section] = {}
    for name, entry in raw.items():
        if not isinstance(entry, dict):
            raise ColumnFileError(f"section '{name}': unreadable entry")
        dtype, offset, nbytes = entry.get("dtype"), _count(entry, "offset"), _count(entry, "nbytes")
        if offset is None or nbytes is None or dtype not in (*_TYPECODES, "json"):
            raise ColumnFileError(f"section '{name}': unreadable entry")
        if offset < first or offset % ALIGN or offset + nbytes > size:
            raise ColumnFileError(f"section '{name}': outside the file or not aligned")
        shape: tuple[int, ...] | None = None
        if dtype != "json":
            dims = entry.get("shape")
            if not isinstance(dims, list) or not dims or not all(_is_count(d) for d in dims):
                raise ColumnFileError(f"section '{name}': unreadable shape")
            shape = tuple(dims)
            count = 1
            for dim in shape:
                count *= dim
            if count * _ITEMSIZE[dtype] != nbytes:
                raise ColumnFileError(f"section '{name}': shape does not match its size")
        sections[name] = _Section(dtype, offset, nbytes, shape)
    return sections


def _is_count(value: Any) -> bool:
    return type(value) is int and value >= 0


def _count(entry: dict[str, Any], key: str) -> int | None:
    value = entry.get(key)
    return value if _is_count(value) else None


__all__ = [
    "ColumnFile",
    "ColumnFileError",
    "RawJSON",
    "RawJSONParts",
    "decode",
    "encode",
    "read_regular_file",
    "write_atomically",
]
