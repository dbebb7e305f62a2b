"""``ppeval reproduce``: check that a stored result follows from its inputs."""

from __future__ import annotations

import argparse

from ppeval.cli._common import (
    EXIT_FAILURE,
    EXIT_OK,
    _add_reading,
    _console,
    _error,
    _load_inputs,
    _read_result_text,
)
from ppeval.errors import ReproducibilityError

__all__ = ["register", "run"]

def run(args: argparse.Namespace) -> int:
    from ppeval.pipeline import reproduce

    text = _read_result_text(args.result)
    system, assessment = _load_inputs(args.system, args.data, args.encoding, args.delimiter, args.questionnaire)
    try:
        result = reproduce(text, system, assessment)
    except ReproducibilityError as exc:
        _error(f"{args.result}: {exc}")
        return EXIT_FAILURE
    p = result.provenance
    _console().print(
        f"verified: {args.result} reproduces exactly ({len(result.project_ids)} projects, "
        f"system {p.system_id} {p.system_version}, system_hash {p.system_hash[:12]}, "
        f"assessment_hash {p.assessment_hash[:12]}, seed {p.seed})",
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
                    "every input hash and number. Exit 0 if verified, 1 (with what differs) if not.",
    )
    p.add_argument("result", metavar="RESULT.json")
    p.add_argument("system", metavar="SYSTEM")
    p.add_argument("data", metavar="DATA", nargs="+")
    _add_reading(p)
    p.set_defaults(func=run)
