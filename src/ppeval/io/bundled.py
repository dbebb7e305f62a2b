"""The indicator systems bundled with ppeval, and their sample assessments.

The YAML files live in the repository's ``indicators/`` directory; a wheel
ships them as package data at ``ppeval/_bundled/`` (hatchling
``force-include``). In a source or editable checkout the repository directory
is used. A system ``<id>`` is the file ``<id>.yaml``; its sample assessment is
``<id>.values.csv``, ``<id>.ratings.csv`` and ``<id>.projects.csv`` next to it
(whichever exist).
"""

from __future__ import annotations

from pathlib import Path

from ppeval.errors import InputError
from ppeval.schema import Assessment, IndicatorSystem

__all__ = [
    "bundled_dir",
    "list_systems",
    "system_path",
    "load_bundled",
    "sample_assessment_paths",
    "load_sample",
    "SAMPLE_SUFFIXES",
]

#: Suffixes of a bundled system's sample assessment files, in loading order.
SAMPLE_SUFFIXES = (".projects.csv", ".values.csv", ".ratings.csv")


def _candidates() -> tuple[Path, ...]:
    """Where the bundled systems may be: package data first, then the source checkout."""
    here = Path(__file__).resolve()
    return (here.parents[1] / "_bundled", here.parents[3] / "indicators")


def bundled_dir() -> Path:
    """The directory holding the bundled systems.

    ``ppeval/_bundled`` inside an installed wheel; otherwise the repository's
    ``indicators/`` directory (source or editable checkout).

    Raises
    ------
    InputError
        If neither exists (a broken installation).
    """
    for candidate in _candidates():
        if candidate.is_dir():
            return candidate
    raise InputError(
        "the bundled indicator systems are missing: neither ppeval/_bundled (wheel) nor the repository's "
        "indicators/ directory exists; reinstall ppeval"
    )


def list_systems() -> tuple[str, ...]:
    """Ids of the bundled indicator systems, sorted.

    Examples
    --------
    >>> isinstance(list_systems(), tuple)
    True
    """
    return tuple(sorted(p.stem for p in bundled_dir().glob("*.yaml") if p.is_file() and "." not in p.stem))


def system_path(name: str) -> Path:
    """Path of the bundled system ``name`` (:class:`InputError` listing the ids if unknown)."""
    names = list_systems()
    if name not in names:
        raise InputError(f"no bundled indicator system {name!r}; available: {', '.join(names) or 'none'}")
    return bundled_dir() / f"{name}.yaml"


def load_bundled(name: str) -> IndicatorSystem:
    """Load and validate the bundled system ``name``."""
    from ppeval.io._system import load_system

    return load_system(system_path(name))


def sample_assessment_paths(name: str) -> tuple[Path, ...]:
    """The sample assessment files of the bundled system ``name``.

    Projects, values and ratings files, those that exist, in that order.

    Raises
    ------
    InputError
        If ``name`` is unknown or has no sample assessment.
    """
    base = system_path(name).parent
    paths = tuple(base / f"{name}{s}" for s in SAMPLE_SUFFIXES if (base / f"{name}{s}").is_file())
    if not paths:
        raise InputError(f"bundled system {name!r} has no sample assessment ({name}.values.csv etc.)")
    return paths


def load_sample(name: str) -> tuple[IndicatorSystem, Assessment]:
    """Load the bundled system ``name`` and its sample assessment."""
    from ppeval.io._assessment import load_assessment

    system = load_bundled(name)
    return system, load_assessment(sample_assessment_paths(name), system)
