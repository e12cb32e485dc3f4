"""The demo clinic for `kinetrace serve --demo`: two users and patients with real assessments and a reassessment."""

from __future__ import annotations

import copy
from importlib import resources
from typing import Any

import yaml
from sqlalchemy.orm import Session, sessionmaker

from kinetrace.knowledge.load import KnowledgeBase
from kinetrace.storage import Scope, utcnow
from kinetrace.storage import clinics as clinic_repo
from kinetrace.storage import patients as patient_repo
from kinetrace.storage.records import Role
from kinetrace.web import services
from kinetrace.web.security import hash_password

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "seed_demo"]

DEMO_PASSWORD = "demo-password"  # noqa: S105 - a published demo credential, only used with --demo
DEMO_USERS: tuple[tuple[str, str, Role], ...] = (
    ("admin@demo.kinetrace", "Dr Demo Admin", "admin"),
    ("clinician@demo.kinetrace", "Demo Clinician", "clinician"),
)
# (display name, reference, birth year, sex, example case files in visit order)
_PATIENTS = (
    ("Sam Rivera", "DEMO-001", 1985, "male", ("demo.yaml", "demo.yaml#reassessed")),
    ("Alex Chen", "DEMO-002", 1979, "female", ("seed_002_hip_to_neck.yaml",)),
    ("Jordan Okafor", "DEMO-003", 1958, "male", ("red_flag_cancer_history.yaml",)),
    ("Robin Patel", "DEMO-004", 1992, "female", ()),
)


def _example(name: str) -> dict[str, Any]:
    file, _, variant = name.partition("#")
    text = (resources.files("kinetrace") / "examples" / file).read_text()
    case: dict[str, Any] = yaml.safe_load(text)
    if variant == "reassessed":
        case = _reassessed(case)
    return case


def _reassessed(case: dict[str, Any]) -> dict[str, Any]:
    # Six weeks of the hip plan: right hip internal rotation up well beyond its error band, thoracic rotation
    # moved by less than its error (so the progress page shows one real change and one within error).
    later = copy.deepcopy(case)
    later["id"] = f"{case.get('id', 'case')}-reassessed"
    findings = later.get("findings", {})
    if "hip_ir_prone" in findings:
        findings["hip_ir_prone"]["right"] = 29
    if "thoracic_rotation_seated" in findings:
        findings["thoracic_rotation_seated"]["right"] = 45
    for pain in later.get("pain", []):
        pain["intensity"] = max(0, int(pain["intensity"]) - 2)
    return later


def seed_demo(sessions: sessionmaker[Session], kb: KnowledgeBase, *, profile: str = "evidence") -> bool:
    """Create the demo clinic once (returns False when users already exist)."""
    with sessions.begin() as db:
        if clinic_repo.count_users(db):
            return False
        clinic = clinic_repo.create_clinic(db, "Demo clinic")
        password_hash = hash_password(DEMO_PASSWORD)
        users = [
            clinic_repo.create_user(db, clinic.id, email=e, name=n, role=r, password_hash=password_hash)
            for e, n, r in DEMO_USERS
        ]
        scope = Scope(clinic.id, users[1].id)
        this_year = utcnow().year
        for name, ref, listed_birth_year, listed_sex, cases in _PATIENTS:
            # The stored patient agrees with their demo assessments: age and sex come from the first case.
            first = _example(cases[0]).get("patient", {}) if cases else {}
            age = first.get("age")
            born = this_year - age if isinstance(age, int) else listed_birth_year
            sex = str(first.get("sex") or listed_sex)
            patient = patient_repo.create_patient(
                db, scope, display_name=name, reference=ref, birth_year=born, sex=sex, this_year=this_year
            )
            for case_file in cases:
                record = services.start(db, scope, patient.id, case_data=_example(case_file))
                services.complete(db, scope, kb, record.id, profile=profile)
    return True
