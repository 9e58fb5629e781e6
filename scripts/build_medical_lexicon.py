"""Write ``data/medical_syllables.txt`` and ``data/medical_terms.txt`` from the labelled list.

The labelled list ``bench/data/medical_syllables.tsv`` holds hand-written syllable counts.
Only its *dev* half (``is_held_out(word)`` false) enters the shipped lexicon, so
``bench/eval_syllables.py`` can measure the estimator on words the lexicon never saw.
The jargon list is every labelled word a patient may not know (``_COMMON`` left out) plus
``_EXTRA_TERMS``.  Run: ``.venv/bin/python scripts/build_medical_lexicon.py``.
"""

from __future__ import annotations

import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "bench" / "data" / "medical_syllables.tsv"
LEXICON = ROOT / "src" / "content_audit" / "data" / "medical_syllables.txt"
TERMS = ROOT / "src" / "content_audit" / "data" / "medical_terms.txt"

# Labelled words most patients know: not jargon.
_COMMON = frozenset(
    [
        "migraine",
        "asthma",
        "allergy",
        "trigger",
        "herbal",
        "cupping",
        "whiplash",
        "numbness",
        "implant",
        "ultrasound",
        "depression",
        "anxiety",
        "insomnia",
        "diabetes",
        "diabetic",
        "arthritis",
        "plaque",
        "tartar",
        "enamel",
        "insulin",
        "thyroid",
        "menopause",
        "pelvic",
        "reflux",
        "immune",
        "immunity",
        "traction",
        "hamstring",
        "biceps",
        "triceps",
        "acupuncture",
        "acupuncturist",
        "chiropractic",
        "chiropractor",
        "physiotherapy",
        "ligament",
        "collagen",
        "inflammation",
        "ibuprofen",
        "naproxen",
        "acetaminophen",
        "platelet",
        "magnetic",
        "resonance",
        "diagnosis",
        "anatomy",
        "vertigo",
        "concussion",
        "constipation",
        "infertility",
        "respiratory",
        "cognitive",
        "electrical",
        "stimulation",
        "manipulation",
        "rehabilitation",
        "ergonomic",
        "prenatal",
        "pediatric",
        "geriatric",
        "orthopedic",
        "orthopaedic",
        "podiatrist",
        "podiatry",
        "osteopath",
        "hypertension",
        "dentin",
        "achilles",
        "rotator",
        "carpal",
        "lumbar",
        "implant",
        "abutment",
        "decompression",
    ]
)
_EXTRA_TERMS = [
    "plantar fasciitis",
    "myofascial",
    "fascia",
    "cartilage",
    "neuralgia",
    "fibromyalgia",
    "metatarsalgia",
    "chondromalacia",
    "idiopathic",
    "bilateral",
    "proximal",
    "distal",
    "anterior",
    "posterior",
    "benign",
    "malignant",
    "lesion",
    "atrophy",
    "hypertrophy",
    "comorbidity",
    "contraindication",
    "nsaid",
    "dextrose",
    "radiofrequency ablation",
    "ablation",
    "neurotomy",
    "foraminal",
    "facet joint",
    "spinal stenosis",
    "degenerative disc disease",
    "plantar fascia",
    "rotator cuff tendinopathy",
    "adhesive capsulitis",
    "lateral epicondylitis",
    "medial epicondylitis",
    "trigger point",
    "fascial",
    "proprioceptor",
    "nociceptor",
    "neurotransmitter",
    "endorphins",
    "vasodilation",
    "microcirculation",
    "fibroblast",
    "angiogenesis",
    "tendon sheath",
    "bursa",
    "meniscal",
    "ligamentous",
    "articular",
    "subchondral",
    "osteoclast",
    "osteoblast",
    "bone mineral density",
    "periosteum",
    "sclerosant",
    "phlebitis",
    "thrombophlebitis",
    "saphenous",
    "pathogenesis",
    "sequelae",
    "",
]


def is_held_out(word: str) -> bool:
    """The split of the labelled list: crc32 of the word, odd = held out."""
    return zlib.crc32(word.encode("utf-8")) % 2 == 1


def read_labelled(path: Path = LABELLED) -> list[tuple[str, int]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, count, pieces = line.split("\t")
        if pieces.replace("·", "") != word or pieces.count("·") + 1 != int(count):
            raise ValueError(f"{path}: {word}: syllabification {pieces!r} disagrees")
        rows.append((word, int(count)))
    return rows


def main() -> None:
    rows = read_labelled()
    dev = sorted((w, n) for w, n in rows if not is_held_out(w))
    LEXICON.write_text(
        "# content-audit medical syllable lexicon: word count (hand-checked; dev half of\n"
        "# bench/data/medical_syllables.tsv). Built by scripts/build_medical_lexicon.py.\n"
        + "".join(f"{w} {n}\n" for w, n in dev),
        encoding="utf-8",
    )
    terms = sorted({w for w, _ in rows if w not in _COMMON} | {t for t in _EXTRA_TERMS if t})
    TERMS.write_text(
        "# Medical terms a patient may not know, for the jargon check (plain.py).\n"
        "# Built by scripts/build_medical_lexicon.py; one term a line, lower case.\n"
        + "".join(f"{t}\n" for t in terms),
        encoding="utf-8",
    )
    print(f"{LEXICON.name}: {len(dev)} words; {TERMS.name}: {len(terms)} terms")


if __name__ == "__main__":
    main()
