"""Saved queries stay in proportion to the store: one document repeated 60 times.

A person or a place recurs in every copy's graph. A pattern that follows a fact to its
person's name through the union of all graphs meets that name once per graph, so an
OPTIONAL per side multiplies the solutions by 60 each (60³ per fact before DISTINCT): the
`invitations-visits` of 500 articles once took 23 GB. Each query must answer under a small
memory cap, with 60 times the rows of one copy.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg"]
COPIES = 60
PARAMS = {"a": "JPN", "b": "GBR", "country": "JPN", "since": "2020-01-01", "min_confidence": "0.5"}


def _store(folder: Path, copies: int) -> Path:
    body = (ROOT / "examples" / "seed.txt").read_text(encoding="utf-8").split("---", 2)[-1]
    corpus = folder / f"copies-{copies}.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"copy-{i}", "text": body,
                                          "date": "2026-01-31"}) + "\n"
                              for i in range(copies)), encoding="utf-8")
    store = folder / f"store-{copies}"
    done = subprocess.run([*KG, "--store", str(store), "build", "-q", "-w", "1", str(corpus)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return store


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("scale")
    return _store(folder, 1), _store(folder, COPIES)


def _saved_names() -> list[str]:
    from kg.graph.query import saved_queries

    return sorted(saved_queries())


def _rows(store: Path, name: str) -> list[str]:
    from kg.graph.query import saved_queries

    params = [f"{p}={PARAMS[p]}" for p in saved_queries()[name].param_names]
    done = subprocess.run([*KG, "--store", str(store), "query", "--saved", name,
                           *[arg for p in params for arg in ("-p", p)],
                           "--max-memory", "400", "--timeout", "120", "-f", "jsonl"],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"{name}: {done.stderr}"
    return done.stdout.splitlines()


@pytest.mark.parametrize("name", _saved_names())
def test_saved_query_answers_in_proportion(stores: tuple[Path, Path], name: str) -> None:
    one, many = stores
    single, repeated = _rows(one, name), _rows(many, name)
    assert single, f"{name} gives no rows on the sample"
    if any("copy-0" in row for row in single):  # rows per document
        assert len(repeated) == COPIES * len(single), name
    else:  # rows per country or pair: the copies add facts, not rows
        assert len(repeated) == len(single), name
