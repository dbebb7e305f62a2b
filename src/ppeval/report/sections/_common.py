"""Small helpers shared by the section modules."""

from __future__ import annotations

from ppeval.report._blocks import Block, Paragraph
from ppeval.report.sections._context import Context

__all__ = ["narrative_blocks", "method_name", "SEVERITY_ORDER"]

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def method_name(ctx: Context, method: str) -> str:
    """The aggregation method's name with its source, in the report's language."""
    _ = ctx.t._
    names = {
        "topsis": _("TOPSIS (Hwang & Yoon 1981)"),
        "wsm": _("the weighted sum (simple additive weighting)"),
        "vikor": _("VIKOR (Opricovic & Tzeng 2004)"),
        "fce": _("fuzzy comprehensive evaluation (weighted-average operator)"),
        "gra": _("grey relational analysis (Deng 1982)"),
    }
    return names.get(method, method)


def narrative_blocks(ctx: Context, part: str, placeholder: str) -> list[Block]:
    """The evaluator's text for ``part`` (per project in a one-project report), or a note asking for it."""
    n = ctx.narrative
    project = ctx.result.project_ids[ctx.project_index] if ctx.project_index is not None else None
    text = None
    if n is not None:
        text = n.part(part, project) if project is not None else n.part(part)
        if text is None and project is not None:
            text = n.part(part)
    if text:
        return [Paragraph(p.strip()) for p in text.split("\n\n") if p.strip()]
    _ = ctx.t._
    return [Paragraph(placeholder + " " + _("(Written by the evaluator: add `{part}` to the narrative file.)")
                      .format(part=part), "note")]
