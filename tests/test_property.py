"""Random and mutated articles: extraction and building never crash, and always give valid
JSON Lines and valid RDF."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.cli import cli
from kg.extract.documents import make_document, read_documents
from kg.extract.extractor import Extractor
from kg.graph.store import OxigraphStore
from kg.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
(SEED,) = read_documents([ROOT / "examples" / "seed.txt"])
EXTRACTOR = Extractor()
WORDS = ["Japan", "the UK", "China's", "Prime Minister", "Starmer", "met", "invited",
         "visited", "condemned", "sanctions on", "Tokyo", "both sides", "he", "will",
         "did not", "on Tuesday", "31 January", "<script>", '"href"', "\u202e", "東京",
         "Zoë", "\x00", "—", "\n\n", "Comments:", ".", ",", "’s", "U.S.", "Kremlin"]

mutations = st.lists(
    st.tuples(st.integers(0, len(SEED.text)), st.integers(0, 40),
              st.text(min_size=0, max_size=30)), max_size=8)


def mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    for at, cut, insert in edits:
        at = min(at, len(text))
        text = text[:at] + insert + text[at + cut:]
    return text


def check(text: str, doc_id: str = "p") -> None:
    doc = make_document(text, doc_id, {"date": "2026-01-31"}, where="property")
    facts = EXTRACTOR.extract(doc)
    for fact in facts:
        record = json.loads(json.dumps(fact.to_dict(), ensure_ascii=False))
        assert record["kind"] and len(record["source"]["country"]) == 3
        start, end = record["span"]
        assert doc.text[start:end] == record["evidence"]
    store = OxigraphStore()
    build([doc], store, workers=1)
    out = io.BytesIO()
    store.dump(out, "nq")
    quads = list(ox.parse(out.getvalue(), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == len(store)
    assert not any(isinstance(t, ox.BlankNode) for q in quads
                   for t in (q.subject, q.object))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations)
def test_mutated_sample(edits: list[tuple[int, int, str]]) -> None:
    check(mutate(SEED.text, edits))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=60))
def test_word_salad(words: list[str]) -> None:
    check(" ".join(words))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes_through_the_cli(tmp_path_factory, data: bytes) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("bytes")
    path = folder / "a.txt"
    path.write_bytes(data)
    result = CliRunner().invoke(cli, ["extract", str(path), "-w", "1"])
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        for line in result.output.splitlines():
            if not line.startswith("Note: "):
                json.loads(line)
    else:
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    store = folder / "store"
    built = CliRunner().invoke(cli, ["--store", str(store), "build", str(path), "-w", "1"])
    assert built.exit_code in (0, 1) and "Traceback" not in built.output
