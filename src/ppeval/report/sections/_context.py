"""What every section needs: the result, names in the report's language, orders and size limits."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ppeval.pipeline import EvaluationResult, NodeWeights
from ppeval.pipeline.sensitivity import SensitivityAnalysis
from ppeval.report.i18n import Language
from ppeval.schema import IndicatorSystem
from ppeval.schema._base import localized
from ppeval.schema.narrative import Narrative

__all__ = ["Context", "make_context", "FIGURE_ROWS", "WIDE_COLUMNS", "DEFAULT_GRADE_LABELS", "TERMS", "N_"]

#: Figures and per-project sensitivity tables show at most this many projects (the best and the worst half).
FIGURE_ROWS = 30
#: Tables with one column per project are used up to this many projects (else projects become rows).
WIDE_COLUMNS = 10

#: The default grade labels (``DEFAULT_GRADES``), marked for translation.
DEFAULT_GRADE_LABELS = {"excellent": "excellent", "good": "good", "fair": "fair", "poor": "poor"}


def N_(text: str) -> str:  # noqa: N802 - the gettext convention for "mark, do not translate here"
    """Mark a text for extraction into the catalogs without translating it here."""
    return text


#: Words that reach a report from data (grade labels of the default bands, rater groups, modes,
#: severities); marked here so the catalogs translate them.
TERMS = (
    N_("excellent"), N_("good"), N_("fair"), N_("poor"),
    N_("resident"), N_("service_user"), N_("expert"), N_("government"), N_("family"),
    N_("absolute"), N_("relative"),
    N_("error"), N_("warning"), N_("info"),
    N_("values"), N_("ratings"), N_("projects"),
)


@dataclass(frozen=True)
class Context:
    """Names, orders and options shared by the sections of one report."""

    result: EvaluationResult
    system: IndicatorSystem | None
    t: Language
    sens: SensitivityAnalysis | None
    command: str | None
    narrative: Narrative | None
    project_index: int | None
    names: dict[str, str]
    order: np.ndarray  # project indices, best first
    nodes: dict[str, NodeWeights]
    root: str | None
    col: dict[str, int]  # indicator id -> column
    grade_names: dict[str, str] = field(default_factory=dict)

    # ------------------------------------------------------------------ names
    def name(self, node_id: str) -> str:
        """The node's or indicator's name in the report's language (the id without a system)."""
        return self.names.get(node_id, node_id)

    def traced(self, node_id: str) -> str:
        """Name and id, ``name [id]``, where a reader needs to trace the name back to the data."""
        name = self.name(node_id)
        return name if name == node_id else f"{name} [{node_id}]"

    def project(self, i: int) -> str:
        """A project's name (its id when it has none)."""
        return self.result.project_names[i] or self.result.project_ids[i]

    def project_traced(self, i: int) -> str:
        pid, name = self.result.project_ids[i], self.result.project_names[i]
        return pid if not name or name == pid else f"{name} [{pid}]"

    def grade(self, label: str) -> str:
        """A grade label in the report's language."""
        if label in self.grade_names:
            return self.grade_names[label]
        return self.t._(label) if label in DEFAULT_GRADE_LABELS else label

    # ------------------------------------------------------------------ sizes
    @property
    def n(self) -> int:
        return len(self.result.project_ids)

    @property
    def many(self) -> bool:
        """More projects than a figure or a per-project sensitivity table shows."""
        return self.n > FIGURE_ROWS

    def shown(self) -> np.ndarray:
        """Projects shown in figures, best first: all, or the best and the worst FIGURE_ROWS / 2."""
        if not self.many:
            return self.order
        half = FIGURE_ROWS // 2
        return np.concatenate([self.order[:half], self.order[-half:]])

    def shown_note(self) -> str:
        """A caption sentence saying which projects a figure shows (empty when all)."""
        if not self.many:
            return ""
        half = FIGURE_ROWS // 2
        return " " + self.t._("Shown: the {k} best and the {k} worst of {n} projects.").format(
            k=half, n=self.t.count(self.n))

    # ------------------------------------------------------------------ tree
    def leaves_under(self, node_id: str) -> list[int]:
        if node_id in self.col:
            return [self.col[node_id]]
        nw = self.nodes.get(node_id)
        if nw is None:
            return []
        out: list[int] = []
        for child in nw.children:
            out += self.leaves_under(child)
        return out

    def walk(self) -> list[tuple[str, int, float, float]]:
        """(id, depth, local weight, global weight) of every node, depth-first from the root."""
        out: list[tuple[str, int, float, float]] = []
        if self.root is None:
            return out

        def visit(node_id: str, depth: int, local: float, glob: float) -> None:
            out.append((node_id, depth, local, glob))
            nw = self.nodes.get(node_id)
            if nw is None:
                return
            for child, w in zip(nw.children, nw.weights, strict=True):
                visit(child, depth + 1, float(w), glob * float(w))

        visit(self.root, 0, 1.0, 1.0)
        return out

    def top_groups(self) -> tuple[list[str], np.ndarray]:
        """Children of the root and the (n, k) contributions summed under each."""
        r = self.result
        if self.root is None:
            return [self.t._("all indicators")], r.contributions.sum(axis=1, keepdims=True)
        groups = list(self.nodes[self.root].children)
        parts = np.column_stack([
            r.contributions[:, self.leaves_under(g)].sum(axis=1) if self.leaves_under(g)
            else np.zeros(len(r.ranks)) for g in groups
        ])
        return groups, parts

    def grade_bands(self) -> list[tuple[str, float]]:
        """(label in the report's language, lower bound) of every grade band, best first."""
        if self.system is None:
            return []
        return [(self.grade(b.label), float(b.min)) for b in self.system.grades]


def make_context(
    result: EvaluationResult,
    system: IndicatorSystem | None,
    t: Language,
    *,
    sens: SensitivityAnalysis | None = None,
    command: str | None = None,
    narrative: Narrative | None = None,
    project_index: int | None = None,
) -> Context:
    names: dict[str, str] = {}
    grade_names: dict[str, str] = {}
    if system is not None:
        names = {g.id: localized(g.name, g.names, t.code) for g in system.inner_nodes()}
        names.update({leaf.id: localized(leaf.name, leaf.names, t.code) for leaf in system.leaves()})
        grade_names = {b.label: b.label_in(t.code) for b in system.grades}
        if t.code != "en":
            for b in system.grades:
                if not b.labels or t.code not in b.labels:
                    grade_names[b.label] = t._(b.label) if b.label in DEFAULT_GRADE_LABELS else b.label
    nodes = {nw.node: nw for nw in result.node_weights}
    children = {c for nw in result.node_weights for c in nw.children}
    roots = [nw.node for nw in result.node_weights if nw.node not in children]
    return Context(
        result=result,
        system=system,
        t=t,
        sens=sens,
        command=command,
        narrative=narrative,
        project_index=project_index,
        names=names,
        order=np.argsort(result.ranks, kind="stable"),
        nodes=nodes,
        root=roots[0] if roots else None,
        col={ind: j for j, ind in enumerate(result.indicator_ids)},
        grade_names=grade_names,
    )
