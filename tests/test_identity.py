"""Document identity, reserved graphs and removal, through real `kg` processes.

One id names one graph: two inputs with one id are refused, no id reaches a graph that is
not a document's, and `kg remove` / `kg build --sync` take documents out of the store.
"""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "seed.txt"
KG = [sys.executable, "-m", "kg"]


def kg(*args: str, store: Path | None = None, **kw) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    prefix = ["--store", str(store)] if store else []
    return subprocess.run([*KG, *prefix, *args], capture_output=True, text=True, timeout=180,
                          **kw)


def article(path: Path, text: str, **meta: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "".join(f"{k}: {json.dumps(v)}\n" for k, v in {"date": "2025-01-01", **meta}.items())
    path.write_text(f"---\n{header}---\n{text}\n", encoding="utf-8")
    return path


def doc_ids(store: Path) -> list[str]:
    result = kg("query", "SELECT ?id WHERE { GRAPH ?g { ?d a kg:Document ; "
                "dcterms:identifier ?id } } ORDER BY ?id", "--format", "jsonl", store=store)
    assert result.returncode == 0, result.stderr
    return [json.loads(line)["id"] for line in result.stdout.splitlines()]


# --- two inputs, one id ------------------------------------------------------------------


def test_two_files_with_one_stem_are_refused_naming_both(tmp_path: Path) -> None:
    first = article(tmp_path / "in" / "a" / "report.txt", "Chile criticised Peru.")
    second = article(tmp_path / "in" / "b" / "report.txt", "Kenya criticised Uganda.")
    for command in (["build"], ["extract", "-w", "1"]):
        result = kg(*command, str(tmp_path / "in"), store=tmp_path / "store")
        assert result.returncode == 1
        assert result.stderr == (f"Error: {second}: document id 'report' is already used by "
                                 f"{first}; give one of them another id\n")


def test_a_jsonl_id_used_twice_is_refused_or_skipped(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in (
        ("x", "Chile criticised Peru."), ("y", "Peru criticised Chile."),
        ("x", "Kenya criticised Uganda."))), encoding="utf-8")
    strict = kg("build", str(corpus), store=tmp_path / "store")
    assert strict.returncode == 1
    assert f"Error: {corpus}:3: document id 'x' is already used by {corpus}:1" in strict.stderr
    lenient = kg("build", str(corpus), "--keep-going", store=tmp_path / "store2")
    assert lenient.returncode == 0
    assert lenient.stderr.startswith(f"Skipped: {corpus}:3: document id 'x'")
    assert lenient.stdout.startswith("Built 2 documents")
    assert doc_ids(tmp_path / "store2") == ["x", "y"]


def test_ids_equal_after_unicode_normalisation_collide(tmp_path: Path) -> None:
    composed = "café"
    article(tmp_path / "in" / f"{composed}.txt", "Chile criticised Peru.")
    article(tmp_path / "in" / f"{unicodedata.normalize('NFD', composed)}.txt",
            "Kenya criticised Uganda.")
    result = kg("build", str(tmp_path / "in"), store=tmp_path / "store")
    assert result.returncode == 1 and "document id 'café' is already used by" in result.stderr


def test_front_matter_ids_collide_with_stems(tmp_path: Path) -> None:
    article(tmp_path / "in" / "a.txt", "Chile criticised Peru.", id="b")
    article(tmp_path / "in" / "b.txt", "Kenya criticised Uganda.")
    result = kg("build", str(tmp_path / "in"), store=tmp_path / "store")
    assert result.returncode == 1 and "document id 'b' is already used by" in result.stderr
    assert str(tmp_path / "in" / "a.txt") in result.stderr


def test_distinct_stems_keep_their_ids(tmp_path: Path) -> None:
    article(tmp_path / "in" / "a" / "one.txt", "Chile criticised Peru.")
    article(tmp_path / "in" / "b" / "two.txt", "Kenya criticised Uganda.")
    result = kg("build", str(tmp_path / "in"), store=tmp_path / "store")
    assert result.returncode == 0 and result.stdout.startswith("Built 2 documents, 2 facts")
    assert doc_ids(tmp_path / "store") == ["one", "two"]


# --- reserved graphs -----------------------------------------------------------------------

HOSTILE_IDS = ["_countries", "kg/countries", "kg", "import/extra", "import", ".", "..",
               "kg%2Fcountries", "_countries\u0301"]


def test_no_document_id_reaches_a_reserved_graph(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert kg("build", str(SAMPLE), store=store).returncode == 0
    extra = tmp_path / "extra.ttl"
    extra.write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n", encoding="utf-8")
    assert kg("import", str(extra), store=store).returncode == 0
    corpus = tmp_path / "hostile.jsonl"
    corpus.write_text("".join(
        json.dumps({"id": i, "text": "Chile criticised Peru.", "date": "2025-01-01"}) + "\n"
        for i in HOSTILE_IDS), encoding="utf-8")
    built = kg("build", str(corpus), store=store)
    assert built.returncode == 0, built.stderr
    labels = kg("query", "SELECT ?l WHERE { country:GBR rdfs:label ?l }", "--format", "jsonl",
                store=store)
    assert labels.stdout == '{"l": "United Kingdom"}\n'
    assert kg("query", "ASK { <urn:x:a> <urn:x:b> <urn:x:c> }", store=store).returncode == 0
    assert doc_ids(store) == sorted(unicodedata.normalize("NFC", i) for i in [*HOSTILE_IDS, "seed"])
    removed = kg("remove", *HOSTILE_IDS, store=store)
    assert removed.returncode == 0, removed.stderr
    assert kg("query", "ASK { country:JPN kg:iso3 'JPN' }", store=store).returncode == 0
    assert kg("query", "ASK { <urn:x:a> <urn:x:b> <urn:x:c> }", store=store).returncode == 0
    assert doc_ids(store) == ["seed"]


@pytest.mark.parametrize("doc_id", [*HOSTILE_IDS, "a/b", "東京", "", " "])
def test_a_document_graph_is_one_segment_and_reads_back(doc_id: str) -> None:
    from kg.graph.vocab import ACTORS_GRAPH, GRAPHS, document_id, graph_iri

    graph = graph_iri(doc_id)
    rest = graph[len(GRAPHS):]
    assert rest and "/" not in rest and rest not in (".", "..")
    assert graph != ACTORS_GRAPH
    if doc_id:
        assert document_id(graph) == unicodedata.normalize("NFC", doc_id)
    assert document_id(ACTORS_GRAPH) is None


# --- removing documents --------------------------------------------------------------------


def test_remove_takes_documents_out_and_says_which(tmp_path: Path) -> None:
    store = tmp_path / "store"
    folder = tmp_path / "in"
    article(folder / "one.txt", "Chile criticised Peru.")
    article(folder / "two.txt", "Kenya criticised Uganda.")
    assert kg("build", str(folder), store=store).returncode == 0
    unknown = kg("remove", "one", "three", store=store)
    assert (unknown.returncode, unknown.stderr) == (1, "Error: no document 'three' in the "
                                                       "store\n")
    assert doc_ids(store) == ["one", "two"]
    removed = kg("remove", "one", store=store)
    assert (removed.returncode, removed.stdout) == (0, "Removed 1 documents: one\n")
    assert doc_ids(store) == ["two"]
    facts = kg("query", "SELECT ?f WHERE { ?f kg:source country:CHL }", "--format", "jsonl",
               store=store)
    assert facts.stdout == ""


def test_build_sync_matches_the_folder_after_delete_and_rename(tmp_path: Path) -> None:
    store = tmp_path / "store"
    folder = tmp_path / "in"
    article(folder / "one.txt", "Chile criticised Peru.")
    article(folder / "two.txt", "Kenya criticised Uganda.")
    article(folder / "three.txt", "Ghana criticised Togo.")
    assert kg("build", str(folder), store=store).returncode == 0
    (folder / "one.txt").unlink()
    (folder / "two.txt").rename(folder / "deux.txt")
    synced = kg("build", "--sync", str(folder), store=store)
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.splitlines()[-1] == "Removed 2 documents: one, two"
    assert doc_ids(store) == ["deux", "three"]
    # The renamed article's facts are there once, not twice.
    kenya = kg("query", "SELECT ?f WHERE { ?f kg:source country:KEN }", "--format", "jsonl",
               store=store)
    assert len(kenya.stdout.splitlines()) == 1
    again = kg("build", "--sync", str(folder), store=store)
    assert again.stdout.splitlines()[-1] == "Removed 0 documents"


def test_sync_removes_nothing_when_a_document_was_skipped(tmp_path: Path) -> None:
    store = tmp_path / "store"
    folder = tmp_path / "in"
    article(folder / "one.txt", "Chile criticised Peru.")
    article(folder / "two.txt", "Kenya criticised Uganda.")
    assert kg("build", str(folder), store=store).returncode == 0
    (folder / "two.txt").write_bytes(b"caf\xe9")
    result = kg("build", "--sync", "--keep-going", str(folder), store=store)
    assert result.returncode == 1
    assert "Error: not syncing: 1 documents were skipped" in result.stderr
    assert doc_ids(store) == ["one", "two"]
