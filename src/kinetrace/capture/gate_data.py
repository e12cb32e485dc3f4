"""The 3-D capture's gates and test protocols as validated data (`capture/data/gates.yaml`).

Each bound carries its unit and source ("EO design default" where no study set it). `gate_data()` loads and
validates the file once; unknown keys and a protocol naming an unknown capture test are errors.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kinetrace.errors import KnowledgeError

__all__ = ["Bound", "GateData", "Protocol", "SideSpec", "gate_data", "parse_gate_data"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bound(_Model):
    """One bound: its value, unit and where it comes from."""

    value: float
    unit: str
    source: str = Field(min_length=3)


class _Quality(_Model):
    min_person_fraction: Bound
    max_median_reprojection_px: Bound
    max_still_speed_m_s: Bound
    fps_tolerance: Bound


class _Movement(_Model):
    description: str
    bound: Bound


class _Range(_Model):
    min: Bound | None = None
    max: Bound | None = None


class SideSpec(_Model):
    """Which angle series a side is read from, and which way the tested movement turns it."""

    angle: str
    toward: Literal["positive", "negative"]
    movement: str


class _Value(_Model):
    angle: str
    statistic: Literal["still_mean", "max"]  # the still window's mean, or the trial's largest value
    absolute: bool = False  # report the size only (e.g. obliquity: the side is not part of the value)


class Protocol(_Model):
    """What a trial must show before it may feed knowledge-base test `test_id`."""

    test_id: str
    capture_test: str
    label: str
    position: Literal["seated", "standing"]
    needs: str
    hip_flexion_deg: _Range
    max_pelvis_travel_m: Bound
    max_pelvis_rotation_range_deg: Bound | None = None
    min_excursion_deg: Bound | None = None
    uncertainty: str
    sides: dict[Literal["left", "right"], SideSpec] | None = None
    value: _Value | None = None

    @model_validator(mode="after")
    def _sides_or_value(self) -> Protocol:
        if (self.sides is None) == (self.value is None):
            raise ValueError(f"protocols[{self.test_id}]: give either sides (bilateral) or value, not both")
        if self.sides is not None and self.min_excursion_deg is None:
            raise ValueError(f"protocols[{self.test_id}]: sides need min_excursion_deg")
        return self


class GateData(_Model):
    """All gate bounds of the 3-D pipeline and the protocols of the knowledge-base tests it may feed."""

    quality: _Quality
    movements: dict[str, _Movement]
    protocols: list[Protocol]

    @model_validator(mode="after")
    def _protocols_name_capture_tests(self) -> GateData:
        for p in self.protocols:
            if p.capture_test not in self.movements:
                raise ValueError(
                    f"protocols[{p.test_id}].capture_test: got {p.capture_test!r}; expected one of "
                    + ", ".join(self.movements)
                )
        return self

    def protocols_for(self, capture_test: str) -> list[Protocol]:
        """The protocols of the knowledge-base tests that capture test `capture_test` may feed."""
        return [p for p in self.protocols if p.capture_test == capture_test]


def parse_gate_data(text: str) -> GateData:
    """Validate the YAML text of a gates file; KnowledgeError lists every problem."""
    import yaml

    try:
        return GateData.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        problems = [f"capture/data/gates.yaml: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise KnowledgeError(problems) from None


@cache
def gate_data() -> GateData:
    """The shipped gates and protocols (`capture/data/gates.yaml`), loaded once."""
    return parse_gate_data(resources.files("kinetrace.capture").joinpath("data/gates.yaml").read_text("utf-8"))
