"""``ppeval reproduce``: check that a stored result follows from its inputs."""

from __future__ import annotations

import argparse
from pathlib import Path

from ppeval.cli._common import (
    EXIT_FAILURE,
    EXIT_OK,
    _add_lang_option,
    _add_reading,
    _console,
    _error,
    _language,
    _load_inputs,
    _read_result_text,
)
from ppeval.errors import ReproducibilityError

__all__ = ["register", "run"]

def run(args: argparse.Namespace) -> int:
    from ppeval.pipeline import reproduce

    _read_result_text(args.result)  # a clear message for a missing or unreadable file
    system, assessment = _load_inputs(args.system, args.data, args.encoding, args.delimiter, args.questionnaire)
    try:
        result = reproduce(Path(args.result), system, assessment, atol=args.atol)
    except ReproducibilityError as exc:
        _error(str(exc))
        return EXIT_FAILURE
    p = result.provenance
    _ = _language(args.lang)._
    how = (_("exactly"), _("byte for byte")) if args.atol is None else (
        _("within atol={atol}").format(atol=f"{args.atol:g}"), _("every number"))
    _console().print(
        _("verified: {result} reproduces {how} ({n} projects, {what}, system {system} {version}, system_hash "
          "{sh}, assessment_hash {ah}, seed {seed})").format(
            result=args.result, how=how[0], n=len(result.project_ids), what=how[1], system=p.system_id,
            version=p.system_version, sh=p.system_hash[:12], ah=p.assessment_hash[:12], seed=p.seed),
        markup=False,
        soft_wrap=True,
    )
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``reproduce`` subcommand to ``sub``."""
    p = sub.add_parser(
        "reproduce",
        help="check that a stored result follows from its inputs",
        description="Recompute a stored result from the indicator system and assessment files and check "
                    "every input hash and every number: by default the recomputed result must equal the "
                    "file byte for byte. Exit 0 if verified, 1 (naming what differs) if not.",
    )
    p.add_argument("result", metavar="RESULT.json")
    p.add_argument("system", metavar="SYSTEM")
    p.add_argument("data", metavar="DATA", nargs="+")
    p.add_argument("--atol", type=_atol, default=None, metavar="X",
                   help="accept numbers that differ by at most X (every numeric field; default: the "
                        "recomputed result must equal the file byte for byte)")
    _add_reading(p)
    _add_lang_option(p)
    p.set_defaults(func=run)


def _atol(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text} must be a finite number >= 0")
    return value
