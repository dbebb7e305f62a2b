"""Questionnaire exports: one row per respondent, one column per question, read as ratings.

Online survey tools (问卷星 Wenjuanxing, 腾讯问卷, 金数据, SurveyMonkey, ...) export
answers *wide*: a row per respondent with a column per question, answers as
text (``非常满意``) or codes (``5``), plus columns such as 序号, 提交答卷时间,
来源 and perhaps the respondent's group. A :class:`Questionnaire` pairs such a
file (CSV in any supported encoding, or a workbook sheet) with a small mapping
and is passed to :func:`ppeval.io.load_assessment` like a ratings file; each
answered or unanswered question becomes one rating row (project, indicator,
rater, group, rating), so every check of a long ratings file applies.

Mapping (a dict, or a YAML / JSON / TOML file), see :class:`QuestionnaireMapping`::

    project: p01                    # every respondent rates this project, or
    project_column: 服务项目          #   the column naming the project (+ project_codes)
    rater_column: 序号               # respondent id (default: the row number)
    group: resident                 # one group for all, or
    group_column: 您的身份            #   the column holding it (+ group_codes)
    group_codes: {居民: resident, 服务对象: service_user}
    answers: {非常满意: 5, 满意: 4, 一般: 3, 不满意: 2, 非常不满意: 1}
    missing_answers: ["(跳过)", "(空)", "-3"]
    questions:
      "1、您对服务态度的满意程度": attitude
      "7、办事需要多次往返": {indicator: convenience, reverse: true}

Unanswered questions (an empty cell or one of ``missing_answers``) are kept as
missing ratings, never dropped: they count toward the indicator's response rate.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import Field, ValidationError, field_validator, model_validator

from ppeval.errors import DataError, InputError
from ppeval.schema import IndicatorSystem, Qualitative
from ppeval.schema._base import FrozenModel

__all__ = ["Questionnaire", "QuestionnaireMapping", "QuestionMap"]

StrArray = npt.NDArray[np.str_]
Level = int | float | str


def _key(v: Any) -> str:
    """A mapping key or answer as the text a cell holds (``5`` and ``5.0`` -> ``"5"``)."""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


class QuestionMap(FrozenModel):
    """How one question column becomes ratings of one indicator."""

    indicator: str
    reverse: bool = False
    answers: dict[str, Level] | None = None

    @field_validator("answers", mode="before")
    @classmethod
    def _keys_as_text(cls, v: Any) -> Any:
        return {_key(k): x for k, x in v.items()} if isinstance(v, Mapping) else v


class QuestionnaireMapping(FrozenModel):
    """The mapping from a wide questionnaire export to ratings (see the module docstring).

    Attributes
    ----------
    questions : dict
        Question column header -> indicator id, or -> ``{indicator, reverse, answers}``.
    answers : dict, optional
        Answer text or code -> scale level (a value of the indicator's scale, or one
        of its labels), shared by every question without its own ``answers``.
        Without any ``answers`` the cells must hold scale labels or values.
    missing_answers : list of str
        Cell texts that mean "no answer" besides an empty cell.
    project, project_column, project_codes
        The project rated: one id for all rows, or a column (with an optional
        recoding of its texts to project ids). Exactly one of the first two.
    rater_column : str, optional
        The respondent id column; default the data row number (``row 2``, ...).
    group, group_column, group_codes
        The respondents' group: one group for all, or a column recoded by
        ``group_codes`` (group ids are lower-case, e.g. ``resident``). Exactly one
        of the first two.
    sheet : str, optional
        For a workbook, the sheet to read (default the first).
    """

    questions: dict[str, str | QuestionMap] = Field(min_length=1)
    answers: dict[str, Level] | None = None
    missing_answers: tuple[str, ...] = ()
    project: str | None = None
    project_column: str | None = None
    project_codes: dict[str, str] | None = None
    rater_column: str | None = None
    group: str | None = None
    group_column: str | None = None
    group_codes: dict[str, str] | None = None
    sheet: str | None = None

    @field_validator("answers", "project_codes", "group_codes", mode="before")
    @classmethod
    def _keys_as_text(cls, v: Any) -> Any:
        return {_key(k): x for k, x in v.items()} if isinstance(v, Mapping) else v

    @field_validator("missing_answers", mode="before")
    @classmethod
    def _missing_as_text(cls, v: Any) -> Any:
        return tuple(_key(x) for x in v) if isinstance(v, list | tuple) else v

    @model_validator(mode="after")
    def _one_of(self) -> QuestionnaireMapping:
        if (self.project is None) == (self.project_column is None):
            raise ValueError("give exactly one of project (one id for every row) and project_column")
        if (self.group is None) == (self.group_column is None):
            raise ValueError("give exactly one of group (one group for every row) and group_column")
        return self

    def question(self, header: str) -> QuestionMap:
        q = self.questions[header]
        return QuestionMap(indicator=q) if isinstance(q, str) else q


def _load_mapping(mapping: Any) -> tuple[QuestionnaireMapping, str]:
    from ppeval.io._read import MAX_SYSTEM_BYTES, load_structured

    if isinstance(mapping, QuestionnaireMapping):
        return mapping, "the questionnaire mapping"
    source = "the questionnaire mapping"
    if isinstance(mapping, str | Path):
        source = str(mapping)
        mapping = load_structured(mapping, limit=MAX_SYSTEM_BYTES, error=DataError)
    if not isinstance(mapping, Mapping):
        raise InputError(f"{source} must be a mapping (dict or YAML/JSON/TOML file); got {type(mapping).__name__}")
    try:
        return QuestionnaireMapping.model_validate(dict(mapping)), source
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_url=False):
            loc = ".".join(str(x) for x in err["loc"]) or "(top level)"
            lines.append(f"  - {loc}: {err['msg']}")
        raise DataError(f"{source}: invalid questionnaire mapping:\n" + "\n".join(lines)) from None


@dataclass(frozen=True)
class Questionnaire:
    """A wide questionnaire export and the mapping that reads it as ratings.

    Pass it to :func:`ppeval.io.load_assessment` in place of (or beside) a ratings file.

    Parameters
    ----------
    path : path
        The export: CSV (any encoding and separator :func:`load_assessment` detects)
        or a workbook (``.xlsx``, ...; the mapping's ``sheet`` or the first sheet,
        header in the first non-empty row).
    mapping : dict, QuestionnaireMapping or path
        The mapping (see the module docstring), or a YAML / JSON / TOML file holding it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ppeval.io import load_assessment, load_bundled
    >>> system = load_bundled("elderly-care")
    >>> q = system.qualitative_leaf_ids[0]
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "survey.csv").write_text("序号,来源,Q1\\n1,微信,很好\\n2,手机,\\n", encoding="gbk")
    >>> mapping = {"project": "p1", "rater_column": "序号", "group": "resident",
    ...            "answers": {"很好": 5, "好": 4, "一般": 3, "差": 2, "很差": 1}, "questions": {"Q1": q}}
    >>> a = load_assessment([Questionnaire(folder / "survey.csv", mapping)], system, missing="worst")
    >>> a.project_ids, a.ratings.group.tolist(), a.ratings.value.tolist()
    (('p1',), ['resident', 'resident'], [5.0, nan])
    """

    path: str | Path
    mapping: Any

    def _table(self, system: IndicatorSystem, *, encoding: str | None, delimiter: str | None) -> Any:
        from ppeval.io._assessment import _plain, _read_csv_raw, _Table
        from ppeval.io._excel import EXCEL_SUFFIXES, read_workbook

        mp, msource = _load_mapping(self.mapping)
        path = Path(self.path)
        source = str(path)
        meta: dict[str, Any]
        if path.suffix.lower() in EXCEL_SUFFIXES:
            sheets = read_workbook(path, [mp.sheet] if mp.sheet else None, header=None)
            if not sheets:
                raise DataError(f"{source}: the workbook holds no table")
            sh = sheets[0]
            header, cols, rownum = sh.header, sh.columns, sh.rows
            letters = sh.letters

            def cell(i: int, j: int) -> str:
                return f"{source}: {sh.name}!{letters[j]}{int(rownum[i])}"

            meta = {"format": "questionnaire-xlsx", "sheet": sh.name}
        else:
            header, raw_cols, rownum, meta = _read_csv_raw(path, encoding, delimiter, "questionnaire")
            meta["format"] = "questionnaire-csv"
            cols = [np.char.strip(_plain(c)) for c in raw_cols]

            def cell(i: int, j: int) -> str:
                return f"{source}, line {int(rownum[i])}, column {header[j]!r}"

        return _melt(system, mp, msource, source, header, cols, rownum, cell, meta, _Table)


def _find(header: list[str], name: str, source: str, what: str) -> int:
    if name in header:
        at = [j + 1 for j, h in enumerate(header) if h == name]
        if len(at) > 1:
            raise DataError(
                f"{source}: column {name!r} ({what} in the mapping) appears {len(at)} times (columns "
                f"{', '.join(map(str, at))}); rename the copies so the mapping names one column"
            )
        return header.index(name)
    close = difflib.get_close_matches(name, header, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise DataError(f"{source}: no column {name!r} ({what} in the mapping){hint}")


def _recode(col: StrArray, codes: Mapping[str, str] | None) -> StrArray:
    if not codes:
        return col
    uniq, inv = np.unique(col, return_inverse=True)
    return np.array([codes.get(str(u), str(u)) for u in uniq], dtype=np.str_)[inv] if len(uniq) else col


def _scale_value(level: Level | None, labels: Mapping[str, float]) -> float | None:
    """A level (scale value, or label) as its scale value; ``None`` if it is neither."""
    if level is None:
        return None
    if not isinstance(level, str):
        return float(level)
    value = labels.get(level.casefold())
    if value is None:
        try:
            value = float(level)
        except ValueError:
            return None
    return value


def _level_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _melt(
    system: IndicatorSystem, mp: QuestionnaireMapping, msource: str, source: str, header: list[str],
    cols: list[StrArray], rownum: npt.NDArray[np.int64], cell: Any, meta: dict[str, Any], table_cls: Any,
) -> Any:
    n = int(rownum.shape[0])
    leaves = {leaf.id: leaf for leaf in system.leaves()}
    rated = {leaf.id: leaf for leaf in system.leaves() if isinstance(leaf, Qualitative)}
    problems: list[str] = []
    qcols: list[int] = []
    qmaps: list[QuestionMap] = []
    for name in mp.questions:
        qm = mp.question(name)
        leaf = leaves.get(qm.indicator)
        if leaf is None:
            close = difflib.get_close_matches(qm.indicator, list(leaves), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(f"{msource}: questions[{name!r}]: unknown indicator {qm.indicator!r}{hint}")
            continue
        if not isinstance(leaf, Qualitative):
            problems.append(f"{msource}: questions[{name!r}]: indicator {qm.indicator!r} is quantitative, not rated")
            continue
        try:
            qcols.append(_find(header, name, source, "a question"))
            qmaps.append(qm)
        except DataError as exc:
            problems.append(str(exc))
    if problems:
        raise DataError(f"{source}: cannot read the questionnaire:\n  - " + "\n  - ".join(problems))
    nq = len(qcols)
    # per-respondent columns
    if mp.project_column is not None:
        pj = _find(header, mp.project_column, source, "project_column")
        project = _recode(cols[pj], mp.project_codes)
    else:
        pj, project = -1, np.array([mp.project] * n, dtype=np.str_)  # (np.full with np.str_ keeps 1 char)
    if mp.group_column is not None:
        gj = _find(header, mp.group_column, source, "group_column")
        group = _recode(cols[gj], mp.group_codes)
    else:
        gj, group = -1, np.array([mp.group] * n, dtype=np.str_)
    if mp.rater_column is not None:
        rj = _find(header, mp.rater_column, source, "rater_column")
        rater = cols[rj]
    else:
        rj, rater = -1, np.char.add("row ", rownum.astype(np.str_))
    missing = set(mp.missing_answers)
    ratings = np.empty((n, nq), dtype=object)
    for q, (j, qm) in enumerate(zip(qcols, qmaps, strict=True)):
        scale = rated[qm.indicator].scale
        answers = qm.answers if qm.answers is not None else mp.answers
        col = cols[j]
        uniq, inv = np.unique(col, return_inverse=True)
        labels, values = scale.label_map(), scale.values
        out = []
        for u in map(str, uniq):
            if u == "" or u in missing:
                out.append("")
                continue
            level: Level | None = u
            if answers is not None:
                level = answers.get(u)
                if level is None:
                    i = int(np.argmax(col == u))
                    known = ", ".join(map(repr, answers))
                    problems.append(
                        f"{cell(i, j)}: answer {u!r} is not in the mapping's answers ({known}); add it to "
                        f"answers or missing_answers ({int((col == u).sum())} rows in all)"
                    )
                    out.append("")
                    continue
            if not qm.reverse:
                out.append(_key(level))
                continue
            value = _scale_value(level, labels)
            if value is None or value not in values:
                i = int(np.argmax(col == u))
                problems.append(
                    f"{cell(i, j)}: answer {u!r} gives level {level!r}, not on the scale of indicator "
                    f"{qm.indicator!r} (values {', '.join(f'{x:g}' for x in values)}); a reversed item needs one"
                )
                out.append("")
                continue
            out.append(_level_text(values[len(values) - 1 - values.index(value)]))
        ratings[:, q] = np.array(out, dtype=object)[inv]
    if problems:
        raise DataError(f"{source}: invalid answers:\n  - " + "\n  - ".join(problems[:20]))
    indicators = np.array([qm.indicator for qm in qmaps], dtype=np.str_)
    columns = {
        "project": np.repeat(project, nq),
        "indicator": np.tile(indicators, n),
        "rater": np.repeat(rater, nq),
        "group": np.repeat(group, nq),
        "rating": ratings.reshape(-1).astype(np.str_) if n * nq else np.zeros(0, dtype=np.str_),
    }
    at = {"project": pj, "group": gj, "rater": rj}

    def where(k: int, col: str | None) -> str:
        i, q = divmod(k, nq)
        j = qcols[q] if col in (None, "rating", "indicator") else at.get(col or "", -1)
        if j < 0 and col in ("project", "group"):  # one value for every row, given in the mapping
            return f"{cell(i, qcols[q])} ({col} {str(columns[col][k])!r} from {msource})"
        text: str = cell(i, j) if j >= 0 else cell(i, qcols[q])
        if col == "indicator":
            return f"{text} (question {header[qcols[q]]!r})"
        return text

    return table_cls(source, "ratings", columns, n * nq, where, np.repeat(rownum, nq), meta)
