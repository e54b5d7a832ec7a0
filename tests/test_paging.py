"""Paging of SELECT results: `--limit`/`--offset`, and a page by default for a terminal table.

A real store, real `kg` processes; the terminal is a real pseudo-terminal.
"""

from __future__ import annotations

import csv
import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import QueryError
from kg.extract.documents import read_documents
from kg.graph.query import query_store_at, run_query, run_saved
from kg.graph.store import OxigraphStore
from kg.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg"]
# 1,500 rows in a known order, whatever the store holds.
NUMBERS = ("SELECT ?i WHERE { VALUES ?i { " + " ".join(map(str, range(1500)))
           + " } } ORDER BY DESC(?i)")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("paging") / "store"
    with OxigraphStore(path) as store:
        build(read_documents([ROOT / "examples" / "seed.txt",
                              ROOT / "examples" / "g20-talks.txt"]), store, workers=1)
    return path


def numbers(result) -> list[int]:  # type: ignore[no-untyped-def]
    return [int(row[0].value) for row in result.rows]


def test_pages_are_slices_of_the_whole_result_in_its_order(built: Path) -> None:
    with OxigraphStore(built, read_only=True) as store:
        whole = run_saved(store, "pair-timeline", {"a": "JPN", "b": "GBR"})
        assert len(whole.rows) >= 5 and not whole.more
        pages = [run_saved(store, "pair-timeline", {"a": "JPN", "b": "GBR"}, limit=2,
                           offset=start) for start in range(0, len(whole.rows), 2)]
        assert [row for p in pages for row in p.rows] == list(whole.rows)
        assert all(p.more for p in pages[:-1]) and not pages[-1].more
        assert pages[0].variables == whole.variables  # the parameters' columns still dropped
        # An exact fit: nothing more follows.
        exact = run_saved(store, "pair-timeline", {"a": "JPN", "b": "GBR"},
                          limit=len(whole.rows))
        assert exact.rows == whole.rows and not exact.more
        assert numbers(run_query(store, NUMBERS, limit=3, offset=10)) == [1489, 1488, 1487]
        assert numbers(run_query(store, NUMBERS, limit=0)) == list(range(1499, -1, -1))


def test_a_query_with_its_own_limit_is_paged_within_it(built: Path) -> None:
    own = NUMBERS + " LIMIT 5 OFFSET 2"
    with OxigraphStore(built, read_only=True) as store:
        assert numbers(run_query(store, own)) == [1497, 1496, 1495, 1494, 1493]
        page = run_query(store, own, limit=2, offset=4)
        assert numbers(page) == [1493] and not page.more
        assert numbers(run_query(store, own, limit=10, offset=5)) == []


@pytest.mark.parametrize("limit, offset", [(-1, 0), (2, -3), (True, 0), ("3", 0), (2.5, 0)])
def test_bad_pages_are_refused(built: Path, limit: object, offset: object) -> None:
    with OxigraphStore(built, read_only=True) as store, pytest.raises(QueryError,
                                                                      match="whole number"):
        run_query(store, NUMBERS, limit=limit, offset=offset)  # type: ignore[arg-type]


def test_the_query_child_sends_only_the_page(built: Path) -> None:
    result = query_store_at(str(built), NUMBERS, limit=4, offset=1496)
    assert numbers(result) == [3, 2, 1, 0] and not result.more
    saved = query_store_at(str(built), saved="documents", limit=1, offset=1)
    assert len(saved.rows) == 1 and not saved.more


def kg_csv(built: Path, *args: str) -> list[list[str]]:
    proc = subprocess.run([*KG, "--store", str(built), "query", *args, "-f", "csv"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return list(csv.reader(io.StringIO(proc.stdout)))


def test_cli_pages_a_saved_query_in_its_order(built: Path) -> None:
    params = ["--saved", "pair-timeline", "-p", "a=JPN", "-p", "b=GBR"]
    header, *whole = kg_csv(built, *params)
    assert len(whole) >= 5
    header2, *page = kg_csv(built, *params, "--limit", "2", "--offset", "3")
    assert header2 == header and page == whole[3:5]
    # A pipe gets every row of a table: no default page.
    proc = subprocess.run([*KG, "--store", str(built), "query", NUMBERS],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stderr == ""
    assert table_numbers(proc.stdout) == list(range(1499, -1, -1))


@pytest.mark.parametrize("bad", ["-1", "x", "1.5"])
def test_cli_refuses_a_bad_limit(built: Path, bad: str) -> None:
    proc = subprocess.run([*KG, "--store", str(built), "query", NUMBERS, "--limit", bad],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("Error: Invalid value for '--limit'")


def on_a_terminal(built: Path, *args: str) -> tuple[str, str, int]:
    """Run `kg query` with stdout on a pseudo-terminal; (stdout, stderr, exit status)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([*KG, "--store", str(built), "query", *args], stdout=slave,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    return b"".join(chunks).decode(), err, proc.wait(timeout=120)


def table_numbers(text: str) -> list[int]:
    return [int(cell) for line in text.splitlines() for cell in line.replace("|", " ").split()
            if cell.isdigit()]


def test_a_table_on_a_terminal_shows_a_page_and_says_so(built: Path) -> None:
    out, err, code = on_a_terminal(built, NUMBERS)
    assert code == 0
    assert table_numbers(out) == list(range(1499, 499, -1))
    assert err == "showing the first 1000 rows of more; --limit 0 for all\n"
    out, err, code = on_a_terminal(built, NUMBERS, "--offset", "1000")
    assert table_numbers(out) == list(range(499, -1, -1)) and err == "" and code == 0
    out, err, code = on_a_terminal(built, NUMBERS, "--limit", "0")
    assert table_numbers(out) == list(range(1499, -1, -1)) and err == "" and code == 0
    # Other formats on a terminal get everything.
    out, err, code = on_a_terminal(built, NUMBERS, "-f", "csv")
    assert len(out.split()) == 1501 and err == "" and code == 0
