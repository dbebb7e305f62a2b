"""The result of :func:`ppeval.evaluate`: scores, grades, ranks, explanations, provenance.

Every array is read-only; :meth:`EvaluationResult.to_json` writes canonical
JSON (sorted keys, exact floats: ``from_json(to_json(r)) == r`` bit for bit)
and :meth:`EvaluationResult.from_json` reads it back.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import numpy as np

from ppeval._checks import readonly
from ppeval._serialize import dumps, dumps_fast, loads_fast, to_jsonable
from ppeval._typing import FloatArray, IntArray
from ppeval.errors import InputError

__all__ = [
    "Diagnostic",
    "NodeWeights",
    "QualitativeSummary",
    "ReliabilityStat",
    "Provenance",
    "EvaluationResult",
    "RESULT_FORMAT",
    "Deferred",
    "replace_fields",
]

#: Format tag written into every result JSON.
RESULT_FORMAT = "ppeval.EvaluationResult/1"

Severity = Literal["info", "warning", "error"]
_T = TypeVar("_T")


class Deferred:
    """A field value computed on first access: ``func(*args)``, then kept.

    :func:`ppeval.evaluate` leaves the fields that are exact functions of
    other fields (shortfalls, obstacle degrees, contributions, the
    fingerprint maps) deferred, so a result of a million projects does not
    hold several ``(n, m)`` arrays nobody reads. Reading the attribute gives
    the same value, bit for bit, that the eager formula gave; ``to_json``
    writes it without keeping it. ``func`` is a module-level function, so a
    result with deferred fields pickles.
    """

    __slots__ = ("func", "args")

    def __init__(self, func: Any, *args: Any) -> None:
        self.func = func
        self.args = args

    def __call__(self) -> Any:
        # an argument that is itself deferred (the normalised values several fields derive from) is computed first
        return self.func(*(a() if isinstance(a, Deferred) else a for a in self.args))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.func, *self.args))


class SharedDeferred(Deferred):
    """A :class:`Deferred` that keeps its value once computed: a field other deferred fields derive from
    (computed once whichever is read first)."""

    __slots__ = ("value",)
    value: Any

    def __call__(self) -> Any:
        try:
            return self.value
        except AttributeError:
            self.value = super().__call__()
            return self.value


def deferred(func: Any, *args: Any) -> Any:
    """A :class:`Deferred` typed as ``Any``, to pass as a field value."""
    return Deferred(func, *args)


def deferred_shared(func: Any, *args: Any) -> Any:
    """A :class:`SharedDeferred` typed as ``Any``, to pass as a field value and as an argument of others."""
    return SharedDeferred(func, *args)


class _DeferrableField:
    """Data descriptor of a frozen dataclass field that accepts a :class:`Deferred` value.

    A dataclass's ``__init__`` sets each field with ``object.__setattr__``,
    which calls a data descriptor's ``__set__``: the value (deferred or not)
    goes into the instance's ``__dict__`` under the field's name, and the
    first read of a deferred value computes it and replaces it there.
    ``dataclasses.fields``, the constructor's signature and defaults, and
    ``frozen`` (assignment still raises) are unchanged.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name]
        if isinstance(value, Deferred):
            value = value()
            obj.__dict__[self.name] = value
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.name] = value


def _deferrable(cls: Any, *names: str) -> None:
    for name in names:
        setattr(cls, name, _DeferrableField(name))


def is_deferred(obj: Any, name: str) -> bool:
    """Whether field ``name`` of ``obj`` is still deferred (not computed yet)."""
    return isinstance(obj.__dict__.get(name), Deferred)


def replace_fields(obj: _T, **changes: Any) -> _T:
    """:func:`dataclasses.replace` that leaves deferred fields deferred.

    ``dataclasses.replace`` reads every field of ``obj`` to pass it on, which
    computes every deferred one (about 1.2 GB of ``(n, m)`` arrays for a result
    of a million projects). This passes each unchanged field's stored value
    as it is — a :class:`Deferred` stays deferred (a :class:`SharedDeferred`
    is shared, so it is computed once for both objects) — and builds the new
    object through its constructor, as ``dataclasses.replace`` does.

    Raises
    ------
    InputError
        ``obj`` is not a dataclass instance or a change names no init field.
    """
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        raise InputError(f"replace_fields needs a dataclass instance; got {type(obj).__name__}")
    names = [f.name for f in dataclasses.fields(obj) if f.init]
    unknown = sorted(set(changes) - set(names))
    if unknown:
        raise InputError(f"{type(obj).__name__} has no field(s) {', '.join(map(repr, unknown))} to replace")
    stored = obj.__dict__
    kwargs = {name: changes[name] if name in changes else stored[name] for name in names}
    new: _T = type(obj)(**kwargs)
    return new


def _peek(obj: Any, name: str) -> Any:
    """The value of a field; a deferred one computed without keeping it (for writing it out once)."""
    value = obj.__dict__[name]
    return value() if isinstance(value, Deferred) else value


@dataclass(frozen=True)
class Diagnostic:
    """One finding about the evaluation, collected in the result (never printed).

    Attributes
    ----------
    code : str
        Machine-readable kind, e.g. ``"ahp_inconsistent"``, ``"entropy_near_zero"``,
        ``"thin_evidence"``, ``"rater_disagreement"``, ``"qualitative_share_low"``,
        ``"imputed"``, ``"weights_fallback"``.
    severity : {"info", "warning", "error"}
    message : str
        Human-readable sentence naming what and where.
    node, indicator, project : str or None
        Where the finding applies.
    value : float or None
        The figure behind the finding (a CR, a weight, a rater count, ...).
    """

    code: str
    severity: Severity
    message: str
    node: str | None = None
    indicator: str | None = None
    project: str | None = None
    value: float | None = None


@dataclass(frozen=True, eq=False)
class NodeWeights:
    """Local weights of one inner node's children and where they came from.

    Attributes
    ----------
    node : str
        Inner node id.
    method : str
        ``fixed``, ``equal``, ``ahp``, ``fuzzy_ahp``, ``g1``, ``bwm``, ``entropy``, ``critic``, ``cv``,
        ``combine``, ``override`` or ``frozen`` (data-driven weights frozen from an earlier result;
        ``detail`` names the node's own method and the earlier result's hashes).
    children : tuple of str
        Child ids in order.
    weights : ndarray
        Local weights (sum to 1), aligned with ``children``.
    cr : float or None
        Group consistency ratio where the weights come from AHP.
    detail : dict
        Method details (expert CRs, combination coefficients, source weights ...).
    """

    node: str
    method: str
    children: tuple[str, ...]
    weights: FloatArray
    cr: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReliabilityStat:
    """One reliability statistic of the qualitative evidence (see :mod:`ppeval.qualitative.reliability`).

    Attributes
    ----------
    statistic : {"cronbach_alpha", "kmo_bartlett", "icc"}
        Cronbach's alpha of a survey group's answers, the Kaiser-Meyer-Olkin
        measure of the same answers (with Bartlett's sphericity test), or the
        ICC of an expert panel's scores on one indicator.
    group : str
        Rater group (e.g. ``service_user``, ``expert``).
    indicator_ids : tuple of str
        The items (alpha) or the indicator (ICC).
    kind : str
        ``pairwise`` (alpha's missing-answer policy) or the ICC form (``ICC2k`` for a fully
        crossed panel, ``ICC1k`` when each project has its own reviewers).
    value : float
    ci : tuple of float or None
        95 % confidence interval (Feldt for alpha; McGraw & Wong for the ICC;
        None for KMO).
    n : int
        Respondents behind the interval (alpha; see ``AlphaResult.n``),
        complete respondents (KMO) or projects scored by the panel (ICC).
    k : int
        Items (alpha, KMO) or raters (ICC).
    threshold : float
        The stated floor: 0.7 for alpha (Nunnally 1978), 0.6 for KMO (Kaiser
        1974: "mediocre" and up), 0.75 for the ICC (Koo & Li 2016, "good").
    acceptable : bool
        ``value >= threshold`` (KMO: and Bartlett's ``p_value < 0.05``).
    p_value : float or None
        Bartlett's test of sphericity (KMO only).
    """

    statistic: str
    group: str
    indicator_ids: tuple[str, ...]
    kind: str
    value: float
    ci: tuple[float, float] | None
    n: int
    k: int
    threshold: float
    acceptable: bool
    p_value: float | None = None


@dataclass(frozen=True, eq=False)
class QualitativeSummary:
    """Evidence behind the qualitative indicators.

    Attributes
    ----------
    indicator_ids : tuple of str
        Qualitative leaves, in the system's leaf order.
    n_raters : ndarray of int, shape (n_projects, q)
        Non-missing ratings behind every aggregate.
    n_missing : ndarray of int, shape (n_projects, q)
        Missing answers counted per cell.
    groups : tuple of str
        Rater groups present in the ratings.
    group_values : ndarray, shape (n_groups, n_projects, q)
        Per-group aggregate on the scale (0 where ``group_counts`` is 0).
    group_counts : ndarray of int, shape (n_groups, n_projects, q)
    agreement : ndarray, shape (q,)
        Krippendorff's alpha (ordinal) per indicator over projects as units;
        ``agreement_defined`` marks the entries that could be computed.
    agreement_defined : ndarray of bool, shape (q,)
    weight_share : float
        Share of the total weight on qualitative indicators.
    variance_share : float
        Share of the variance of the scores across projects that the
        qualitative indicators account for (additive decomposition,
        ``sum_{j in Q} cov(c_j, s) / var(s)`` over the contributions ``c``);
        0 when ``variance_defined`` is False.
    variance_defined : bool
        False when the scores do not vary (one project, or all equal).
    resident_scores : ndarray or None, shape (n_projects,)
        Scores (0-100) when qualitative indicators use residents' ratings only.
    resident_ranks : ndarray of int or None
    reliability : tuple of ReliabilityStat
        Cronbach's alpha per survey group and ICC(2,k) per expert panel and
        indicator, each with its threshold (empty when no group qualifies).
    """

    indicator_ids: tuple[str, ...]
    n_raters: IntArray
    n_missing: IntArray
    groups: tuple[str, ...]
    group_values: FloatArray
    group_counts: IntArray
    agreement: FloatArray
    agreement_defined: np.ndarray
    weight_share: float
    variance_share: float
    variance_defined: bool
    resident_scores: FloatArray | None = None
    resident_ranks: IntArray | None = None
    reliability: tuple[ReliabilityStat, ...] = ()


@dataclass(frozen=True)
class Provenance:
    """What produced a result.

    Attributes
    ----------
    ppeval_version, numpy_version, scipy_version : str
    system_id, system_version : str
    system_hash, assessment_hash, config_hash : str
        SHA-256 (hex) of the canonical JSON of the indicator system, of the
        assessment's canonical content (parsed values and ratings in the
        canonical order, independent of file format, encoding and row order),
        and of the configuration together with the seed.
    seed : int or None
    config : dict
        The evaluation configuration (method, mode, overrides, frozen weights, options).
    project_fingerprints, indicator_fingerprints, file_fingerprints : dict
        64-bit fingerprints (16 hex digits) per project, per indicator and per
        source file of the assessment (see
        :func:`ppeval.pipeline.provenance.assessment_fingerprints`), so a
        result that no longer reproduces can say which file, projects and
        indicators changed.
    assessment_hash_format : str or None
        The canonical bytes ``assessment_hash`` was computed from
        (:data:`ppeval.pipeline.provenance.HASH_FORMAT`, ``"ppeval.assessment-hash/3"``
        since it was recorded); None for results written before, whose hash is
        ``"ppeval.assessment-hash/2"`` (then left out of the JSON, so those
        results still reproduce byte for byte).
    """

    ppeval_version: str
    numpy_version: str
    scipy_version: str
    system_id: str
    system_version: str
    system_hash: str
    assessment_hash: str
    config_hash: str
    seed: int | None
    config: dict[str, Any]
    project_fingerprints: dict[str, str] = field(default_factory=dict)
    indicator_fingerprints: dict[str, str] = field(default_factory=dict)
    file_fingerprints: dict[str, str] = field(default_factory=dict)
    assessment_hash_format: str | None = None


def _without_unset_format(provenance: dict[str, Any]) -> dict[str, Any]:
    """The provenance's JSON without ``assessment_hash_format`` when it is None (a format-2 hash)."""
    if provenance.get("assessment_hash_format", "") is None:
        del provenance["assessment_hash_format"]
    return provenance


@dataclass(frozen=True, eq=False)
class EvaluationResult:
    """Scores, grades, ranks and explanations of one evaluation.

    Attributes
    ----------
    project_ids, project_names : tuple of str
        Projects in the assessment's order (names default to ids).
    indicator_ids : tuple of str
        Leaf indicators in the system's order (columns of the arrays below).
    indicator_kinds : tuple of str
        ``quantitative`` or ``qualitative`` per indicator.
    method, mode, normalization : str
        Scoring method (``topsis``, ``wsm``, ``vikor``, ``fce``), ``absolute`` or
        ``relative``, and the normalisation used.
    scores : ndarray, shape (n,)
        The method's own score (TOPSIS closeness, WSM sum, VIKOR Q (lower is
        better), FCE crisp score / 100).
    score_100 : ndarray, shape (n,)
        Score on the 0-100 scale used for grading (VIKOR: ``100 (1 - Q)``).
    grades : tuple of str
        Grade band of every project.
    ranks : ndarray of int
        1 = best; ties share the smallest rank.
    weights : ndarray, shape (m,)
        Global leaf weights (sum to 1).
    node_weights : tuple of NodeWeights
        Local weights per inner node with their origin.
    node_ids : tuple of str
        Inner nodes below the root, in depth-first order.
    node_scores : ndarray, shape (n, len(node_ids))
        Sub-score (0-100) of every project on every inner node (stage or
        dimension), by the same method on that node's indicators.
    matrix : ndarray, shape (n, m)
        The decision matrix as evaluated: measured values, aggregated ratings,
        imputed cells, target / interval indicators turned into closeness in [0, 1].
    normalized : ndarray, shape (n, m)
        Benefit-oriented values in [0, 1] (against the bounds in absolute mode,
        against the evaluated set in relative mode).
    types : ndarray of int, shape (m,)
        Criterion type of every column of ``matrix``: 1 benefit, -1 cost
        (target and interval indicators are benefit columns of closeness).
    bounds : ndarray or None, shape (m, 2)
        (worst, best) of every column of ``matrix`` used in absolute mode
        (``None`` in relative mode).
    contributions : ndarray, shape (n, m)
        Contribution of every indicator to ``score_100`` (rows sum to ``score_100``).
    shortfall : ndarray, shape (n, m)
        Weighted points lost against the best value: ``100 w_j (1 - r_ij)``.
    weakest : tuple of tuple of str
        Per project, its main obstacles: the indicators with the largest
        obstacle degree (equivalently the largest shortfall), most first.
    obstacle : ndarray or None, shape (n, m)
        Obstacle degree of every indicator (:func:`ppeval.methods.obstacle_degree`):
        its share of the points the project lost, ``shortfall / shortfall.sum(axis=1)``;
        rows sum to 1, a project that lost nothing has a zero row.
    node_obstacle : ndarray or None, shape (n, len(node_ids))
        Obstacle degree of every inner node (stage, dimension): the sum over
        its indicators.
    imputed : ndarray of bool, shape (n, m)
        Cells filled by the missing-value policy.
    grade_labels : tuple of str
        The system's grade labels, best first.
    fce_membership : ndarray or None, shape (n, n_grades)
        FCE grade vector per project (method ``fce`` only).
    qualitative : QualitativeSummary or None
    diagnostics : tuple of Diagnostic
    provenance : Provenance
    raw : ndarray or None, shape (n, m)
        The values before target / interval transforms and scoring rules:
        measured values, aggregated ratings, imputed cells (the "actual
        value" of a scoring sheet).
    notes : dict or None
        Evidence / deviation notes from the data, ``{project: {indicator: text}}``
        (key ``""`` for a note on the whole project); ``None`` when the data had none.

    Notes
    -----
    A result from :func:`ppeval.evaluate` computes ``normalized``,
    ``contributions`` (except FCE's), ``shortfall``, ``obstacle``, ``weakest``,
    ``qualitative.group_values`` and the provenance's project and indicator
    fingerprint maps the first time they are read, from the fields it keeps
    (the same values, bit for bit, as computing them during the evaluation),
    so a result of a million projects does not hold five more
    ``(projects x indicators)`` arrays nobody reads; :meth:`to_json` writes
    them without keeping them. ``dataclasses.replace`` reads every field, so
    it computes them.
    """

    project_ids: tuple[str, ...]
    project_names: tuple[str, ...]
    indicator_ids: tuple[str, ...]
    indicator_kinds: tuple[str, ...]
    method: str
    mode: str
    normalization: str
    scores: FloatArray
    score_100: FloatArray
    grades: tuple[str, ...]
    ranks: IntArray
    weights: FloatArray
    node_weights: tuple[NodeWeights, ...]
    node_ids: tuple[str, ...]
    node_scores: FloatArray
    matrix: FloatArray
    normalized: FloatArray
    types: IntArray
    bounds: FloatArray | None
    contributions: FloatArray
    shortfall: FloatArray
    weakest: tuple[tuple[str, ...], ...]
    imputed: np.ndarray
    grade_labels: tuple[str, ...]
    fce_membership: FloatArray | None
    qualitative: QualitativeSummary | None
    diagnostics: tuple[Diagnostic, ...]
    provenance: Provenance
    obstacle: FloatArray | None = None
    node_obstacle: FloatArray | None = None
    raw: FloatArray | None = None
    notes: dict[str, dict[str, str]] | None = None

    # ------------------------------------------------------------------ scoring sheet
    def scoring_sheet(self, system: Any, project: str | int) -> Any:
        """The scoring sheet (评分表) of one project; see :func:`ppeval.pipeline.scoring.scoring_sheet`."""
        from ppeval.pipeline.scoring import scoring_sheet

        return scoring_sheet(self, system, project)

    # ------------------------------------------------------------------ output
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (arrays as lists, exact floats)."""
        out = to_jsonable(self, "result")
        _without_unset_format(out["provenance"])
        out["format"] = RESULT_FORMAT
        return dict(out)

    def to_json(self, *, indent: int | None = None) -> str:
        """Canonical JSON text: same inputs and seed give byte-identical text.

        By default the fast canonical form of :func:`ppeval._serialize.dumps_fast`
        (orjson, arrays written from their buffers, one top-level key per line);
        with ``indent`` the standard library's indented form (slow for large
        results: every number becomes a Python float and a line).
        """
        if indent is None:
            # deferred fields are computed for the text and not kept (a million-project result writes them
            # one at a time instead of holding them all)
            data = {f.name: _peek(self, f.name) for f in dataclasses.fields(self)}
            prov = self.provenance
            data["provenance"] = _without_unset_format(
                {f.name: _peek(prov, f.name) for f in dataclasses.fields(prov)})
            if self.qualitative is not None:
                q = self.qualitative
                data["qualitative"] = {f.name: _peek(q, f.name) for f in dataclasses.fields(q)}
            data["format"] = RESULT_FORMAT
            return dumps_fast(data, "result")
        return dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> EvaluationResult:
        """Read a result written by :meth:`to_json`."""
        try:
            data = loads_fast(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"result JSON is not valid JSON: {exc}") from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvaluationResult:
        """Inverse of :meth:`to_dict`."""
        if not isinstance(data, dict) or data.get("format") != RESULT_FORMAT:
            got = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise InputError(f"not a ppeval result: format is {got!r}; expected {RESULT_FORMAT!r}")
        try:
            built: EvaluationResult = _build(cls, data)
            _check_consistent(built)
            return built
        except InputError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"result JSON is incomplete or malformed: {exc!r}") from None

    def to_frame(self, library: str = "pandas") -> Any:
        """A pandas (default) or polars DataFrame, one row per project (the library is imported here only).

        Columns: project, name, score, score_100, grade, rank, one column per
        inner-node sub-score (``node:<id>``) and per indicator contribution
        (``contrib:<id>``). Each column is copied at most once (from the
        read-only result arrays into the frame).
        """
        if library not in ("pandas", "polars"):
            raise InputError(f"library is {library!r}; valid values are 'pandas', 'polars'")
        try:
            frames: Any = importlib.import_module(library)
        except ImportError:  # pragma: no cover - pandas and polars are optional extras
            raise InputError(f"to_frame() needs {library}: pip install 'ppeval[{library}]'") from None
        cols: dict[str, Any] = {
            "project": list(self.project_ids),
            "name": list(self.project_names),
            "score": self.scores,
            "score_100": self.score_100,
            "grade": list(self.grades),
            "rank": self.ranks,
        }
        for k, node in enumerate(self.node_ids):
            cols[f"node:{node}"] = self.node_scores[:, k]
        for j, ind in enumerate(self.indicator_ids):
            cols[f"contrib:{ind}"] = self.contributions[:, j]
        return frames.DataFrame(cols)

    def diagnostics_of(self, code: str) -> tuple[Diagnostic, ...]:
        """The diagnostics with the given ``code``."""
        return tuple(d for d in self.diagnostics if d.code == code)


#: Fields that :func:`ppeval.evaluate` may leave :class:`Deferred` (computed on first access).
DEFERRABLE = ("normalized", "contributions", "shortfall", "obstacle", "weakest")
_deferrable(EvaluationResult, *DEFERRABLE)
_deferrable(Provenance, "project_fingerprints", "indicator_fingerprints", "file_fingerprints")
_deferrable(QualitativeSummary, "group_values", "group_counts")


# --------------------------------------------------------------------- loading
_FLOAT_ARRAYS = {
    "scores", "score_100", "weights", "node_scores", "matrix", "normalized", "contributions",
    "shortfall", "obstacle", "node_obstacle",
    "fce_membership", "bounds", "group_values", "agreement", "resident_scores", "raw",
}
_INT_ARRAYS = {"types", "ranks", "n_raters", "n_missing", "group_counts", "resident_ranks"}
_BOOL_ARRAYS = {"imputed", "agreement_defined"}
_NESTED = {
    "node_weights": NodeWeights,
    "qualitative": QualitativeSummary,
    "reliability": ReliabilityStat,
    "diagnostics": Diagnostic,
    "provenance": Provenance,
}


#: numpy dtype kinds a JSON array of each kind of field may hold (empty arrays read as float64: any kind).
_KINDS = {"float": "iuf", "int": "iu", "bool": "b"}


def _array(name: str, value: Any, kind: str, dtype: Any) -> np.ndarray:
    """A field's JSON array as a read-only ``dtype`` array; anything else is refused, naming the field.

    ``np.asarray(value, dtype=...)`` would turn ``null`` into nan, ``1.5`` into
    the rank 1 and ``"3"`` into 3 without a word; the stored numbers are
    checked instead: integers for counts and ranks, finite numbers for the
    rest, ``true``/``false`` for flags.
    """
    try:
        arr = np.asarray(value)
    except (ValueError, OverflowError):  # ragged nesting
        raise InputError(f"result JSON: field {name!r} is not a rectangular array of numbers") from None
    if arr.size and arr.dtype.kind not in _KINDS[kind]:
        what = {"float": "finite numbers", "int": "integers", "bool": "true/false"}[kind]
        bad = {"f": "numbers with a fraction", "U": "strings", "S": "strings", "b": "true/false",
               "i": "integers", "u": "integers"}.get(arr.dtype.kind, "null, integers beyond 64 bits or mixed values")
        raise InputError(f"result JSON: field {name!r} must hold {what}; it holds {bad}")
    if arr.size and kind != "bool" and bool in _leaf_types(value, arr.ndim):
        # numpy reads true/false among numbers as 1/0: [0.5, true] would be the scores 0.5 and 1.0
        what = "finite numbers" if kind == "float" else "integers"
        raise InputError(f"result JSON: field {name!r} must hold {what}; it holds true/false")
    out = arr.astype(dtype, copy=False)
    if kind == "float" and not np.isfinite(out).all():
        raise InputError(f"result JSON: field {name!r} holds a number beyond the float range")
    return readonly(out)


def _leaf_types(value: Any, ndim: int) -> set[type]:
    """The Python types of the leaves of a rectangular nested list of depth ``ndim`` (one pass, no copies)."""
    from itertools import chain

    items: Any = value
    for _ in range(ndim - 1):
        items = chain.from_iterable(items)
    return set(map(type, items))


def _convert(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in _FLOAT_ARRAYS or (name == "weights"):
        return _array(name, value, "float", np.float64)
    if name in _INT_ARRAYS:
        return _array(name, value, "int", np.int64)
    if name in _BOOL_ARRAYS:
        return _array(name, value, "bool", bool)
    if name in _NESTED:
        sub = _NESTED[name]
        if isinstance(value, list):
            return tuple(_build(sub, v) for v in value)
        return _build(sub, value)
    if isinstance(value, list):
        return tuple(tuple(v) if isinstance(v, list) else v for v in value)
    return value


def _check_consistent(r: EvaluationResult) -> None:
    """A result read from JSON: ids are unique text, every array has the shape its ids give, method and mode known.

    ``EvaluationResult`` is built by :func:`ppeval.evaluate`, which makes
    these hold; a hand-edited or truncated file could break them, and a
    report or comparison would then misplace numbers without a word.
    """
    from ppeval.pipeline._evaluate import METHODS, MODES

    for name in ("project_ids", "project_names", "indicator_ids", "indicator_kinds", "node_ids", "grades",
                 "grade_labels"):
        items = getattr(r, name)
        if not all(isinstance(x, str) for x in items):
            raise InputError(f"result JSON: field {name!r} must hold text")
    for name in ("project_ids", "indicator_ids", "node_ids"):
        if len(set(getattr(r, name))) != len(getattr(r, name)):
            raise InputError(f"result JSON: field {name!r} holds a repeated id")
    if r.method not in METHODS or r.mode not in MODES:
        raise InputError(f"result JSON: method {r.method!r} / mode {r.mode!r}; expected one of {METHODS} / {MODES}")
    n, m = len(r.project_ids), len(r.indicator_ids)
    shapes: dict[str, tuple[int, ...]] = {
        "project_names": (n,), "grades": (n,), "weakest": (n,), "indicator_kinds": (m,),
        "scores": (n,), "score_100": (n,), "ranks": (n,), "weights": (m,), "types": (m,),
        "node_scores": (n, len(r.node_ids)), "node_obstacle": (n, len(r.node_ids)),
        "matrix": (n, m), "normalized": (n, m), "contributions": (n, m), "shortfall": (n, m),
        "imputed": (n, m), "obstacle": (n, m), "raw": (n, m), "bounds": (m, 2),
        "fce_membership": (n, len(r.grade_labels)),
    }
    for name, want in shapes.items():
        if is_deferred(r, name):
            continue
        value = getattr(r, name)
        if value is None:
            continue
        got = np.shape(value) if isinstance(value, np.ndarray) else (len(value),)
        if got != want:
            raise InputError(f"result JSON: field {name!r} has shape {got}; the ids give {want} "
                             f"({n} projects, {m} indicators)")
    if r.qualitative is not None:
        _check_qualitative(r.qualitative, n, set(r.indicator_ids))


def _check_qualitative(qs: QualitativeSummary, n: int, known: set[str]) -> None:
    """The qualitative summary's arrays have the shapes its indicators, groups and the projects give."""
    for name in ("indicator_ids", "groups"):
        items = getattr(qs, name)
        if not all(isinstance(x, str) for x in items) or len(set(items)) != len(items):
            raise InputError(f"result JSON: field 'qualitative.{name}' must hold distinct text")
    unknown = [i for i in qs.indicator_ids if i not in known]
    if unknown:
        raise InputError(f"result JSON: field 'qualitative.indicator_ids' names {unknown[0]!r}, "
                         "which is not an indicator of the result")
    q, g = len(qs.indicator_ids), len(qs.groups)
    shapes: dict[str, tuple[int, ...]] = {
        "n_raters": (n, q), "n_missing": (n, q), "group_values": (g, n, q), "group_counts": (g, n, q),
        "agreement": (q,), "agreement_defined": (q,), "resident_scores": (n,), "resident_ranks": (n,),
    }
    for name, want in shapes.items():
        if is_deferred(qs, name):
            continue
        value = getattr(qs, name)
        if value is not None and np.shape(value) != want:
            raise InputError(f"result JSON: field 'qualitative.{name}' has shape {np.shape(value)}; the ids give "
                             f"{want} ({g} groups, {n} projects, {q} qualitative indicators)")


def _build(cls: Any, data: dict[str, Any]) -> Any:
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name in data:
            if cls is NodeWeights and f.name == "detail":
                kwargs[f.name] = data[f.name]
            elif (cls is Provenance and f.name == "config") or f.name == "notes":
                kwargs[f.name] = data[f.name]
            else:
                kwargs[f.name] = _convert(f.name, data[f.name])
    return cls(**kwargs)
