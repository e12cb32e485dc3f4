"""Patient wording for the self-screen (self_screen.yaml): plain words keyed by question id and region id.

The clinician wording stays in questions.yaml and regions.yaml (and the triage summary in safety/); this file says
the same things at a reading age of about 11–12, and what each triage action level means on the released result
page. The loader validates its shape here and `integrity.py` checks that its keys cover exactly the known questions,
regions and action levels.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from kinetrace.values import ActionLevel

__all__ = ["PAGE_KEYS", "SelfScreenWording", "self_screen_problems"]

# Fixed page texts the self-screen template reads (every one must be given).
PAGE_KEYS: tuple[str, ...] = (
    "title",
    "intro",
    "where_heading",
    "age_label",
    "how_bad_heading",
    "how_bad_hint",
    "intensity_label",
    "weeks_label",
    "safety_heading",
    "safety_hint",
    "more_questions",
    "photos_heading",
    "photos_hint",
    "submit",
    "footer",
)


class SelfScreenWording(BaseModel):
    """Plain-language texts of the self-screen: body areas, questions and fixed page texts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    regions: dict[str, str] = Field(description="region id → plain name")
    questions: dict[str, str] = Field(description="question id → plain question")
    page: dict[str, str] = Field(description="fixed page text key → plain text")
    triage: dict[str, str] = Field(
        default_factory=dict, description="action level → what the safety check means, for the released result page"
    )

    def question(self, question_id: str, fallback: str) -> str:
        """Return the plain wording of a question, or `fallback` when none is given."""
        return self.questions.get(question_id, fallback)

    def region(self, region_id: str, fallback: str) -> str:
        """Return the plain name of a body region, or `fallback` when none is given."""
        return self.regions.get(region_id, fallback)


def self_screen_problems(
    wording: SelfScreenWording | None, *, questions: Iterable[str], regions: Iterable[str]
) -> list[str]:
    """Return problems with self_screen.yaml: unknown ids, missing page texts, empty texts."""
    if wording is None:
        return []
    problems: list[str] = []
    tables: list[tuple[str, set[str], set[str]]] = [
        ("regions", set(wording.regions), set(regions)),
        ("questions", set(wording.questions), set(questions)),
        ("page", set(wording.page), set(PAGE_KEYS)),
        ("triage", set(wording.triage), {str(a) for a in ActionLevel}),
    ]
    # A question or region without plain wording is not a load error: the page falls back to the clinician
    # wording and tests/web/test_self_screen_wording.py fails, so adding a question never breaks the app.
    for section, given, known in tables:
        problems.extend(
            f"self_screen.yaml: entry {key!r}, field {section}: got an unknown id; expected one of the {section} ids"
            for key in sorted(given - known)
        )
        if section in ("page", "triage"):
            problems.extend(
                f"self_screen.yaml: entry {key!r}, field {section}: missing; expected plain wording for "
                f"every {section} key"
                for key in sorted(known - given)
            )
    for section in ("regions", "questions", "page", "triage"):
        texts: dict[str, str] = getattr(wording, section)
        problems.extend(
            f"self_screen.yaml: entry {key!r}, field {section}: got an empty text; expected words"
            for key, text in texts.items()
            if not text.strip()
        )
    return problems
