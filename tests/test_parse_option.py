"""`kg --no-parse` (and `parse=False` in the API) reads sides by word order alone, in every
path that extracts: extract, --explain, build (local and on a Dask cluster), and the build's
content hashes say which way a document was read."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kg.extract.documents import read_documents
from kg.graph.store import OxigraphStore
from kg.pipeline import build, extract_documents, extractor_identity

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
KG = [sys.executable, "-m", "kg"]


def kg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def _rules(explained: str) -> set[str]:
    return set(re.findall(r"\] by (\S+)", explained))


def test_explain_names_word_order_rules_only_without_the_parse() -> None:
    parsed = kg("extract", "--explain", str(EXAMPLES / "seed.txt"))
    plain = kg("--no-parse", "extract", "--explain", str(EXAMPLES / "seed.txt"))
    from_env = kg("extract", "--explain", str(EXAMPLES / "seed.txt"), env={"KG_PARSE": "0"})
    assert parsed.returncode == plain.returncode == from_env.returncode == 0, plain.stderr
    with_parse, without = _rules(parsed.stdout), _rules(plain.stdout)
    assert any(not r.startswith("order-") for r in with_parse), with_parse
    assert without and all(r.split("+")[0].startswith("order-") for r in without), without
    assert _rules(from_env.stdout) == without


def test_extraction_without_the_parse_is_the_extractors_word_order_reading() -> None:
    docs = list(read_documents(sorted(EXAMPLES.glob("*.txt"))))
    facts = {d.id: f for d, f in extract_documents(docs, workers=1, parse=False)}
    from kg.extract.extractor import Extractor

    word_order = Extractor(parse=False)
    assert facts == {d.id: word_order.extract(d) for d in docs}
    assert all(f.rule.split("+")[0].startswith("order-") for fs in facts.values() for f in fs)


def test_a_build_records_how_it_read_so_switching_re_extracts() -> None:
    assert extractor_identity(parse=False) != extractor_identity()
    store = OxigraphStore()
    first = build(EXAMPLES, store, workers=1, parse=False)
    assert first.documents == 2
    assert len(build(EXAMPLES, store, workers=1, parse=False).unchanged) == 2
    again = build(EXAMPLES, store, workers=1)
    assert (again.documents, again.unchanged) == (2, [])


@pytest.mark.parametrize("flag", ["--no-parse", "--parse"])
def test_build_takes_the_option(tmp_path: Path, flag: str) -> None:
    built = kg("--store", str(tmp_path / "s"), flag, "build", str(EXAMPLES), "-w", "1")
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Built 2 documents")
