"""Limits of the query child: time (parsing included), memory, and death with its parent.

Real `kg query` processes on a real store; signals are sent to the real parent process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import QueryError
from kg.extract.documents import read_documents
from kg.graph.query import check_read_only, query_store_at
from kg.graph.store import OxigraphStore
from kg.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg"]
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def doubling_concat(times: int) -> str:
    """A short query whose one string doubles `times` times (64 bytes * 2**times)."""
    binds = [f'BIND("{"a" * 64}" AS ?a0)'] + [
        f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(times)]
    return f"SELECT (STRLEN(?a{times}) AS ?n) WHERE {{ {' '.join(binds)} }}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("limits") / "store"
    with OxigraphStore(store) as s:
        build(read_documents([ROOT / "examples" / "seed.txt"]), s, workers=1)
    return store


# --- memory (issue 9 §9) -------------------------------------------------------------------


def test_a_doubling_concat_stops_at_the_memory_limit(built: Path) -> None:
    proc = subprocess.run([*KG, "--store", str(built), "query", "--max-memory", "100",
                           doubling_concat(40)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr == ("Error: query exceeded the memory limit of 100 MB (--max-memory): "
                           "narrow its patterns, add a LIMIT, or allow more memory\n")
    assert proc.stdout == ""


def test_the_memory_limit_is_on_by_default_and_in_the_library(built: Path) -> None:
    with pytest.raises(QueryError, match="memory limit of 64 MB"):
        query_store_at(str(built), doubling_concat(40), max_memory=64, timeout=None)
    # Under the limit the same shape of query answers: the cap is not on kg's own memory.
    result = query_store_at(str(built), doubling_concat(12), max_memory=64)
    assert [row[0].value for row in result.rows] == [str(64 * 2 ** 12)]
    assert "--max-memory" in CliRunner().invoke(cli, ["query", "--help"]).output


# --- time, parsing included (issue 9 §9) ---------------------------------------------------


def test_the_time_limit_covers_parsing_a_huge_query(built: Path, tmp_path: Path) -> None:
    # Half a megabyte of UNION: rdflib's parser alone takes many seconds over it.
    text = "SELECT * WHERE { " + " UNION ".join(
        f"{{ ?s <urn:p{i}> ?o }}" for i in range(20_000)) + " }"
    huge = tmp_path / "huge.rq"
    huge.write_text(text, encoding="utf-8")
    assert huge.stat().st_size > 500_000
    start = time.monotonic()
    proc = subprocess.run([*KG, "--store", str(built), "query", "--timeout", "1", "-F",
                           str(huge)], capture_output=True, text=True, timeout=300)
    stopped_after = time.monotonic() - start
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: query stopped after 1 s (--timeout)")
    # Stopped while parsing, not after: parsing alone takes longer than the whole run did.
    start = time.monotonic()
    check_read_only(text)
    assert stopped_after < time.monotonic() - start


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "NaN", "1e999"])
def test_timeouts_that_are_no_finite_number_of_seconds_are_refused(
        built: Path, value: str) -> None:
    result = CliRunner().invoke(cli, ["--store", str(built), "query", "--timeout", value,
                                      "ASK {}"])
    assert result.exit_code == 2
    assert (f"Invalid value for '--timeout' / '-t': {value!r} is not a finite number of "
            "seconds, 0 or more (0: no limit)") in result.output
    env = CliRunner().invoke(cli, ["--store", str(built), "query", "ASK {}"],
                             env={"KG_QUERY_TIMEOUT": value})
    assert env.exit_code == 2 and "is not a finite number of seconds" in env.output


@pytest.mark.parametrize("timeout", [float("nan"), float("inf"), -1.0])
def test_the_library_refuses_such_timeouts_too(built: Path, timeout: float) -> None:
    with pytest.raises(QueryError, match="timeout must be a finite number of seconds"):
        query_store_at(str(built), "ASK {}", timeout=timeout)


def test_a_negative_memory_limit_is_refused(built: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", str(built), "query", "--max-memory", "-5",
                                      "ASK {}"])
    assert result.exit_code == 2
    assert "Invalid value for '--max-memory': -5 is not in the range x>=0." in result.output


# --- the child dies with its parent (issue 9 §10) ------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL],
                         ids=lambda s: s.name)
def test_the_query_child_dies_with_its_parent(built: Path, sig: signal.Signals) -> None:
    parent = subprocess.Popen([*KG, "--store", str(built), "query", "--timeout", "300",
                               CARTESIAN], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    child = None
    try:
        child = _child_of(parent.pid)
        parent.send_signal(sig)
        assert parent.wait(timeout=60) == -sig or parent.returncode == 128 + sig
        assert _ends(child), f"the query child {child} outlived its parent ({sig.name})"
        assert parent.stderr is not None and b"Traceback" not in parent.stderr.read()
    finally:
        parent.kill()
        parent.wait()
        if child is not None and not _ends(child, wait=0):
            os.kill(child, signal.SIGKILL)


def _child_of(pid: int) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(FileNotFoundError):
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            if children:
                time.sleep(1)  # let it open the store and start the query
                return int(children[0])
        time.sleep(0.05)
    raise AssertionError("the query child never started")


def _ends(pid: int, wait: float = 30) -> bool:
    """Whether process `pid` is gone or a zombie (dead, not yet reaped) within `wait` s."""
    deadline = time.monotonic() + wait
    while True:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state in ("Z", "X"):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
