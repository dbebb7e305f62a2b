"""The parts of a report an evaluator writes: overview, organisation, problems, recommendations.

A narrative file (YAML, JSON or TOML, read by :func:`ppeval.io.load_narrative`)
holds texts for the whole evaluation and, under ``projects``, for single
projects (keyed by project id). Each text is inserted in its place in the
report's outline; computed parts are generated around it. Paragraphs are
separated by blank lines.
"""

from __future__ import annotations

from pydantic import Field

from ppeval.schema._base import FrozenModel, Text

__all__ = ["NarrativeParts", "Narrative", "NARRATIVE_PARTS"]

#: The narrative parts, in report order.
NARRATIVE_PARTS = ("overview", "organisation", "problems", "recommendations", "other")


class NarrativeParts(FrozenModel):
    """Texts an evaluator writes, each optional.

    Attributes
    ----------
    overview : str or None
        Background of the purchase, the services, the providers (chapter 1).
    organisation : str or None
        How the evaluation was organised: team, timing, data collection, site visits (chapter 2).
    problems : str or None
        Problems found and their causes (chapter 5).
    recommendations : str or None
        Recommendations (chapter 6).
    other : str or None
        Anything else to state (chapter 7).
    """

    overview: Text | None = None
    organisation: Text | None = None
    problems: Text | None = None
    recommendations: Text | None = None
    other: Text | None = None


class Narrative(FrozenModel):
    """The narrative of a whole evaluation and of single projects.

    Examples
    --------
    >>> n = Narrative.model_validate({"evaluation": {"overview": "Bought in 2025."},
    ...                               "projects": {"p01": {"problems": "Few residents took part."}}})
    >>> n.part("overview"), n.part("problems", "p01"), n.part("problems")
    ('Bought in 2025.', 'Few residents took part.', None)
    """

    schema_version: int = 1
    evaluation: NarrativeParts = NarrativeParts()
    projects: dict[Text, NarrativeParts] = Field(default_factory=dict)

    def part(self, name: str, project: str | None = None) -> str | None:
        """The text of part ``name`` for the evaluation (``project=None``) or for one project."""
        parts = self.evaluation if project is None else self.projects.get(project)
        if parts is None:
            return None
        text: str | None = getattr(parts, name)
        return text
