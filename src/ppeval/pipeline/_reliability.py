"""Reliability of the qualitative evidence: Cronbach's alpha per survey, ICC per expert panel.

Called by :func:`ppeval.pipeline.evaluate`; the statistics themselves are
:mod:`ppeval.qualitative.reliability`. A rater group is a **survey** when each
of its raters answers for one project only (residents, service users: one
questionnaire per respondent) and a **panel** when its raters score several
projects (experts, government reviewers).

* Survey: Cronbach's alpha (pairwise) of the group's qualitative indicators,
  respondents = (project, rater) rows, when the group answered at least 2
  indicators and at least 3 respondents answered; and KMO with Bartlett's
  test of the same answers (complete questionnaires, at least 3 items), when
  computable. When every respondent answered one item only, alpha is undefined
  (no pair of items answered together): an ``info`` diagnostic
  ``reliability_not_computed`` says so and no table is built.
* Panel: per indicator, ICC(2,k) (two-way random, mean of the panel's scores)
  on the projects every panel member scored (a fully crossed table); when
  fewer than 2 projects are complete (each project reviewed by some of the
  experts, the usual design), ICC(1,k) (one-way random: every project has its
  own raters) on the projects with at least 2 ratings, each with its first
  ``k`` ratings, ``k`` the smallest count. When neither is possible an
  ``info`` diagnostic names the indicators.

Values below :data:`~ppeval.qualitative.reliability.ALPHA_THRESHOLD` (0.7),
:data:`~ppeval.qualitative.reliability.KMO_THRESHOLD` (0.6, or Bartlett's
p >= 0.05) or :data:`~ppeval.qualitative.reliability.ICC_THRESHOLD` (0.75)
give a ``low_reliability`` warning.
"""

from __future__ import annotations

import numpy as np

from ppeval.errors import PPEvalError
from ppeval.pipeline._assemble import loader_codes
from ppeval.pipeline.result import Diagnostic, ReliabilityStat
from ppeval.qualitative._common import factorize, hash_keys
from ppeval.qualitative.reliability import (
    ALPHA_THRESHOLD,
    ICC_THRESHOLD,
    KMO_THRESHOLD,
    cronbach_alpha,
    icc,
    kmo_bartlett,
)
from ppeval.schema import Assessment

__all__ = ["reliability_statistics", "MIN_RESPONDENTS"]

#: Respondents a survey group needs before its alpha is computed.
MIN_RESPONDENTS = 3


def reliability_statistics(
    assessment: Assessment,
    qual_cols: np.ndarray,
    ids: tuple[str, ...] | list[str],
    group_codes: tuple[tuple[str, ...], np.ndarray] | None = None,
) -> tuple[tuple[ReliabilityStat, ...], list[Diagnostic]]:
    """Alpha per survey group and ICC(2,k) per panel group and indicator, with their diagnostics.

    ``group_codes``: ``(names, code of every rating into names)`` as the rating aggregation factorized
    the rater groups (names sorted); without it the groups are factorized here.
    """
    r = assessment.ratings
    out: list[ReliabilityStat] = []
    diags: list[Diagnostic] = []
    if len(r) == 0:
        return (), diags
    qset = np.zeros(len(ids), dtype=bool)
    qset[np.asarray(qual_cols, dtype=np.int64)] = True
    keep = qset[r.indicator]
    # a handful of groups: no sort of the ratings, and no copy of their group names
    if group_codes is not None and np.shape(group_codes[1]) == (len(r),):
        names_list, gcode_all = [str(x) for x in group_codes[0]], np.asarray(group_codes[1])
    else:
        names, gcode_all = factorize(r.group)
        names_list = [str(x) for x in names.tolist()]
    every = bool(keep.all())  # the usual case (ratings are for qualitative indicators): no index of them all
    rows = None if every else np.flatnonzero(keep)
    gcode = gcode_all if rows is None else gcode_all[rows]
    del keep
    # rater keys of all ratings hashed once (equal ids, equal keys): a group whose keys are all distinct has
    # distinct raters, so no rater id is gathered, coded or compared for it
    # (ratings from ppeval.io: the loader's exact rater codes instead of hashes, and when there are as many
    # raters as ratings, every group's raters are distinct without looking)
    cached = loader_codes(r)
    if cached is not None:
        key_all: np.ndarray | None = cached[3]  # exact codes: equal exactly for equal ids, as keys must be
        every_distinct = cached[2] == len(r)
    else:
        rater_arr = np.asarray(r.rater)
        key_all = hash_keys(np.zeros(len(r), dtype=np.int64), rater_arr) if rater_arr.ndim == 1 else None
        every_distinct = False
    if every_distinct:
        # as many raters as ratings: every group is a survey of one answer per respondent; its items and
        # answers counted for all groups at once (no index of each group's ratings)
        n_grp, n_ind = len(names_list), len(ids)
        ind_k = r.indicator if rows is None else r.indicator[rows]
        val_k = r.value if rows is None else r.value[rows]
        per_item = np.bincount(gcode.astype(np.int64) * n_ind + ind_k, minlength=n_grp * n_ind).reshape(n_grp, n_ind)
        nan = np.isnan(val_k)
        # every rating answered (the usual case): a group's answers are its ratings, counted per item above
        answered = per_item.sum(axis=1) if not nan.any() else np.bincount(gcode[~nan], minlength=n_grp)
        del nan
        for g, group in enumerate(names_list):
            if per_item[g].any():  # (a group that rated quantitative indicators only has none)
                out.extend(_one_answer_counts(group, per_item[g], int(answered[g]), ids, diags))
        return tuple(out), diags
    for g, group in enumerate(names_list):
        m = np.flatnonzero(gcode == g)
        if rows is not None:
            m = rows[m]
        if m.size == 0:  # a group that rated quantitative indicators only
            continue
        if every_distinct or (key_all is not None and _all_distinct(key_all[m])):
            # each rater gave one rating (a survey of one answer per respondent): what _survey_alpha finds
            # for such a group, from counts alone
            out.extend(_one_answer_survey(group, r.indicator[m], r.value[m], ids, diags))
            continue
        raters: np.ndarray | None
        if cached is not None and key_all is not None:
            # the loader's exact codes into the sorted distinct rater ids, made compact for the group: codes in
            # rater-id order (the order the statistics use), without building or hashing the ids' strings
            code, n_codes = _compact(key_all[m], cached[2])
            raters = None
        else:
            # raters coded once per group by hashing (no string sort of the ratings); the codes follow the
            # hashes, so they only decide survey vs panel here: the statistics use rater-id order below
            raters = r.rater[m]
            code = _rater_codes(raters)
            n_codes = int(code.max()) + 1 if code.size else 1
        # a survey when every rater's ratings are all of one project: no sort, compare with any one of them
        project = r.project[m]
        one_project = np.empty(n_codes, dtype=np.int64)
        one_project[code] = project
        if bool((one_project[code] == project).all()):
            del one_project
            out.extend(_survey_alpha(group, project, raters, code, r.indicator[m], r.value[m], ids,
                                     diags))
        elif raters is None:  # (codes in rater-id order already: np.unique's codes of the ids)
            out.extend(_panel_icc(group, r.project[m], code, np.arange(n_codes), r.indicator[m], r.value[m], ids,
                                  assessment, diags))
        else:
            raters, rater_code = np.unique(raters, return_inverse=True)
            out.extend(_panel_icc(group, r.project[m], rater_code.reshape(-1), raters, r.indicator[m],
                                  r.value[m], ids, assessment, diags))
    return tuple(out), diags


def _compact(codes: np.ndarray, size: int) -> tuple[np.ndarray, int]:
    """Codes in ``0 .. size-1`` renumbered ``0 .. k-1`` in the same order (k: the distinct codes present), and k
    (``np.unique(codes, return_inverse=True)``'s codes, by a count instead of a sort)."""
    present = np.zeros(size, dtype=bool)
    present[codes] = True
    pos = np.cumsum(present) - 1
    return pos[codes], int(pos[-1]) + 1 if size else 0


def _all_distinct(keys: np.ndarray) -> bool:
    """True when the 64-bit keys are all different (then so are the ids they were hashed from)."""
    sk = np.sort(keys)
    return not bool((sk[1:] == sk[:-1]).any())


def _one_answer_survey(
    group: str, indicator: np.ndarray, value: np.ndarray, ids: tuple[str, ...] | list[str],
    diags: list[Diagnostic],
) -> list[ReliabilityStat]:
    """:func:`_survey_alpha` of a group whose raters are all distinct (each gave one rating).

    Every respondent answered one item at most, so alpha is undefined: the same ``info`` diagnostic
    (when the group answered 2 items or more and at least :data:`MIN_RESPONDENTS` respondents answered),
    from a count of items and of answers, without coding the raters.
    """
    per_item = np.bincount(np.asarray(indicator, dtype=np.int64))
    return _one_answer_counts(group, per_item, int(np.count_nonzero(~np.isnan(value))), ids, diags)


def _one_answer_counts(
    group: str, per_item: np.ndarray, n_resp: int, ids: tuple[str, ...] | list[str], diags: list[Diagnostic],
) -> list[ReliabilityStat]:
    """:func:`_one_answer_survey` from the group's ratings per item (indicator index) and its answers."""
    items = np.flatnonzero(per_item)
    if items.size < 2:
        return []
    if n_resp < MIN_RESPONDENTS:
        return []
    names = tuple(ids[int(j)] for j in items)
    diags.append(Diagnostic(
        code="reliability_not_computed", severity="info",
        message=f"Cronbach's alpha of the {group!r} survey ({', '.join(names)}) is undefined: each of its "
        f"{n_resp} respondents answered one item only, so no two items were answered together",
    ))
    return []


def _rater_codes(raters: np.ndarray) -> np.ndarray:
    """A code per rating, equal exactly for equal rater ids (see :func:`_hash_codes`).

    When every id is distinct (each respondent gave one rating: the sorted 64-bit keys have no equal
    neighbours, and equal ids always have equal keys) the codes are ``0 .. n-1``: one sort of the keys,
    no argsort.
    """
    a = np.asarray(raters)
    key = hash_keys(np.zeros(a.shape[0], dtype=np.int64), a) if a.ndim == 1 else None
    if key is not None and a.shape[0]:
        sk = np.sort(key)
        if not bool((sk[1:] == sk[:-1]).any()):
            return np.arange(a.shape[0], dtype=np.int64)
    return _hash_codes(a, key)[1]


def _hash_codes(arr: np.ndarray, key: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of ``arr`` (in the order of their 64-bit hashes) and the code of every entry.

    No sort of the strings: each id is hashed from its code units
    (:func:`~ppeval.qualitative._common.hash_keys`), the 64-bit keys are
    sorted, and neighbours with equal keys are compared exactly; on a hash
    collision between different ids (or ids that cannot be hashed) it falls
    back to ``np.unique``. Exact either way.
    """
    a = np.asarray(arr)
    if key is None:
        key = hash_keys(np.zeros(a.shape[0], dtype=np.int64), a) if a.ndim == 1 else None
    if key is not None and a.shape[0]:
        order = np.argsort(key)
        sk = key[order]
        same = sk[1:] == sk[:-1]
        # only neighbours with equal keys are compared as strings (none when every id is distinct)
        if bool((a[order[1:][same]] == a[order[:-1][same]]).all()):
            new = np.concatenate(([True], ~same))
            code_sorted = np.cumsum(new) - 1
            code = np.empty(a.shape[0], dtype=np.int64)
            code[order] = code_sorted
            return a[order[new]], code
    uniq, inv = np.unique(a, return_inverse=True)
    return uniq, inv.reshape(-1).astype(np.int64)


def _survey_alpha(
    group: str,
    project: np.ndarray,
    rater_names: np.ndarray | None,
    rater_hash: np.ndarray,
    indicator: np.ndarray,
    value: np.ndarray,
    ids: tuple[str, ...] | list[str],
    diags: list[Diagnostic],
) -> list[ReliabilityStat]:
    """Alpha (and KMO) of one survey group.

    In a survey every rater answers for one project, so a respondent is a rater. When no respondent
    answered two or more of the group's items (one answer per questionnaire, e.g. a different resident
    per question), no pair of items has a covariance and alpha is undefined: an ``info`` diagnostic
    ``reliability_not_computed`` says so, and no respondents x items table is built.
    """
    items, col = _small_codes(indicator)
    if items.size < 2:
        return []
    names = tuple(ids[int(j)] for j in items)
    present = ~np.isnan(value)
    per_resp = np.bincount(rater_hash[present], minlength=int(rater_hash.max()) + 1)
    n_resp = int(np.count_nonzero(per_resp))
    if n_resp < MIN_RESPONDENTS:
        return []
    if int(per_resp.max()) < 2:
        diags.append(Diagnostic(
            code="reliability_not_computed", severity="info",
            message=f"Cronbach's alpha of the {group!r} survey ({', '.join(names)}) is undefined: each of its "
            f"{n_resp} respondents answered one item only, so no two items were answered together",
        ))
        return []
    # respondents (project, rater) in rater-id order, as the table's rows
    if rater_names is None:  # codes in rater-id order already (the loader's, made compact)
        rater = rater_hash
    else:
        order = np.argsort(_first_names(rater_names, rater_hash), kind="stable")  # a sort of distinct names only
        rank = np.empty(order.size, dtype=np.int64)
        rank[order] = np.arange(order.size)
        rater = rank[rater_hash]
    n_r = int(rater.max()) + 1 if rater.size else 1
    # respondents (project, rater), sorted: in a survey each rater answers for one project, so a respondent is
    # a rater and the sort is of the raters' keys, not of every rating's (np.unique's rows, the same order)
    of = np.empty(n_r, dtype=np.int64)
    of[rater] = project
    if bool((of[rater] == project).all()):
        pos = np.empty(n_r, dtype=np.int64)
        pos[np.argsort(of * n_r + np.arange(n_r))] = np.arange(n_r)
        row, n_rows = pos[rater], n_r
    else:  # pragma: no cover - the caller passes survey groups only
        resp, row = np.unique(project * n_r + rater, return_inverse=True)
        row, n_rows = np.asarray(row).reshape(-1), resp.shape[0]
    table = np.full((n_rows, items.size), np.nan)
    table[row, col] = value
    answered = ~np.isnan(table).all(axis=1)
    table = table[answered]
    if table.shape[0] < MIN_RESPONDENTS:
        return []
    try:
        res = cronbach_alpha(table, missing="pairwise")
    except PPEvalError as exc:
        diags.append(Diagnostic(code="reliability_not_computed", severity="info",
                                message=f"Cronbach's alpha of the {group!r} survey ({', '.join(names)}): {exc}"))
        return []
    stat = ReliabilityStat(
        statistic="cronbach_alpha", group=group, indicator_ids=names, kind="pairwise",
        value=res.alpha, ci=res.ci, n=res.n, k=res.k, threshold=ALPHA_THRESHOLD,
        acceptable=res.alpha >= ALPHA_THRESHOLD,
    )
    if not stat.acceptable:
        diags.append(Diagnostic(
            code="low_reliability", severity="warning",
            message=f"the {group!r} survey's answers to {', '.join(names)} are not internally consistent: "
            f"Cronbach's alpha = {res.alpha:.3f} < {ALPHA_THRESHOLD} ({res.n} respondents, {res.k} items)",
            value=float(res.alpha),
        ))
    return [stat, *_survey_kmo(group, table, names, diags)]


def _small_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` for non-negative integer codes (indicator columns): a count
    per value instead of a sort."""
    v = np.asarray(values, dtype=np.int64)
    if v.size == 0 or int(v.min()) < 0:
        uniq, inv = np.unique(v, return_inverse=True)
        return uniq, inv.reshape(-1)
    present = np.bincount(v) > 0
    items = np.flatnonzero(present)
    pos = np.cumsum(present) - 1
    return items, pos[v]


def _first_names(names: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The name of each code ``0 .. codes.max()`` (codes from :func:`_hash_codes` of ``names``)."""
    out = np.empty(int(codes.max()) + 1, dtype=names.dtype)
    out[codes] = names
    return out


def _survey_kmo(
    group: str, table: np.ndarray, names: tuple[str, ...], diags: list[Diagnostic]
) -> list[ReliabilityStat]:
    """KMO and Bartlett's test of a survey group's answers (complete questionnaires; 3 items or more).

    With 2 items the partial correlation equals the correlation and KMO is 0.5 whatever the data, so it is
    not reported.
    """
    if table.shape[1] < 3:
        return []
    try:
        res = kmo_bartlett(table)
    except PPEvalError as exc:
        diags.append(Diagnostic(code="reliability_not_computed", severity="info",
                                message=f"KMO and Bartlett's test of the {group!r} survey: {exc}"))
        return []
    ok = res.kmo >= KMO_THRESHOLD and res.p_value < 0.05
    stat = ReliabilityStat(
        statistic="kmo_bartlett", group=group, indicator_ids=names, kind="listwise", value=res.kmo, ci=None,
        n=res.n, k=len(names), threshold=KMO_THRESHOLD, acceptable=ok, p_value=res.p_value,
    )
    if not ok:
        diags.append(Diagnostic(
            code="low_reliability", severity="warning",
            message=f"the {group!r} survey's answers share little common variance: KMO = {res.kmo:.3f} "
            f"(floor {KMO_THRESHOLD}), Bartlett's p = {res.p_value:.3g} ({res.n} complete questionnaires)",
            value=float(res.kmo),
        ))
    return [stat]


def _panel_icc(
    group: str,
    project: np.ndarray,
    rater: np.ndarray,
    raters: np.ndarray,
    indicator: np.ndarray,
    value: np.ndarray,
    ids: tuple[str, ...] | list[str],
    assessment: Assessment,
    diags: list[Diagnostic],
) -> list[ReliabilityStat]:
    out: list[ReliabilityStat] = []
    skipped: list[str] = []
    n_proj = len(assessment.project_ids)
    for j in np.unique(indicator):
        m = (indicator == j) & ~np.isnan(value)
        who = np.unique(rater[m])
        if who.size < 2:
            continue
        pos = np.full(raters.size, -1, dtype=np.int64)
        pos[who] = np.arange(who.size)
        table = np.full((n_proj, who.size), np.nan)
        table[project[m], pos[rater[m]]] = value[m]
        complete = ~np.isnan(table).any(axis=1)
        ind = ids[int(j)]
        if complete.sum() >= 2:
            data, kind = table[complete], "ICC2k"
        else:
            data = _one_way_table(table)
            kind = "ICC1k"
            if data is None:
                skipped.append(ind)
                continue
        try:
            res = icc(data, kind=kind)  # type: ignore[arg-type]
        except PPEvalError as exc:
            diags.append(Diagnostic(code="reliability_not_computed", severity="info",
                                    message=f"indicator {ind!r}: ICC of the {group!r} panel: {exc}", indicator=ind))
            continue
        stat = ReliabilityStat(
            statistic="icc", group=group, indicator_ids=(ind,), kind=res.kind, value=res.value, ci=res.ci,
            n=res.n_targets, k=res.n_raters, threshold=ICC_THRESHOLD, acceptable=res.value >= ICC_THRESHOLD,
        )
        out.append(stat)
        if not stat.acceptable:
            diags.append(Diagnostic(
                code="low_reliability", severity="warning",
                message=f"indicator {ind!r}: the {group!r} panel's mean scores are not reliable: {res.kind} = "
                f"{res.value:.3f} < {ICC_THRESHOLD} ({res.n_targets} projects, {res.n_raters} raters)",
                indicator=ind, value=float(res.value),
            ))
    if skipped:
        diags.append(Diagnostic(
            code="reliability_not_computed", severity="info",
            message=f"the {group!r} panel's ICC was not computed for {', '.join(skipped)}: fewer than 2 projects "
            "were scored by at least 2 members each",
        ))
    return out


def _one_way_table(table: np.ndarray) -> np.ndarray | None:
    """Projects x ``k`` table for the one-way ICC when the panel is not fully crossed, or None.

    Each project rated by at least 2 members keeps its first ``k`` ratings
    (members in id order), ``k`` the smallest such count: in the one-way
    random model (Shrout & Fleiss case 1) every target has its own random
    raters, so which ``k`` of a project's ratings are used does not matter to
    the model; using the first ``k`` keeps the choice deterministic.
    """
    counts = (~np.isnan(table)).sum(axis=1)
    rows = counts >= 2
    if rows.sum() < 2:
        return None
    k = int(counts[rows].min())
    sub = table[rows]
    # move each row's ratings to the front (stable: member order kept), then keep k columns
    order = np.argsort(np.isnan(sub), axis=1, kind="stable")
    packed = np.take_along_axis(sub, order, axis=1)
    return packed[:, :k]
