"""``ppeval validate``: check an indicator system and assessment files."""

from __future__ import annotations

import argparse
from typing import Any

from ppeval.cli._common import (
    EXIT_INPUT,
    EXIT_OK,
    METHOD_CHOICES,
    MODE_CHOICES,
    _add_lang_option,
    _add_reading,
    _console,
    _language,
)
from ppeval.errors import PPEvalError

__all__ = ["register", "run"]

def run(args: argparse.Namespace) -> int:
    from ppeval.io import Questionnaire, load_assessment, load_system, system_problems

    console = _console()
    t = _language(args.lang)
    _ = t._
    problems = system_problems(args.system)
    if problems:
        console.print(_("{file}: {k} problem(s)").format(file=args.system, k=len(problems)), markup=False)
        for p in problems:
            console.print(f"  {args.system}: {p}", markup=False, soft_wrap=True)
        if args.data:
            console.print(_("the data files were not checked: fix the indicator system first"), markup=False)
        return EXIT_INPUT
    system = load_system(args.system)
    n_inner = len(system.inner_nodes())
    console.print(
        _("{file}: valid indicator system {id!r} ({m} indicators, {k} inner nodes)").format(
            file=args.system, id=system.id, m=len(system.leaf_ids), k=n_inner),
        markup=False,
    )
    for rep in system.consistency():
        if not rep.consistent:
            console.print("  " + _("warning: {message}").format(message=rep.message()), markup=False,
                          soft_wrap=True)
    if not args.data and not args.questionnaire:
        return EXIT_OK
    try:
        items: list[Any] = [*args.data, *(Questionnaire(e, m) for e, m in args.questionnaire or ())]
        assessment = load_assessment(items, system, encoding=args.encoding, delimiter=args.delimiter)
    except PPEvalError as exc:
        lines = str(exc).splitlines()
        console.print(lines[0], markup=False, soft_wrap=True)
        for line in lines[1:]:
            console.print(line, markup=False, soft_wrap=True)
        return EXIT_INPUT
    from ppeval.pipeline import validate

    try:  # every check evaluate runs: the same code (ppeval.pipeline.validate runs evaluate)
        found = validate(system, assessment, method=args.method, mode=args.mode)
    except PPEvalError as exc:
        for line in str(exc).splitlines():
            console.print(line, markup=False, soft_wrap=True)
        return EXIT_INPUT
    n_ratings = int(assessment.ratings.value.shape[0])
    console.print(
        _("{files}: valid assessment ({n} projects, {k} ratings) for {method}, {mode} mode").format(
            files=", ".join(args.data), n=assessment.n_projects, k=n_ratings, method=args.method,
            mode=_(args.mode)),
        markup=False,
        soft_wrap=True,
    )
    warnings = [d for d in found if d.severity in ("warning", "error")]
    for d in warnings:
        console.print(f"  warning: {d.message}", markup=False, soft_wrap=True)
    for info in assessment.source_info:
        how = [info.format]
        if info.sheet is not None:
            how.append(_("sheet {name!r}").format(name=info.sheet))
        if info.encoding is not None:
            how.append(info.encoding)
        if info.delimiter is not None:
            how.append(_("tab-separated") if info.delimiter == "\t" else _("{char!r}-separated").format(
                char=info.delimiter))
        console.print("  " + _("{name}: {kind}, read as {how}").format(name=info.name, kind=t.term(info.kind),
                                                                      how=t.join(how)),
                      markup=False, soft_wrap=True)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``validate`` subcommand to ``sub``."""
    p = sub.add_parser(
        "validate",
        help="check an indicator system and assessment files",
        description="Check an indicator system file and, if given, assessment files against it, with "
                    "every check ppeval evaluate runs (same options). Prints every problem with file, row "
                    "and id; exit 0 if valid (ppeval evaluate will succeed), 2 if not.",
    )
    p.add_argument("system", metavar="SYSTEM", help="indicator system (.yaml, .json or .toml)")
    p.add_argument("--method", choices=METHOD_CHOICES, default="topsis",
                   help="check for this scoring method, as ppeval evaluate would use it (default topsis)")
    p.add_argument("--mode", choices=MODE_CHOICES, default="absolute",
                   help="check for this mode (default absolute, as ppeval evaluate)")
    p.add_argument("data", metavar="DATA", nargs="*",
                   help="assessment files: values, ratings, projects (.csv in UTF-8, GBK or UTF-16; .xlsx; .json)")
    _add_reading(p)
    _add_lang_option(p)
    p.set_defaults(func=run)
