"""The records that cross stage boundaries: documents, sides, places and facts.

A `Fact` is the record described in docs/facts.md; `to_dict` gives exactly its JSON form.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .kinds import load_kinds

# Defined in kg/data/kinds.yaml; the undirected kinds first.
UNDIRECTED_KINDS = tuple(k.name for k in load_kinds() if not k.directed)
DIRECTED_KINDS = tuple(k.name for k in load_kinds() if k.directed)
KINDS = UNDIRECTED_KINDS + DIRECTED_KINDS
STATUSES = ("occurred", "planned", "negated")
ATTRIBUTIONS = ("reported", "commentary")


@dataclass(frozen=True)
class Document:
    """One article: its text and what its front matter or container says of it."""

    id: str
    text: str
    url: str | None = None
    date: str | None = None
    title: str | None = None
    source: str | None = None
    language: str | None = None
    path: str | None = None
    # Character offset where commentary (the author's own analysis) begins, if any.
    commentary_start: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})  # type: ignore[arg-type]

    @classmethod
    def from_text(cls, text: str, id: str | None = None, **meta: Any) -> Document:  # noqa: A002
        """A document from text, read exactly as a `.txt` file would be.

        Front matter, newline and Unicode normalisation and commentary detection are
        applied (building `Document(...)` directly skips them). `meta`: url, date, title,
        source, language. Without an id, one is made from the text's hash.
        """
        from .extract.documents import document_from_text

        return document_from_text(text, id, **meta)


@dataclass(frozen=True)
class Side:
    """One side of a fact: a country, and the person acting for it when named."""

    country: str
    name: str | None = None
    role: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"country": self.country, "name": self.name, "role": self.role}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Side:
        return cls(data["country"], data.get("name"), data.get("role"))


@dataclass(frozen=True)
class Place:
    name: str
    country: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "country": self.country}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Place:
        return cls(data["name"], data.get("country"))


@dataclass(frozen=True)
class Fact:
    doc: str
    kind: str
    source: Side
    target: Side
    evidence: str
    span: tuple[int, int]
    date: str | None = None
    location: Place | None = None
    status: str = "occurred"
    attribution: str = "reported"
    label: str | None = None
    topics: tuple[str, ...] = field(default_factory=tuple)
    # The side rule that decided it (kg/extract/sides.py), for --explain and confidence; not
    # part of the record written out.
    rule: str = field(default="", compare=False)
    # How far to trust the fact, in [0, 1] (kg/extract/confidence.py); None when not rated.
    confidence: float | None = None

    @property
    def directed(self) -> bool:
        return self.kind in DIRECTED_KINDS

    @property
    def key(self) -> tuple[str, str, str]:
        """One fact per document for each kind and pair (ordered only for directed kinds)."""
        a, b = self.source.country, self.target.country
        if not self.directed:
            a, b = sorted((a, b))
        return self.kind, a, b

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "kind": self.kind,
            "source": self.source.to_dict(),
            "target": self.target.to_dict(),
            "date": self.date,
            "location": self.location.to_dict() if self.location else None,
            "status": self.status,
            "attribution": self.attribution,
            "label": self.label,
            "topics": list(self.topics),
            "evidence": self.evidence,
            "span": list(self.span),
            "confidence": self.confidence,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fact:
        loc = data.get("location")
        return cls(
            doc=data["doc"],
            kind=data["kind"],
            source=Side.from_dict(data["source"]),
            target=Side.from_dict(data["target"]),
            evidence=data["evidence"],
            span=tuple(data["span"]),  # type: ignore[arg-type]
            date=data.get("date"),
            location=Place.from_dict(loc) if loc else None,
            status=data.get("status", "occurred"),
            attribution=data.get("attribution", "reported"),
            label=data.get("label"),
            topics=tuple(data.get("topics") or ()),
            confidence=data.get("confidence"),
        )
