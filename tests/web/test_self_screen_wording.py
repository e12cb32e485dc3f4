"""The self-screen speaks plainly: reading level and jargon of every text a patient reads (issue 12, part 3).

Measured with textstat's Flesch–Kincaid grade. Bound: grade 7 (US school grade 7 ≈ age 12–13), the top of the
reading age of about 11–12 the issue asks for. Flesch–Kincaid is meaningless on fragments of a few words (one
three-syllable word scores grade 9), so texts under 8 words are held to a word rule instead: no word longer than
three syllables.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import textstat
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import Signed

from kinetrace.errors import KnowledgeError
from kinetrace.knowledge import load_knowledge
from kinetrace.knowledge.load import _default_dir

MAX_GRADE = 7.0
MIN_WORDS_FOR_GRADE = 8
# Clinician words a patient should not meet: spinal levels, anatomy and sign names, effect sizes, code ids.
JARGON = re.compile(
    r"\bC\d\b|C\d\s*[–-]\s*C?\d|\bSMD\b|\b[a-z]+_[a-z0-9_]+\b|scapulothoracic|glenohumeral|sacroiliac|cervical|"
    r"lumbar|thoracic|cauda|equina|myelopath|paraesthesia|uveitis|diplopia|dysarthria|dysphagia|nystagmus|ataxia|"
    r"corticosteroid|osteoporosis|immunosuppress|contusion|abrasion|pulsatile|visceral|insidious|\batlas\b",
    re.IGNORECASE,
)


def _problems(where: str, text: str) -> list[str]:
    out = [f"{where}: jargon {m.group(0)!r} in {text!r}" for m in JARGON.finditer(text)]
    words = re.findall(r"[A-Za-z']+", text)
    if len(words) >= MIN_WORDS_FOR_GRADE:
        grade = textstat.flesch_kincaid_grade(text)
        if grade > MAX_GRADE:
            out.append(f"{where}: Flesch–Kincaid grade {grade} > {MAX_GRADE} for {text!r}")
    else:
        out.extend(f"{where}: word {w!r} has more than 3 syllables in {text!r}"
                   for w in words if textstat.syllable_count(w) > 3)
    return out


def test_every_self_screen_text_reads_at_grade_7_or_below_without_jargon(kb) -> None:  # type: ignore[no-untyped-def]
    wording = kb.self_screen
    assert wording is not None, "self_screen.yaml was not loaded"
    # Every question and region has plain wording (the loader lets a gap through so the app still runs).
    assert sorted(set(kb.questions) - set(wording.questions)) == []
    assert sorted(set(kb.regions) - set(wording.regions)) == []
    problems: list[str] = []
    from kinetrace.values import ActionLevel

    assert sorted(wording.triage) == sorted(str(a) for a in ActionLevel)  # what each triage outcome means
    for section in ("regions", "questions", "page", "triage"):
        for key, text in getattr(wording, section).items():
            problems.extend(_problems(f"{section}.{key}", text))
    assert not problems, "\n".join(problems)


def test_the_checker_catches_the_old_clinician_wording(kb) -> None:  # type: ignore[no-untyped-def]
    """The measure is not toothless: the knowledge base's clinician wording fails it."""
    failing = [q.id for q in kb.questions.values() if _problems(q.id, q.text)]
    assert len(failing) >= 5, failing
    assert _problems("r", kb.regions["cervical_lower"].name)  # "Lower cervical spine (C3–C7)"
    assert _problems("r", kb.regions["scapulothoracic"].name)
    assert _problems("x", "pooled SMD −0.33")


def _visible_texts(page: str) -> list[str]:
    form = page[page.index("<main"):]
    form = re.sub(r"<(script|style)\b.*?</\1>", " ", form, flags=re.S)
    form = re.sub(r"<title>.*?</title>", " ", form, flags=re.S)  # SVG titles repeat the labels
    blocks = re.split(r"</?(?:p|h1|h2|legend|label|summary|button|li|div|section|fieldset|figcaption)\b[^>]*>", form)
    texts = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", b)).split()) for b in blocks]
    return [t for t in texts if t]


def test_the_rendered_self_screen_shows_only_plain_words(north: Signed, app: FastAPI) -> None:
    pid = north.form("/patients", {"display_name": "Pat Plain", "birth_year": "1980", "sex": "female"})
    patient_id = int(pid.headers["location"].rsplit("/", 1)[1])
    link = north.api("POST", f"/api/v1/patients/{patient_id}/links").json()["url"]
    with TestClient(app, base_url="https://testserver") as patient:
        page = patient.get("/" + link.split("/", 3)[3])
    assert page.status_code == 200
    texts = _visible_texts(page.text)
    assert "Lower neck" in texts and "Shoulder blade and ribs – left" in texts
    assert any(t.startswith("Is there new numbness or tingling") for t in texts)
    problems = [p for i, t in enumerate(texts) for p in _problems(f"block {i}", t)]
    assert not problems, "\n".join(problems)


def test_the_loader_refuses_unknown_ids_and_missing_page_texts(tmp_path: Path) -> None:
    for src in _default_dir().glob("*.yaml"):
        (tmp_path / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    data = yaml.safe_load((tmp_path / "self_screen.yaml").read_text(encoding="utf-8"))
    data["questions"]["no_such_question"] = "Is this real?"
    del data["page"]["intro"]
    (tmp_path / "self_screen.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(tmp_path)
    text = str(err.value)
    assert "self_screen.yaml: entry 'no_such_question', field questions: got an unknown id" in text
    assert "self_screen.yaml: entry 'intro', field page: missing" in text


def test_every_safety_netting_warning_reads_at_grade_7_or_below(kb) -> None:  # type: ignore[no-untyped-def]
    """The patient's 'when to get help' advice (handout, released plan, terminal): short sentences, plain words."""
    problems: list[str] = []
    for entry in kb.safety_netting.values():
        problems.extend(_problems(f"safety_netting.{entry.id}.warning", entry.warning))
    assert not problems, "\n".join(problems)


def test_every_patient_note_on_an_impairment_reads_at_grade_7_or_below(kb) -> None:  # type: ignore[no-untyped-def]
    """What the handout says a local source or whole-person factor is: plain words, no anatomy terms."""
    problems: list[str] = []
    notes = {i.id: i.patient_note for i in kb.impairments.values() if i.patient_note}
    assert {"lumbar_radicular_pain", "sedentary_behaviour"} <= set(notes)
    for key, text in notes.items():
        problems.extend(_problems(f"impairments.{key}.patient_note", text))
    assert not problems, "\n".join(problems)
