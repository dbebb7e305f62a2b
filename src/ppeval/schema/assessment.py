"""Assessment data: measured values and ratings of each project, held column-wise.

An assessment is not one pydantic object per rating (200,000 ratings must load
in seconds): :class:`Assessment` is a frozen dataclass of read-only numpy
arrays. ``values`` is a projects x leaf-indicators matrix (``nan`` where a
value is missing or the indicator is qualitative); :class:`Ratings` holds the
qualitative ratings in long form, one entry per (project, indicator, rater),
with the rating already mapped to its scale value (``nan`` = missing answer).
Files are read by :func:`ppeval.io.load_assessment`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from ppeval._typing import BoolArray, FloatArray, IntArray
from ppeval.errors import DataError, InputError
from ppeval.schema._base import FrozenModel, Names, NonNegative, Text

__all__ = ["ProjectInfo", "Ratings", "Assessment", "SourceInfo"]

StrArray = npt.NDArray[np.str_]


class ProjectInfo(FrozenModel):
    """Metadata of one evaluated project (only ``id`` is required; ``names`` holds the name per language)."""

    id: Text
    name: Text | None = None
    names: Names | None = None
    organisation: Text | None = None
    contract_value: NonNegative | None = None
    period: Text | None = None


def _frozen(arr: Any, dtype: Any, name: str, ndim: int) -> np.ndarray:
    """Return ``arr`` as a read-only array of ``dtype``; copy a writeable input so callers keep theirs."""
    out = np.asarray(arr, dtype=dtype)
    if out.ndim != ndim:
        raise InputError(f"{name} must be {ndim}-D; got shape {out.shape}")
    if out.flags.writeable:
        out = out.copy() if out is arr or out.base is not None else out
        out.setflags(write=False)
    return out


@dataclass(frozen=True)
class SourceInfo:
    """How one table of an assessment was read: recorded for the provenance, never hashed.

    The assessment's content (and so its hash) does not depend on any of these:
    the same table as UTF-8 or GBK CSV, comma or semicolon separated, or as an
    ``.xlsx`` sheet, gives the same :class:`Assessment` apart from this record.

    Attributes
    ----------
    name : str
        The table's entry in :attr:`Assessment.sources` (file name, ``book.xlsx[values]``
        for a sheet, ``values DataFrame`` for a frame).
    format : str
        ``csv``, ``xlsx``, ``json``, ``yaml``, ``toml``, ``questionnaire-csv``,
        ``questionnaire-xlsx``, ``pandas`` or ``polars``.
    kind : str
        ``values``, ``ratings`` or ``projects``.
    encoding : str or None
        Text encoding of a CSV file (``utf-8``, ``utf-8-sig`` for UTF-8 with a
        byte-order mark, ``gb18030`` for GBK/GB18030, ``utf-16``, ...); ``None``
        for binary formats and frames.
    delimiter : str or None
        Field separator of a CSV file (``,``, ``;`` or a tab).
    sheet : str or None
        Worksheet of an ``.xlsx`` file.
    detected : bool or None
        ``True`` if the encoding and separator were detected, ``False`` if the
        caller gave them (``encoding=`` / ``delimiter=``).
    """

    name: str
    format: str
    kind: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    detected: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """The record as a JSON-ready dict (``None`` fields left out)."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


def _read_only_state(state: dict[str, Any]) -> dict[str, Any]:
    """An unpickled object's state with its arrays read-only again (pickle does not keep the flag)."""
    out = dict(state)
    for value in out.values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
    return out


class _CodedText:
    """A text column given as sorted distinct names and a code per entry (``names[codes]``), private to
    :func:`ppeval.load_assessment`: :class:`Ratings` keeps it and builds the string array on first read.

    ``names`` are strictly increasing (numpy's string order) and every one of them occurs in ``codes``
    (the provenance relies on both: the distinct ids of the loader's rows).
    """

    __slots__ = ("names", "codes")

    def __init__(self, names: StrArray, codes: npt.NDArray[Any]) -> None:
        self.names, self.codes = names, codes


class _IdOnlyProjects(tuple):  # type: ignore[type-arg]
    """Marker given as ``Assessment(projects=...)`` by :func:`ppeval.load_assessment` alone: every project is
    its id alone (no projects table), so the :class:`ProjectInfo` records are built when first read."""

    __slots__ = ()


#: The marker (an empty tuple of its own type).
_ID_ONLY_PROJECTS: tuple[ProjectInfo, ...] = _IdOnlyProjects()


def _id_projects(ids: tuple[str, ...]) -> tuple[ProjectInfo, ...]:
    """``ProjectInfo(id=p)`` for each id, for the stripped non-empty ids the loader found (valid ``Text``).

    Validation leaves such an id as it is and sets the other fields to ``None``: each model is built as
    validation builds it (the same fields, the same fields-set ``{'id'}``, equal and of equal hash) without
    validating the records one by one. Ids that are not valid Unicode (the loader refuses them first) are
    validated.
    """
    import gc

    try:
        "".join(ids).encode("utf-8")
    except UnicodeEncodeError:
        return tuple(ProjectInfo(id=p) for p in ids)
    template = ProjectInfo(id="x")
    base, extra, private = dict(template.__dict__), template.__pydantic_extra__, template.__pydantic_private__
    cls, put, out = ProjectInfo, object.__setattr__, []
    enabled = gc.isenabled()
    gc.disable()  # a dict, a set and a model per project, no cycles: collections would rescan them
    try:
        for p in ids:
            o = cls.__new__(cls)
            fields = base.copy()
            fields["id"] = p
            put(o, "__dict__", fields)
            put(o, "__pydantic_fields_set__", {"id"})
            put(o, "__pydantic_extra__", extra)
            put(o, "__pydantic_private__", private)
            out.append(o)
    finally:
        if enabled:
            gc.enable()
    return tuple(out)


@dataclass(frozen=True, eq=False)
class Ratings:
    """Qualitative ratings in long form (one entry per project, indicator and rater).

    Attributes
    ----------
    project : ndarray of int64, shape (n,)
        Index into :attr:`Assessment.project_ids`.
    indicator : ndarray of int64, shape (n,)
        Index into :attr:`Assessment.indicator_ids` (the system's leaf order).
    rater : ndarray of str, shape (n,)
        Rater id.
    group : ndarray of str, shape (n,)
        Rater group (e.g. ``resident``, ``expert``, ``government``, ``service_user``).
    value : ndarray of float64, shape (n,)
        The rating as its scale value; ``nan`` marks a missing answer.
    line : ndarray of int64, shape (n,)
        1-based line (CSV) or record number of the rating in its file, for messages.
    file : ndarray of int64, shape (n,)
        Index into :attr:`Assessment.sources`.
    """

    project: IntArray
    indicator: IntArray
    rater: StrArray
    group: StrArray
    value: FloatArray
    line: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    file: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __post_init__(self) -> None:
        n = np.shape(self.project)[0] if np.ndim(self.project) == 1 else -1
        for name, dtype in (
            ("project", np.int64),
            ("indicator", np.int64),
            ("rater", np.str_),
            ("group", np.str_),
            ("value", np.float64),
            ("line", np.int64),
            ("file", np.int64),
        ):
            raw = self.__dict__[name]
            if isinstance(raw, _CodedText):  # (the loader's names + codes: the strings are built when read)
                names, codes = np.asarray(raw.names), np.asarray(raw.codes)
                if names.ndim != 1 or names.dtype.kind != "U" or codes.shape != (n,) or codes.dtype.kind not in "iu":
                    raise InputError(f"ratings.{name}: coded text needs 1-D names and one integer code per rating")
                for a in (names, codes):
                    a.setflags(write=False)
                del self.__dict__[name]
                object.__setattr__(self, f"_coded_{name}", (names, codes))
                continue
            if name in ("line", "file") and np.size(raw) == 0 and n > 0:
                raw = np.zeros(n, dtype=np.int64)
            arr = _frozen(raw, dtype, f"ratings.{name}", 1)
            if arr.shape[0] != n:
                raise InputError(f"ratings.{name} has {arr.shape[0]} entries; ratings.project has {n}")
            object.__setattr__(self, name, arr)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(_read_only_state(state))
        for key in ("_coded_rater", "_coded_group"):
            for a in self.__dict__.get(key, ()):
                a.setflags(write=False)

    def __getattr__(self, name: str) -> Any:
        # ``rater`` / ``group`` handed over by the loader as names + codes: the string array is built on the
        # first read and kept (the same read-only array on every read, as for a column given as strings);
        # the names + codes are then dropped (no memory held twice)
        if name in ("rater", "group"):
            coded = self.__dict__.get(f"_coded_{name}")
            if coded is not None:
                names, codes = coded
                arr = names.take(codes)
                arr.setflags(write=False)
                object.__setattr__(self, name, arr)
                self.__dict__.pop(f"_coded_{name}", None)
                return arr
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __len__(self) -> int:
        return int(self.project.shape[0])

    @property
    def missing(self) -> BoolArray:
        """``True`` where the rater gave no answer."""
        return np.isnan(self.value)

    @classmethod
    def empty(cls) -> Ratings:
        """No ratings."""
        z = np.zeros(0, dtype=np.int64)
        s = np.zeros(0, dtype=np.str_)
        return cls(z, z, s, s, np.zeros(0), z, z)


@dataclass(frozen=True, eq=False)
class Assessment:
    """Measured values and ratings of a set of projects for one indicator system.

    Attributes
    ----------
    system_id : str
        Id of the indicator system the assessment was checked against.
    project_ids : tuple of str
        Project ids. :func:`ppeval.io.load_assessment` puts them in the
        canonical order (sorted by Unicode code point; the order of rows in a
        file is not data); the project list itself comes from the defining file (projects file, else
        values file, else first appearance in the ratings).
    projects : tuple of ProjectInfo
        Metadata per project, same order.
    indicator_ids : tuple of str
        The system's leaf ids in leaf order: the columns of ``values``.
    values : ndarray of float64, shape (n_projects, n_indicators)
        Quantitative values; ``nan`` where missing or where the indicator is
        qualitative (its evidence is in ``ratings``).
    missing : ndarray of bool, shape (n_projects, n_indicators)
        ``True`` for a quantitative cell without a value (imputed later by the
        system's ``evaluation.missing`` policy; ``reject`` never lets one through).
    ratings : Ratings
        Qualitative ratings in long form.
    sources : tuple of str
        Names of the files (or frames) the data came from, one per table read.
    cell_source : ndarray of int64 or None, shape (n_projects, n_indicators)
        Index into ``sources`` of the table that gave each value (-1: none);
        ``None`` when not known (an assessment built in code, or one copied
        with a different shape). Used by the provenance to say which file changed.
    info_source : int
        Index into ``sources`` of the projects table (-1: none).
    notes : mapping
        Evidence / deviation notes (偏差原因分析), ``{(project id, indicator id): text}``;
        indicator ``""`` for a note on the whole project. Read from the
        optional ``note:<indicator id>`` and ``note`` columns of a values
        table; shown in scoring sheets, not used in scores (nor hashed).
    source_info : tuple of SourceInfo
        How each source was read (format, detected encoding and separator,
        sheet), one per entry of ``sources``; empty for an assessment built by
        hand. Not part of the content: the provenance records it beside the hash.
    missing_policy : str or None
        The ``missing=`` policy the assessment was loaded with when it was given
        explicitly (None: the system's ``evaluation.missing``). ``evaluate``
        imputes by the system's policy; where the two differ and cells are
        missing, it raises an ``InputError`` instead of silently using the
        system's.
    """

    system_id: str
    project_ids: tuple[str, ...]
    projects: tuple[ProjectInfo, ...]
    indicator_ids: tuple[str, ...]
    values: FloatArray
    missing: BoolArray
    ratings: Ratings
    sources: tuple[str, ...] = ()
    cell_source: IntArray | None = None
    info_source: int = -1
    notes: Mapping[tuple[str, str], str] = field(default_factory=dict)
    source_info: tuple[SourceInfo, ...] = ()
    missing_policy: str | None = None

    def __post_init__(self) -> None:
        if self.source_info and len(self.source_info) != len(self.sources):
            raise InputError(
                f"source_info has {len(self.source_info)} entries for {len(self.sources)} sources; give one per source"
            )
        n, m = len(self.project_ids), len(self.indicator_ids)
        values = _frozen(self.values, np.float64, "values", 2)
        missing = _frozen(self.missing, np.bool_, "missing", 2)
        for name, arr in (("values", values), ("missing", missing)):
            if arr.shape != (n, m):
                raise InputError(
                    f"{name} has shape {arr.shape}; expected ({n}, {m}) = (projects, indicators)"
                )
        if np.isinf(values).any():
            raise InputError("values hold inf; values must be finite or nan (missing)")
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "missing", missing)
        if self.cell_source is not None:
            src = np.asarray(self.cell_source)
            # advisory only (messages): a copy made with other projects (dataclasses.replace) drops it
            ok = src.shape == (n, m) and src.dtype.kind in "iu"
            object.__setattr__(self, "cell_source", _frozen(src, np.int64, "cell_source", 2) if ok else None)
        if len(set(self.project_ids)) != n:
            raise DataError("project ids are not unique")
        from operator import attrgetter

        if type(self.__dict__["projects"]) is _IdOnlyProjects:
            # the loader's marker: every project is its id alone, built when first read (``projects``)
            del self.__dict__["projects"]
            object.__setattr__(self, "_ids_only", True)
        elif tuple(map(attrgetter("id"), self.projects)) != self.project_ids:
            raise InputError("projects must hold one ProjectInfo per project id, in the same order")
        r = self.ratings
        if len(r) and (r.project.min() < 0 or r.project.max() >= n):
            raise InputError("ratings.project holds an index outside the project list")
        if len(r) and (r.indicator.min() < 0 or r.indicator.max() >= m):
            raise InputError("ratings.indicator holds an index outside the indicator list")
        notes = dict(self.notes)
        known_p = set(self.project_ids) if notes else frozenset()  # (a tuple's `in` would be O(n) per note)
        known_i = set(self.indicator_ids) if notes else frozenset()
        for key, text in notes.items():
            if (not isinstance(key, tuple) or len(key) != 2 or key[0] not in known_p
                    or (key[1] != "" and key[1] not in known_i) or not isinstance(text, str)):
                raise InputError(f"notes[{key!r}]: keys must be (project id, indicator id or ''), values text")
        object.__setattr__(self, "notes", MappingProxyType(notes))

    def __getstate__(self) -> dict[str, Any]:
        # the read-only notes mapping (MappingProxyType) does not pickle: store a dict, wrap it again on load
        state = dict(self.__dict__)
        state["notes"] = dict(self.notes)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = _read_only_state(state)
        state["notes"] = MappingProxyType(dict(state.get("notes", {})))
        self.__dict__.update(state)

    def __getattr__(self, name: str) -> Any:
        # ``projects`` of an assessment loaded without a projects table: built on the first read and kept
        if name == "projects" and self.__dict__.get("_ids_only") and "project_ids" in self.__dict__:
            projects = _id_projects(self.__dict__["project_ids"])
            object.__setattr__(self, "projects", projects)
            return projects
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def n_projects(self) -> int:
        """Number of projects."""
        return len(self.project_ids)

    def project_index(self, project_id: str) -> int:
        """Row of a project (:class:`InputError` if unknown)."""
        try:
            return self.project_ids.index(project_id)
        except ValueError:
            raise InputError(f"no project {project_id!r} in this assessment") from None

    def column(self, indicator_id: str) -> FloatArray:
        """The values column of one indicator (read-only view)."""
        try:
            j = self.indicator_ids.index(indicator_id)
        except ValueError:
            raise InputError(f"no indicator {indicator_id!r} in this assessment") from None
        return self.values[:, j]

    def missing_cells(self) -> tuple[tuple[str, str], ...]:
        """``(project id, indicator id)`` of every missing quantitative cell."""
        rows, cols = np.nonzero(self.missing)
        return tuple((self.project_ids[i], self.indicator_ids[j]) for i, j in zip(rows, cols, strict=True))

    def rating_counts(self) -> tuple[IntArray, IntArray]:
        """Per (project, indicator): number of answered ratings and of missing answers.

        Returns
        -------
        answered, missing : ndarray of int64, shape (n_projects, n_indicators)
        """
        n, m = len(self.project_ids), len(self.indicator_ids)
        r = self.ratings
        cell = r.project * m + r.indicator
        miss = r.missing
        answered = np.bincount(cell[~miss], minlength=n * m).reshape(n, m)
        unanswered = np.bincount(cell[miss], minlength=n * m).reshape(n, m)
        return answered.astype(np.int64), unanswered.astype(np.int64)
