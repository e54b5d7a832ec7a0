"""Extraction on a real Dask cluster (a LocalCluster of 2 worker processes on loopback)
gives the same facts and graphs as a local run."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")
pytest.importorskip("dask.bag")

from click.testing import CliRunner  # noqa: E402

from kg.cli import cli  # noqa: E402
from kg.extract.documents import read_documents  # noqa: E402
from kg.records import Fact  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
KG = [sys.executable, "-m", "kg"]


def kg(*args: str, **kw) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=180, **kw)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples and a few more documents, so that batches and partitions are several."""
    folder = tmp_path_factory.mktemp("corpus")
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    for number in range(12):
        text = texts[number % len(texts)]
        (folder / f"article-{number:02d}.txt").write_text(
            text.replace("2024", str(2000 + number)), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


@pytest.fixture(scope="module")
def local_output(corpus: Path) -> str:
    proc = kg("extract", str(corpus), "-w", "1")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def local_facts(local_output: str) -> list[str]:
    return sorted(local_output.splitlines())


def _lines(facts: list[Fact]) -> list[str]:
    return sorted(json.dumps(f.to_dict(), ensure_ascii=False) for f in facts)


def test_extract_bag_gives_the_facts_of_a_local_run(scheduler: str, corpus: Path,
                                                    local_facts: list[str]) -> None:
    import dask.bag as db

    import kg as library

    paths = sorted(corpus.glob("*.txt"))
    with distributed.Client(scheduler) as client:
        bag = library.extract_bag(db.from_sequence(paths, npartitions=4))
        facts = bag.compute(scheduler=client)
        where = client.run(lambda: __import__("os").getpid())
    assert len(where) == 2
    assert facts and all(isinstance(f, Fact) for f in facts)
    assert [json.loads(line) for line in _lines(facts)] == [json.loads(x) for x in local_facts]


def test_kg_extract_on_the_cluster(scheduler: str, corpus: Path, local_output: str) -> None:
    proc = kg("extract", "--scheduler", scheduler, str(corpus))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == local_output  # the same facts, in the same (input) order


def test_kg_extract_on_the_cluster_without_the_parse(scheduler: str, corpus: Path) -> None:
    here = kg("--no-parse", "extract", str(corpus), "-w", "1")
    there = kg("--no-parse", "extract", "--scheduler", scheduler, str(corpus))
    assert here.returncode == there.returncode == 0, there.stderr
    assert there.stdout == here.stdout


def test_kg_build_on_the_cluster(scheduler: str, corpus: Path, tmp_path: Path) -> None:
    here, there = tmp_path / "here", tmp_path / "there"
    assert kg("--store", str(here), "build", str(corpus), "-w", "1", "-q").returncode == 0
    built = kg("--store", str(there), "build", "--scheduler", scheduler, str(corpus))
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Built 12 documents")

    def export(store: Path) -> list[str]:
        return sorted(kg("--store", str(store), "export", "-f", "nq").stdout.splitlines())

    assert export(there) == export(here)


def test_extract_batch_builds_one_extractor_per_process() -> None:
    from kg import distributed as on_cluster

    docs = list(read_documents([EXAMPLES]))
    on_cluster._EXTRACTORS.clear()
    first = on_cluster.extract_batch(docs)
    extractor = on_cluster._EXTRACTORS[None, True]
    assert on_cluster.extract_batch(docs) == first
    assert on_cluster._EXTRACTORS == {(None, True): extractor}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    address = f"tcp://127.0.0.1:{_free_port()}"
    proc = kg("--store", str(tmp_path / "store"), "build", "--scheduler", address,
              str(EXAMPLES / "seed.txt"))
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"Error: cannot reach the Dask scheduler at {address}: ")
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


@pytest.mark.parametrize("address", ["nonsense", "bad://x:1", "tcp://host"])
def test_a_malformed_scheduler_address_is_one_line(address: str) -> None:
    result = CliRunner().invoke(cli, ["extract", "--scheduler", address,
                                      str(EXAMPLES / "seed.txt")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {address!r} is not a Dask scheduler address: ")
    assert result.stderr.count("\n") == 1, result.stderr


def test_without_dask_installed_the_error_says_what_to_install(tmp_path: Path) -> None:
    hide = ("import sys; sys.modules['distributed'] = None; sys.modules['dask'] = None; "
            "sys.modules['dask.bag'] = None; from kg.cli import main; "
            "sys.argv[0] = 'kg'; main()")
    proc = subprocess.run([sys.executable, "-c", hide, "--store", str(tmp_path / "s"),
                           "build", "--scheduler", "tcp://127.0.0.1:1",
                           str(EXAMPLES / "seed.txt")],
                          capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stderr) == (
        1, "Error: running on a Dask cluster needs dask: pip install 'kg[dask]'\n")
