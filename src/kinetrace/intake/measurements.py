"""Validated measurements: each finding entry of a case, checked against its test and put in canonical units.

`intake.validate.validate_case` builds these; the findings engine reads them. One `Measurement` is one entry
of `case.findings` (a test measured by two methods gives two measurements with `entry_index` 0 and 1).

Which fields are set depends on the test (`ClinicalTest.kind` and `.bilateral`):

| test kind | bilateral | fields set |
|---|---|---|
| numeric | yes | `left` and/or `right` (float, in `unit`) |
| numeric | no | `value` (float, in `unit`), `side` where given |
| categorical | yes | `left` and/or `right` (category id) |
| categorical | no | `category` |
| count | no | `count` |
| yes_no | yes | `left` and/or `right` (`"yes"` / `"no"` / `"unknown"`) |
| yes_no | no | `answer` |

`unit` is always the test's own unit from the knowledge base (deg, mm, s, …), whatever unit the case used;
`entered_unit` keeps what was written, and `uncertainty` is converted with the values.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kinetrace.intake.case import Answer
from kinetrace.units import Side

__all__ = ["CaseMeasurements", "Measurement"]


@dataclass(frozen=True)
class Measurement:
    """One validated finding entry, values in the test's canonical unit."""

    test_id: str
    entry_index: int
    path: str
    unit: str
    left: float | str | None = None
    right: float | str | None = None
    value: float | None = None
    category: str | None = None
    count: int | None = None
    answer: Answer | None = None
    side: Side | None = None
    method: str | None = None
    source: str | None = None
    uncertainty: float | None = None
    entered_unit: str | None = None
    validated: bool | None = None
    review: str | None = None
    confirmed: bool | None = None
    photos: int | None = None
    spread: float | None = None

    @property
    def is_bilateral(self) -> bool:
        """True when the entry holds per-side results (`left`/`right`)."""
        return self.left is not None or self.right is not None


@dataclass(frozen=True)
class CaseMeasurements:
    """All validated measurements of one case, in case order."""

    measurements: tuple[Measurement, ...] = ()

    def __iter__(self) -> Iterator[Measurement]:
        return iter(self.measurements)

    def __len__(self) -> int:
        return len(self.measurements)

    def for_test(self, test_id: str) -> tuple[Measurement, ...]:
        """Return the entries for one test (empty when it was not measured)."""
        return tuple(m for m in self.measurements if m.test_id == test_id)

    @property
    def test_ids(self) -> tuple[str, ...]:
        """Return the ids of the tests measured, in case order, without repeats."""
        return tuple(dict.fromkeys(m.test_id for m in self.measurements))
