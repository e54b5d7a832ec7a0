"""Builds in batches, incremental by content hash, from streamed (gzip) inputs: real stores,
real `kg` processes."""

from __future__ import annotations

import gzip
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg import pipeline
from kg.graph.store import OxigraphStore
from kg.pipeline import build, stored_hashes

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "seed.txt"
TEXT = SAMPLE.read_text(encoding="utf-8").split("---", 2)[2]
KG = [sys.executable, "-m", "kg"]


def _article(i: int, note: str = "") -> dict[str, str]:
    return {"id": f"d{i:04d}", "date": "2026-01-31", "text": TEXT + f"\n\nNote {i}.{note}"}


def _write(path: Path, articles: list[dict[str, str]]) -> Path:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as out:
        for article in articles:
            out.write(json.dumps(article) + "\n")
    return path


def kg(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def nquads(store: Path) -> list[str]:
    out = kg("--store", store, "export", "-f", "nq")
    assert out.returncode == 0, out.stderr
    return sorted(out.stdout.splitlines())


def test_bulk_into_an_empty_store_writes_what_transactions_write(tmp_path: Path) -> None:
    docs = [_article(i) for i in range(7)]
    with OxigraphStore(tmp_path / "bulk") as store:  # empty: the bulk loader
        build(docs, store, workers=1)
        bulk = sorted(str(q) for q in store.quads())
    with OxigraphStore(tmp_path / "tx") as store:
        build(docs[:1], store, workers=1)  # not empty any more: transactions
        build(docs, store, workers=1)
        tx = sorted(str(q) for q in store.quads())
    assert bulk == tx and sum("contentHash" in q for q in bulk) == 7


def test_batches_write_what_one_document_at_a_time_wrote(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    docs = [_article(i) for i in range(9)]
    graphs = []
    for batch in (1, 4, 256):  # one document per transaction (as before), small, default
        monkeypatch.setattr(pipeline, "BATCH_DOCUMENTS", batch)
        with OxigraphStore(tmp_path / f"s{batch}") as store:
            report = build(docs, store, workers=1)
            assert report.documents == 9 and report.facts > 0
            graphs.append(sorted(str(q) for q in store.quads()))
    assert graphs[0] == graphs[1] == graphs[2]
    # The quads of one document written with the old per-graph update are those of a batch,
    # the content hash aside.
    with OxigraphStore() as old:
        for doc, facts in pipeline.extract_documents(
                pipeline.as_documents(docs[:1]), workers=1):
            pipeline.write_document(old, doc, facts)
        written = {str(q) for q in old.quads()}
    one = {q for q in graphs[2] if "/graph/d0000>" in q and "contentHash" not in q}
    assert written == one


def test_no_change_rebuild_skips_everything_and_leaves_the_store_identical(
        tmp_path: Path) -> None:
    corpus = _write(tmp_path / "c.jsonl", [_article(i) for i in range(6)])
    store = tmp_path / "store"
    first = kg("--store", store, "build", corpus, "-w", "1")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Built 6 documents, ")
    before = nquads(store)
    assert sum("contentHash" in q for q in before) == 6
    again = kg("--store", store, "build", corpus, "-w", "1")
    assert again.returncode == 0, again.stderr
    assert again.stdout == (f"Built 0 documents, 0 facts into {store}: {len(before)} triples; "
                            "6 unchanged\n")
    assert nquads(store) == before


def test_a_changed_document_is_replaced_an_unchanged_one_skipped(tmp_path: Path) -> None:
    store = tmp_path / "store"
    articles = [_article(i) for i in range(4)]
    assert kg("--store", store, "build", _write(tmp_path / "a.jsonl", articles)).returncode == 0
    before = nquads(store)
    articles[2] = {**articles[2], "title": "Now with a title"}
    articles.append(_article(9))
    result = kg("--store", store, "build", _write(tmp_path / "b.jsonl", articles), "-w", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built 2 documents (1 new, 1 replaced), ")
    assert result.stdout.endswith("; 3 unchanged\n")
    after = nquads(store)
    titled = [q for q in after if "Now with a title" in q]
    assert len(titled) == 1 and "/graph/d0002>" in titled[0]
    # Documents 0, 1 and 3 are untouched; 2 has one hash, the new one.
    for doc in ("d0000", "d0001", "d0003"):
        assert [q for q in before if f"/graph/{doc}>" in q] == \
            [q for q in after if f"/graph/{doc}>" in q]
    with OxigraphStore(store, read_only=True) as opened:
        hashes = stored_hashes(opened)
    assert len(hashes) == 5
    assert sum("/graph/d0002>" in q and "contentHash" in q for q in after) == 1


def test_force_rebuilds_every_document(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "c.jsonl", [_article(i) for i in range(3)])
    store = tmp_path / "store"
    assert kg("--store", store, "build", corpus).returncode == 0
    before = nquads(store)
    forced = kg("--store", store, "build", corpus, "--force", "-w", "1")
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.startswith("Built 3 documents (0 new, 3 replaced), ")
    assert nquads(store) == before


def test_another_actor_file_rebuilds(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "c.jsonl", [_article(i) for i in range(2)])
    store = tmp_path / "store"
    assert kg("--store", store, "build", corpus).returncode == 0
    actors = tmp_path / "actors.tsv"
    actors.write_text("", encoding="utf-8")
    result = kg("--store", store, "--actors", actors, "build", corpus, "-w", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built 2 documents (0 new, 2 replaced), ")


def test_sync_counts_unchanged_documents_as_present(tmp_path: Path) -> None:
    store = tmp_path / "store"
    articles = [_article(i) for i in range(3)]
    assert kg("--store", store, "build", _write(tmp_path / "a.jsonl", articles)).returncode == 0
    result = kg("--store", store, "build", "--sync",
                _write(tmp_path / "b.jsonl", articles[:2]), "-w", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "Removed 1 documents: d0002"
    assert "; 2 unchanged" in result.stdout


def test_gzip_corpus_builds_as_the_plain_one(tmp_path: Path) -> None:
    articles = [_article(i) for i in range(5)]
    plain = _write(tmp_path / "c.jsonl", articles)
    packed = _write(tmp_path / "c.jsonl.gz", articles)
    assert packed.read_bytes()[:2] == b"\x1f\x8b"
    for name, corpus in (("plain", plain), ("gz", packed)):
        result = kg("--store", tmp_path / name, "build", corpus, "-w", "1")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Built 5 documents, ")
    assert nquads(tmp_path / "plain") == nquads(tmp_path / "gz")
    # Found in folders too, and a damaged one is one line of error.
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "c.jsonl.gz").write_bytes(packed.read_bytes())
    assert kg("--store", tmp_path / "f", "build", folder).stdout.startswith("Built 5 documents")
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(b"not gzip at all\n")
    refused = kg("--store", tmp_path / "b", "build", bad)
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"Error: {bad}: cannot read: ")
    assert len(refused.stderr.splitlines()) == 1


def test_kill_9_mid_build_then_rebuild_completes_without_duplicates(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "c.jsonl.gz", [_article(i) for i in range(600)])
    store = tmp_path / "store"
    proc = subprocess.Popen([*KG, "--store", str(store), "build", str(corpus), "-w", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    written = 0
    while time.monotonic() < deadline and not written:
        time.sleep(0.05)
        if (store / "CURRENT").exists():
            try:
                with OxigraphStore(store, read_only=True) as opened:
                    written = len(stored_hashes(opened))
            except Exception:  # noqa: BLE001 — caught while the writer creates it
                written = 0
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with OxigraphStore(store, read_only=True) as opened:
        hashed = stored_hashes(opened)
        sizes = {r["g"].value: int(r["n"].value) for r in opened.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
            if "/graph/d" in r["g"].value}
    assert 0 < len(hashed) < 600
    # The store started empty, so batches went through the bulk loader, each graph's hash
    # after it: a graph with its hash is whole (every article here gives as many quads).
    whole = {sizes[g] for g in hashed}
    assert len(whole) == 1, "a document with its hash is half written"
    rerun = kg("--store", store, "build", corpus, "-w", "1")
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.startswith(f"Built {600 - len(hashed)} documents")
    assert rerun.stdout.endswith(f"; {len(hashed)} unchanged\n")
    fresh = tmp_path / "fresh"
    assert kg("--store", fresh, "build", corpus).returncode == 0
    assert nquads(store) == nquads(fresh)


def test_identity_covers_every_extraction_and_graph_module_and_data_file() -> None:
    package = ROOT / "kg"
    hashed = set(pipeline.identity_files(package))
    wanted = [p for folder in ("extract", "graph", "data", "models") for p in
              (package / folder).rglob("*") if p.is_file() and p.suffix != ".pyc"]
    wanted += [package / "records.py", package / "kinds.py", package / "__init__.py"]
    assert len(wanted) > 30
    missing = sorted(str(p.relative_to(package)) for p in wanted if p not in hashed)
    assert not missing, f"left out of the extractor's identity: {missing}"
    # What cannot change a document's facts does not force a re-extraction of the corpus.
    assert not any("views" in p.parts or "bench" in p.parts for p in hashed)


def test_a_change_to_any_extraction_or_graph_module_changes_the_identity(
        tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "kg"
    shutil.copytree(ROOT / "kg", copy,
                    ignore=shutil.ignore_patterns("__pycache__", "models", "vendor"))
    before = pipeline.extractor_identity(package=copy)
    modules = sorted([*(copy / "extract").glob("*.py"), *(copy / "graph").glob("*.py")])
    assert len(modules) > 15
    for module in modules:
        text = module.read_text(encoding="utf-8")
        module.write_text(text + "\n# changed\n", encoding="utf-8")
        assert pipeline.extractor_identity(package=copy) != before, module.name
        module.write_text(text, encoding="utf-8")
    assert pipeline.extractor_identity(package=copy) == before
    (copy / "views" / "stats.py").write_text("# changed\n", encoding="utf-8")
    assert pipeline.extractor_identity(package=copy) == before
