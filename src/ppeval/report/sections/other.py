"""Chapter 7, other matters (其他需要说明的问题): diagnostics, sensitivity, provenance and reproduction."""

from __future__ import annotations

import json

from ppeval.pipeline import Diagnostic
from ppeval.report import fonts
from ppeval.report._blocks import Block, Code, KeyValues, Paragraph, Subsection, Table
from ppeval.report.sections import sensitivity
from ppeval.report.sections._common import SEVERITY_ORDER, narrative_blocks
from ppeval.report.sections._context import Context

__all__ = ["build", "diagnostic_text"]


def diagnostic_text(ctx: Context, d: Diagnostic) -> str:
    """The diagnostic's message: the pipeline's own sentence in English, a translated one otherwise."""
    t = ctx.t
    if t.code == "en":
        # the pipeline's sentence names ids in quotes: show the name with the id
        text = d.message
        for key in (d.indicator, d.node):
            if key and ctx.name(key) != key:
                text = text.replace(f"'{key}'", ctx.traced(key))
        return text
    _ = t._
    value = "-" if d.value is None else t.num(float(d.value), 0 if d.code == "thin_evidence" else 3)
    templates = {
        "ahp_inconsistent": _("The AHP judgments are inconsistent (CR = {value}); revise the judgments."),
        "imputed": _("A missing value was imputed."),
        "qualitative_share_low": _("The qualitative indicators carry {value} of the weight, below the system's "
                                   "floor."),
        "rater_disagreement": _("The raters disagree (Krippendorff's alpha = {value})."),
        "thin_evidence": _("Few raters behind the ratings ({value})."),
        "weights_fallback": _("The weighting method could not be applied; the weights fell back to another "
                              "method."),
        "low_reliability": _("The mean scores of a rater panel are not reliable (ICC = {value})."),
        "reliability_not_computed": _("The reliability of a rater panel could not be computed."),
        "weights_depend_on_set": _("The weights of some nodes are computed from the evaluated projects' data, so "
                                   "scores depend on which projects were evaluated."),
    }
    if d.code in templates:
        text = templates[d.code].format(value=value)
    elif d.code.endswith("_near_zero"):
        text = _("A weight is close to zero ({value}).").format(value=value)
    else:  # a kind of finding this version has no sentence for: its code and value, translated
        text = _("Finding {code} (value {value}); the English report gives the details.").format(
            code=d.code, value=value)
    where = t.join([x for x in (ctx.name(d.node) if d.node else "", ctx.name(d.indicator) if d.indicator else "",
                                _project_name(ctx, d.project) if d.project else "") if x])
    return f"{where}: {text}" if where and t.code == "en" else f"{where}：{text}" if where else text


def _project_name(ctx: Context, pid: str) -> str:
    ids = ctx.result.project_ids
    return ctx.project(ids.index(pid)) if pid in ids else pid


def _diagnostics(ctx: Context) -> Subsection:
    r, t = ctx.result, ctx.t
    _ = t._
    diags = sorted(r.diagnostics, key=lambda d: SEVERITY_ORDER.get(d.severity, 3))
    if ctx.project_index is not None:
        pid = r.project_ids[ctx.project_index]
        diags = [d for d in diags if d.project in (None, pid)]
    blocks: list[Paragraph | Table] = []
    if not diags:
        blocks.append(Paragraph(_("No diagnostics: nothing in the data or the judgments calls for attention.")))
    else:
        counts = {s: sum(d.severity == s for d in diags) for s in ("error", "warning", "info")}
        text = _("{w} warning(s), {i} note(s)").format(w=counts["warning"], i=counts["info"])
        if counts["error"]:
            text += _(", {e} error(s)").format(e=counts["error"])
        blocks.append(Paragraph(text + _(". Warnings do not stop the evaluation but should be read before the "
                                         "result is used.")))
        rows = []
        for d in diags[:500]:
            where = t.join([x for x in (
                _("node {name}").format(name=ctx.traced(d.node)) if d.node else "",
                _("indicator {name}").format(name=ctx.traced(d.indicator)) if d.indicator else "",
                _("project {name}").format(name=_project_name(ctx, d.project)) if d.project else "",
            ) if x])
            rows.append((t.term(d.severity), d.code, where or "-", diagnostic_text(ctx, d)))
        caption = _("Diagnostics")
        if len(diags) > 500:
            caption += " " + _("(the first {k} of {n})").format(k=500, n=t.count(len(diags)))
        blocks.append(Table((_("Severity"), _("Kind"), _("Where"), _("Message")), tuple(rows), caption=caption))
    if ctx.t.is_cjk and fonts.cjk_font() is None:
        blocks.append(Paragraph(_("No Chinese (CJK) font was found for the figures; Chinese labels in raster "
                                  "figures show as empty boxes. Install one (e.g. fonts-noto-cjk)."), "warning"))
    return Subsection("diagnostics", _("Diagnostics and warnings"), tuple(blocks))


def _provenance(ctx: Context) -> Subsection:
    t, sens = ctx.t, ctx.sens
    _ = t._
    p = ctx.result.provenance
    items = [
        (_("ppeval version"), p.ppeval_version),
        ("numpy / scipy", f"{p.numpy_version} / {p.scipy_version}"),
        (_("indicator system"), _("{id} version {version}").format(id=p.system_id, version=p.system_version)),
        ("system_hash (SHA-256)", p.system_hash),
        ("assessment_hash (SHA-256)", p.assessment_hash),
        ("config_hash (SHA-256)", p.config_hash),
        (_("seed"), _("none") if p.seed is None else str(p.seed)),
        (_("configuration"), json.dumps(p.config, sort_keys=True)),
    ]
    if sens is not None:
        conc = _("uniform") if sens.concentration is None else f"{sens.concentration:g}"
        items.append((_("sensitivity"), _("{k} samples, seed {seed}, concentration {c}").format(
            k=sens.samples, seed=sens.seed, c=conc)))
    cmd = ctx.command or "ppeval reproduce result.json SYSTEM DATA..."
    blocks: list[Paragraph | KeyValues | Code] = [
        Paragraph(_("The hashes are SHA-256 digests of the canonical JSON of the indicator system, the assessment "
                    "and the configuration: they change when any input value changes and not when a file is only "
                    "reformatted. To verify this result, run the command below with the same files; it recomputes "
                    "the evaluation and checks every hash and number (exit status 0 = verified, 1 = something "
                    "differs).")),
        KeyValues(tuple(items), mono=True),
        Code(cmd),
    ]
    if ctx.command is None:
        blocks.append(Paragraph(_("Replace result.json, SYSTEM and DATA with the result file and the input files."),
                                "note"))
    return Subsection("provenance", _("Provenance and reproduction"), tuple(blocks))


def build(ctx: Context) -> list[Block]:
    _ = ctx.t._
    n = ctx.narrative
    blocks: list[Block] = []
    if n is not None and (n.part("other") or (ctx.project_index is not None and n.part(
            "other", ctx.result.project_ids[ctx.project_index]))):
        blocks += narrative_blocks(ctx, "other", "")
    blocks.append(_diagnostics(ctx))
    blocks += sensitivity.build(ctx)
    blocks.append(_provenance(ctx))
    return blocks
