"""Knowledge-base files → one frozen `KnowledgeBase`; every problem is gathered before failing.

The loader reads the YAML files shipped in `knowledge/data/` (or another folder, for tests), validates each
entry with its schema model, refuses duplicate ids, then runs the cross-file rules of `integrity.py`. Problems
name the file, the entry id, the field path, the value and what was expected.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from kinetrace.errors import KnowledgeError
from kinetrace.knowledge.base import KnowledgeBase
from kinetrace.knowledge.design_defaults import range_problems
from kinetrace.knowledge.integrity import check_integrity
from kinetrace.knowledge.outcomes import OutcomeMeasure
from kinetrace.knowledge.schema import (
    Activity,
    ClinicalTest,
    Edge,
    HomeExercise,
    Impairment,
    IntegrityException,
    Intervention,
    ModelParameters,
    Question,
    RedFlagRule,
    Reference,
    Region,
    SafetyNet,
    SeedArticle,
    SeedClaim,
)
from kinetrace.knowledge.self_screen import SelfScreenWording

__all__ = ["KB_FILES", "KnowledgeBase", "construct_problems", "load_knowledge"]

M = TypeVar("M", bound=BaseModel)

# file name → (attribute, entry model)
KB_FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "references.yaml": ("references", Reference),
    "regions.yaml": ("regions", Region),
    "impairments.yaml": ("impairments", Impairment),
    "edges.yaml": ("edges", Edge),
    "tests.yaml": ("tests", ClinicalTest),
    "interventions.yaml": ("interventions", Intervention),
    "red_flags.yaml": ("red_flags", RedFlagRule),
    "questions.yaml": ("questions", Question),
    "seed_claims.yaml": ("seed_claims", SeedClaim),
    "seeds.yaml": ("seeds", SeedArticle),
    "activities.yaml": ("activities", Activity),
}
# Patient-facing texts: read when present (small test knowledge bases may leave them out).
OPTIONAL_KB_FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "home_exercises.yaml": ("home_exercises", HomeExercise),
    "safety_netting.yaml": ("safety_netting", SafetyNet),
    "outcomes.yaml": ("outcomes", OutcomeMeasure),
}


def _default_dir() -> Path:
    return Path(str(resources.files("kinetrace.knowledge") / "data"))


def _format_error(file: str, entry_id: str, err: Mapping[str, Any]) -> str:
    loc = ".".join(str(p) for p in err.get("loc", ()))
    value = err.get("input")
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    if len(shown) > 60:
        shown = shown[:57] + "..."
    where = f"{file}: entry {entry_id!r}" + (f", field {loc}" if loc else "")
    return f"{where}: got {shown}; {err.get('msg', 'invalid')}"


# libyaml's C loader when installed: the same safe subset as yaml.safe_load, about 8 times faster, and every CLI
# command loads the knowledge base.
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except FileNotFoundError:
        problems.append(f"{path.name}: file is missing")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problems.append(f"{path.name}:{line} is not valid YAML ({getattr(exc, 'problem', exc)})")
    return None


def _load_entries(path: Path, model: type[M], problems: list[str]) -> dict[str, M]:
    raw = _read_yaml(path, problems)
    entries: dict[str, M] = {}
    if raw is None:
        return entries
    if not isinstance(raw, list):
        problems.append(f"{path.name}: expected a list of entries, got {type(raw).__name__}")
        return entries
    for index, item in enumerate(raw):
        entry_id = str(item.get("id", f"#{index}")) if isinstance(item, dict) else f"#{index}"
        try:
            entry = model.model_validate(item)
        except ValidationError as exc:
            problems.extend(_format_error(path.name, entry_id, e) for e in exc.errors())
            continue
        if entry_id in entries:
            problems.append(f"{path.name}: entry {entry_id!r} is defined twice (ids must be unique)")
            continue
        entries[entry_id] = entry
    return entries


def _load_model(path: Path, problems: list[str]) -> ModelParameters | None:
    raw = _read_yaml(path, problems)
    if raw is None:
        return None
    try:
        return ModelParameters.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_format_error(path.name, "model", e) for e in exc.errors())
        return None


_THRESHOLD_RULES = {"below", "above", "below_age_norm"}


def construct_problems(tests: Mapping[str, ClinicalTest]) -> list[str]:
    """Return the problems with measurement constructs in tests.yaml (issue 10: a repeat counts once).

    Rules: a construct groups at least two tests, of one unit, with distinct validity ranks; and two tests whose
    primary threshold rules read the same impairment in the same unit measure one construct, so they must name it
    (otherwise entering the same measure twice would multiply its weight).
    """
    problems: list[str] = []
    groups: dict[str, list[ClinicalTest]] = {}
    for test in tests.values():
        if test.construct_group is not None:
            groups.setdefault(test.construct_group.id, []).append(test)
    for cid, members in groups.items():
        ids = [t.id for t in members]
        if len(members) < 2:
            problems.append(f"tests.yaml: entry {ids[0]!r}, field construct.id: got {cid!r}; a construct groups "
                            "at least two tests (remove it or add the other tests)")
        if len({t.unit for t in members}) > 1:
            problems.append(f"tests.yaml: construct {cid!r} mixes units {sorted({t.unit for t in members})} "
                            f"across {ids}; expected one unit")
        ranks = [t.construct_group.validity_rank for t in members if t.construct_group is not None]
        if len(set(ranks)) < len(ranks):
            problems.append(f"tests.yaml: construct {cid!r}: validity_rank repeats among {ids} ({ranks}); "
                            "expected distinct ranks so the more valid test wins")
    seen: dict[tuple[str, str], ClinicalTest] = {}
    for test in tests.values():
        for rule in test.informs:
            if rule.role != "primary" or rule.when not in _THRESHOLD_RULES:
                continue
            key = (rule.target, test.unit)
            other = seen.setdefault(key, test)
            if other is test:
                continue
            same = (test.construct_group is not None and other.construct_group is not None
                    and test.construct_group.id == other.construct_group.id)
            if not same:
                problems.append(f"tests.yaml: entries {other.id!r} and {test.id!r} both read {rule.target} in "
                                f"{test.unit} as primary tests; expected one shared construct (field construct) "
                                "so that a repeated measure counts once")
    return problems


def _version(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def load_knowledge(folder: Path | str | None = None, *, check: Callable[[KnowledgeBase], list[str]] | None = None
                   ) -> KnowledgeBase:
    """Load and validate the knowledge base (the shipped one by default).

    Raises:
        KnowledgeError: listing every problem found, each naming file, entry, field, value and expectation.
    """
    if folder is None:
        return _load_default()
    return _load(Path(folder), check)


@lru_cache(maxsize=1)
def _load_default() -> KnowledgeBase:
    return _load(_default_dir(), None)


def _load_exceptions(path: Path, problems: list[str]) -> tuple[IntegrityException, ...]:
    if not path.exists():
        return ()
    raw = _read_yaml(path, problems) or []
    if not isinstance(raw, list):
        problems.append(f"{path.name}: expected a list of exceptions, got {type(raw).__name__}")
        return ()
    out: list[IntegrityException] = []
    for index, item in enumerate(raw):
        entry_id = str(item.get("id", f"#{index}")) if isinstance(item, dict) else f"#{index}"
        try:
            out.append(IntegrityException.model_validate(item))
        except ValidationError as exc:
            problems.extend(_format_error(path.name, entry_id, e) for e in exc.errors())
    return tuple(out)


def _load_self_screen(path: Path, problems: list[str]) -> SelfScreenWording | None:
    """Read the self-screen's plain wording when the file is there (small test knowledge bases leave it out)."""
    if not path.exists():
        return None
    raw = _read_yaml(path, problems)
    if raw is None:
        return None
    try:
        return SelfScreenWording.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_format_error(path.name, "self_screen", e) for e in exc.errors())
        return None


def _load(folder: Path, check: Callable[[KnowledgeBase], list[str]] | None) -> KnowledgeBase:
    problems: list[str] = []
    tables = {attr: _load_entries(folder / name, model, problems) for name, (attr, model) in KB_FILES.items()}
    tables.update({attr: _load_entries(folder / name, model, problems)
                   for name, (attr, model) in OPTIONAL_KB_FILES.items() if (folder / name).exists()})
    model = _load_model(folder / "model.yaml", problems)
    exceptions = _load_exceptions(folder / "exceptions.yaml", problems)
    if model is None:
        raise KnowledgeError(problems or ["model.yaml: missing"])
    self_screen = _load_self_screen(folder / "self_screen.yaml", problems)
    kb = KnowledgeBase(version=_version(folder), model=model, self_screen=self_screen,
                       exceptions=exceptions, **tables)  # type: ignore[arg-type]
    problems.extend(construct_problems(kb.tests))
    problems.extend(range_problems(kb))
    problems.extend((check or check_integrity)(kb))
    if problems:
        raise KnowledgeError(problems)
    return kb
