"""Who may open a store when: writers create it and exclude each other, readers never wait.

Real `kg` processes throughout: a holder process keeps a store open for writing (as a notebook
or a build does) while other processes read it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.extract.documents import read_documents
from kg.graph.store import OxigraphStore
from kg.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "seed.txt"
KG = [sys.executable, "-m", "kg"]
ASK = "ASK { country:GBR kg:visited country:JPN }"


def kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=180, cwd=cwd)


def read_commands(store: Path, out: Path) -> dict[str, list[str]]:
    """Every command that only reads the store, with arguments that make it succeed."""
    return {
        "query": ["--store", str(store), "query", ASK],
        "stats": ["--store", str(store), "stats"],
        "viz": ["--store", str(store), "viz", "-o", str(out / "graph.html")],
        "export": ["--store", str(store), "export", "--format", "nq", "-o", str(out / "g.nq")],
        "validate": ["--store", str(store), "validate"],
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("access") / "store"
    with OxigraphStore(store) as s:
        build(read_documents([SAMPLE]), s, workers=1)
    return store


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` with a digest of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@contextlib.contextmanager
def held_for_writing(store: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding `store` open for writing until the block ends."""
    code = ("import sys\nfrom kg.graph.store import open_store\n"
            f"store = open_store({str(store)!r})\n"
            "print('held', flush=True)\nsys.stdin.readline()\nstore.close()\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield holder
    finally:
        holder.communicate("\n", timeout=60)


# --- writers create the store (issue 8 §1) ------------------------------------------------


def test_build_in_a_fresh_folder_creates_the_default_store(tmp_path: Path) -> None:
    proc = kg("build", str(ROOT / "examples"), "-w", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / ".kg" / "store" / "CURRENT").is_file()
    assert kg("query", ASK, cwd=tmp_path).stdout == "true\n"


def test_build_and_import_create_every_missing_parent_folder(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c" / "demo-store"
    proc = kg("--store", str(deep), "build", str(SAMPLE), "-w", "1")
    assert proc.returncode == 0, proc.stderr
    rdf = tmp_path / "extra.ttl"
    rdf.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    other = tmp_path / "x" / "y" / "store"
    proc = kg("--store", str(other), "import", str(rdf))
    assert proc.returncode == 0, proc.stderr
    assert (deep / "CURRENT").is_file() and (other / "CURRENT").is_file()


def test_an_empty_folder_becomes_a_store(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    assert kg("--store", str(folder), "build", str(SAMPLE), "-w", "1").returncode == 0
    assert (folder / "CURRENT").is_file()


def test_where_no_store_can_be_made_the_error_says_why_in_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder", encoding="utf-8")
    proc = kg("--store", str(blocker / "sub" / "store"), "build", str(SAMPLE), "-w", "1")
    assert (proc.returncode, proc.stderr) == (
        1, f"Error: cannot create store {blocker}/sub/store: {blocker} is not a folder\n")
    proc = kg("--store", str(blocker), "build", str(SAMPLE), "-w", "1")
    assert (proc.returncode, proc.stderr) == (
        1, f"Error: {blocker} is not a kg store: it is a file\n")
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_a_writer_never_fills_a_folder_of_other_files(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("keep me\n", encoding="utf-8")
    before = tree(folder)
    proc = kg("--store", str(folder), "build", str(SAMPLE), "-w", "1")
    assert (proc.returncode, proc.stderr) == (
        1, f"Error: {folder} is not a kg store: it is a folder with other files in it "
           "(name a new or empty folder)\n")
    assert tree(folder) == before


def test_a_store_on_a_read_only_file_system_cannot_be_created(tmp_path: Path) -> None:
    with read_only_mount(tmp_path / "empty-src", tmp_path / "ro") as ro:
        proc = kg("--store", str(ro / "store"), "build", str(SAMPLE), "-w", "1")
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"Error: cannot create store {ro}/store: ")
    if os.geteuid() == 0:  # a read-only mount; others get "Permission denied"
        assert proc.stderr.endswith(": Read-only file system\n")


# --- readers never wait; writers exclude each other (issue 8 §3, issue 9 §12) -------------


def test_every_read_command_works_while_another_process_holds_the_store(
        built: Path, tmp_path: Path) -> None:
    with held_for_writing(built):
        for name, args in read_commands(built, tmp_path).items():
            proc = kg(*args)
            assert proc.returncode == 0, f"{name}: {proc.stderr}"
            # Nothing on stderr but a command's own summary line (export's count and rate).
            assert all(line.startswith(f"kg {name}: ") for line in proc.stderr.splitlines()), \
                f"{name}: {proc.stderr}"
        second_writer = kg("--store", str(built), "build", str(SAMPLE), "-w", "1")
    assert second_writer.returncode == 1
    assert second_writer.stderr == f"Error: store is in use by another process: {built}\n"


def test_readers_see_a_snapshot_taken_when_they_open(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with OxigraphStore(store) as writer:
        build(read_documents([SAMPLE]), writer, workers=1)
        before = len(writer)
        reader = OxigraphStore(store, read_only=True)
        writer.add([_extra_quad()])
        assert len(reader) == before  # a snapshot: writes after opening are not seen
        assert len(OxigraphStore(store, read_only=True)) == before + 1
        reader.close()
        # The CLI sees the writer's committed state while the writer still holds the store.
        assert kg("--store", str(store), "query", "ASK { <urn:x> <urn:y> <urn:z> }"
                  ).stdout == "true\n"


def _extra_quad():  # type: ignore[no-untyped-def]
    import pyoxigraph as ox

    return ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:y"), ox.NamedNode("urn:z"),
                   ox.NamedNode("urn:g"))


def test_a_long_query_does_not_block_other_reads(built: Path) -> None:
    slow = subprocess.Popen(
        [*KG, "--store", str(built), "query", "--timeout", "30",
         "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    child = _wait_for_child(slow.pid)
    try:
        assert child is not None, "the query child never started"
        for args in (["stats"], ["query", ASK], ["query", "--saved", "partnerships"]):
            proc = kg("--store", str(built), *args)
            assert proc.returncode == 0, proc.stderr
        assert slow.poll() is None  # the slow reader was running all along
    finally:
        slow.kill()
        slow.wait()
        if child is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)


def _wait_for_child(pid: int) -> int | None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        if children:
            time.sleep(1)  # let it open the store and start the query
            return int(children[0])
        time.sleep(0.05)
    return None


def test_two_library_readers_and_a_cli_reader_at_once(built: Path) -> None:
    with OxigraphStore(built, read_only=True) as one, OxigraphStore(built, read_only=True) as two:
        proc = kg("--store", str(built), "stats")
        assert proc.returncode == 0, proc.stderr
        assert len(one) == len(two) > 0


def test_read_commands_work_on_a_read_only_file_system(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with read_only_mount(built, tmp_path / "ro") as ro:
        before = tree(ro)
        for name, args in read_commands(ro, out).items():
            proc = kg(*args)
            assert proc.returncode == 0, f"{name}: {proc.stderr}"
        assert tree(ro) == before


@pytest.mark.parametrize("content", [{}, {"notes.txt": b"keep me\n", "sub/data.csv": b"1,2\n"}],
                         ids=["empty", "other-files"])
def test_a_read_command_never_turns_a_folder_into_a_store(
        tmp_path: Path, content: dict[str, bytes]) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    for name, data in content.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    before = tree(folder), sorted(p.name for p in folder.rglob("*"))
    out = tmp_path / "out"
    out.mkdir()
    for name, args in read_commands(folder, out).items():
        proc = kg(*args)
        assert (proc.returncode, proc.stderr) == (
            1, f"Error: {folder} is not a kg store (no Oxigraph database in it)\n"), name
    assert (tree(folder), sorted(p.name for p in folder.rglob("*"))) == before
    assert list(out.iterdir()) == []


def test_a_read_command_on_a_missing_path_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "store"
    for name, args in read_commands(missing, tmp_path).items():
        proc = kg(*args)
        assert (proc.returncode, proc.stderr) == (
            1, f"Error: no store at {missing} (run 'kg build' first)\n"), name
    assert list(tmp_path.iterdir()) == []


@contextlib.contextmanager
def read_only_mount(source: Path, target: Path) -> Iterator[Path]:
    """`source` seen read-only at `target`: a bind mount, since root writes through chmod."""
    source.mkdir(exist_ok=True)
    target.mkdir()
    if os.geteuid() != 0:
        mode = source.stat().st_mode
        source.chmod(0o555)
        try:
            yield source
        finally:
            source.chmod(mode)
        return
    bound = subprocess.run(["mount", "--bind", str(source), str(target)], capture_output=True)
    if bound.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {bound.stderr.decode().strip()}")
    try:
        remount = subprocess.run(["mount", "-o", "remount,ro,bind", str(target)],
                                 capture_output=True)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only here: {remount.stderr.decode().strip()}")
        yield target
    finally:
        subprocess.run(["umount", str(target)], capture_output=True)


def test_reads_succeed_while_a_build_is_writing(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8").split("---", 2)[2]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"a{i:04d}", "date": "2026-01-31",
                                          "text": text}) + "\n" for i in range(400)),
                      encoding="utf-8")
    store = tmp_path / "store"
    writer = subprocess.Popen([*KG, "--store", str(store), "build", str(corpus), "-w", "1"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (store / "CURRENT").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        documents = []
        while writer.poll() is None and len(documents) < 6:
            proc = kg("--store", str(store), "query", "--format", "csv",
                      "SELECT (COUNT(?d) AS ?n) WHERE { ?d a kg:Document }")
            assert proc.returncode == 0, proc.stderr
            documents.append(int(proc.stdout.split()[1]))
            assert kg("--store", str(store), "stats").returncode == 0
        assert documents, "the build ended before any read"
        # Each reader saw whole documents, and later readers saw no fewer.
        assert documents == sorted(documents) and documents[-1] <= 400
    finally:
        out, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err
