"""Errors keep their promise: one line on stderr, a non-zero exit, no traceback, for every
failure seen in the field, each run as a real `kg` process."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "seed.txt"
KG = str(Path(sys.executable).parent / "kg")


def kg(*args: str | bytes, cwd: Path, input: bytes | None = None,
       timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([KG, *args], cwd=cwd, input=input, capture_output=True,
                          timeout=timeout)


def assert_one_line_error(done: subprocess.CompletedProcess[bytes], *words: str) -> str:
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode not in (0, None), err
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("errors")
    done = kg("--store", str(folder / "store"), "build", str(SAMPLE), "-w", "1", cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder / "store"


@pytest.mark.parametrize("date", ["2026-13-45", "2026-02-30", "2026-00-10", "0000-01-01"])
def test_impossible_front_matter_date(tmp_path: Path, date: str) -> None:
    article = tmp_path / "a.txt"
    article.write_text(f"---\ndate: {date}\n---\nJapan and the UK met in Tokyo.\n")
    for command in (["extract"], ["--store", str(tmp_path / "s"), "build"]):
        assert_one_line_error(kg(*command, str(article), cwd=tmp_path), "a.txt", "date")


def test_keep_going_skips_a_document_with_an_impossible_date(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_text("---\ndate: 2026-13-45\n---\nJapan met the UK.\n")
    shutil.copy(SAMPLE, tmp_path / "seed.txt")
    done = kg("extract", "--keep-going", str(tmp_path), "-w", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert b"Skipped:" in done.stderr and b"bad.txt" in done.stderr
    assert b"Traceback" not in done.stderr
    assert {json.loads(line)["doc"] for line in done.stdout.splitlines()} == {"seed"}


def test_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / os.fsdecode(b"caf\xe9.txt")).write_text("Japan and the UK met in Tokyo.\n")
    for command in (["extract"], ["--store", str(tmp_path / "s"), "build"]):
        done = kg(*command, str(folder), cwd=tmp_path)
        if done.returncode == 0:
            # Read: then the id is valid text and every output is valid UTF-8.
            done.stdout.decode("utf-8")
            assert b"Traceback" not in done.stderr
        else:
            assert_one_line_error(done, "UTF-8")


def test_a_corrupted_store(store: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(store, broken)
    for name in os.listdir(broken):
        if (broken / name).is_file():
            (broken / name).write_bytes(b"\x00garbage\xff" * 7)
    for command in (["stats"], ["query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"],
                    ["export"], ["viz", "-o", str(tmp_path / "g.html")]):
        assert_one_line_error(kg("--store", str(broken), *command, cwd=tmp_path), "store")


def test_unknown_kinds_are_shown_not_fatal(tmp_path: Path) -> None:
    store = tmp_path / "s"
    assert kg("--store", str(store), "build", str(SAMPLE), "-w", "1", cwd=tmp_path).returncode == 0
    dump = kg("--store", str(store), "export", "--format", "nq", cwd=tmp_path).stdout.decode()
    # Every fact of the sample becomes a fact of a kind kg has never heard of.
    kind = "<https://w3id.org/kg-bilateral/ontology#kind>"
    odd = "\n".join(line.replace('"meeting"', '"gift"').replace('"visit"', '"gift"')
                    if kind in line else line for line in dump.splitlines())
    (tmp_path / "odd.nq").write_text(odd + "\n")
    other = tmp_path / "other"
    assert kg("--store", str(other), "import", "odd.nq", cwd=tmp_path).returncode == 0
    for command in (["viz", "-o", "g.html"], ["viz", "--level", "facts", "-o", "f.html"],
                    ["stats", "--top", "3"], ["export", "--format", "graphml"]):
        done = kg("--store", str(other), *command, cwd=tmp_path)
        assert done.returncode == 0, (command, done.stderr)
        assert b"Traceback" not in done.stderr


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_deeply_nested_json_line(tmp_path: Path) -> None:
    (tmp_path / "deep.jsonl").write_text(
        '{"id": "a", "text": "Japan met the UK.", "tags": ' + _nested(100_000) + "}\n")
    assert_one_line_error(kg("extract", "deep.jsonl", cwd=tmp_path), "deep.jsonl:1")
    (tmp_path / "deep.jsonl").write_text(
        '{"id": "a", "text": "Japan met the UK.", "tags": ' + _nested(100_000) + "}\n"
        '{"id": "b", "text": "Japan and the UK met in Tokyo."}\n')
    done = kg("extract", "--keep-going", "deep.jsonl", cwd=tmp_path)
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    assert {json.loads(line)["doc"] for line in done.stdout.splitlines()} == {"b"}


def test_deeply_nested_json_ld(tmp_path: Path) -> None:
    (tmp_path / "deep.jsonld").write_text('{"@graph": ' + _nested(100_000) + "}")
    assert_one_line_error(kg("--store", "s", "import", "deep.jsonld", cwd=tmp_path),
                          "deep.jsonld")


def test_a_literal_larger_than_the_parsers_buffer(tmp_path: Path) -> None:
    (tmp_path / "big.nt").write_text(
        '<http://example.org/a> <http://example.org/b> "' + "x" * 19_000_000 + '" .\n')
    done = kg("--store", "s", "import", "big.nt", cwd=tmp_path)
    if done.returncode != 0:
        assert_one_line_error(done, "big.nt")
    else:
        assert b"Traceback" not in done.stderr


def test_rdf_1_2_syntax_on_import(tmp_path: Path) -> None:
    (tmp_path / "r.nt").write_text("<http://a.example/s> <http://a.example/p> "
                                   "<<( <http://a.example/s> <http://a.example/p> "
                                   "<http://a.example/o> )>> .\n")
    (tmp_path / "r.ttl").write_text("<http://a.example/s> <http://a.example/p> "
                                    "<< <http://a.example/s> <http://a.example/p> 1 >> .\n")
    for name in ("r.nt", "r.ttl"):
        done = kg("--store", "s", "import", name, cwd=tmp_path)
        if done.returncode != 0:
            assert_one_line_error(done, name)
        else:
            assert b"Traceback" not in done.stderr


@pytest.mark.parametrize("graph", ["not an iri", "", "http://a b/", "<http://x>", "rel/ative"])
def test_an_invalid_graph_name(tmp_path: Path, graph: str) -> None:
    (tmp_path / "ok.nt").write_text("<http://a.example/s> <http://a.example/p> \"o\" .\n")
    assert_one_line_error(kg("--store", "s", "import", "--graph", graph, "ok.nt", cwd=tmp_path),
                          "graph")


@pytest.mark.parametrize("rows", [
    "iso3\tname\nXXXXX\n",
    "iso3\tname\tqid\nGB\tBritain\tQ145\n",
    "country\tname\trole\tstart\tend\nGBR\tA. Person\tPrime Minister\tnot-a-date\t\n",
    "\x00\x01\x02\n",
    "iso3\tname\n" + "GBR\t" + "x" * 10 + "\t\t\t\t\t\t\t\t\n",
])
def test_a_bad_actors_row(tmp_path: Path, rows: str) -> None:
    (tmp_path / "actors.tsv").write_text(rows)
    done = kg("--actors", "actors.tsv", "extract", str(SAMPLE), "-w", "1", cwd=tmp_path)
    assert_one_line_error(done, "actors.tsv")


def test_query_file_that_is_binary(store: Path, tmp_path: Path) -> None:
    (tmp_path / "q.rq").write_bytes(bytes(range(256)) * 8)
    assert_one_line_error(kg("--store", str(store), "query", "-F", "q.rq", cwd=tmp_path),
                          "q.rq", "UTF-8")


def test_invalid_utf8_in_title(store: Path, tmp_path: Path) -> None:
    done = subprocess.run([KG, "--store", str(store), "viz", "--title", b"a\xffb", "-o",
                           str(tmp_path / "g.html")], capture_output=True, timeout=120)
    if done.returncode == 0:
        (tmp_path / "g.html").read_bytes().decode("utf-8")
    else:
        assert_one_line_error(done, "title")
        assert not (tmp_path / "g.html").exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("args", [["--help"], ["query", "--help"], ["--version"],
                                  ["query", "--prefixes"]])
def test_help_to_a_full_disk(tmp_path: Path, args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run([KG, *args], stdout=full, stderr=subprocess.PIPE, cwd=tmp_path,
                              timeout=60)
    assert_one_line_error(subprocess.CompletedProcess(done.args, done.returncode, b"",
                                                      done.stderr), "write")


def test_ctrl_c_during_a_multi_worker_build(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    text = SAMPLE.read_text(encoding="utf-8").split("---", 2)[-1]
    with corpus.open("w") as out:
        for i in range(4000):
            out.write(json.dumps({"id": f"d{i}", "text": text, "date": "2026-01-31"}) + "\n")
    proc = subprocess.Popen([KG, "--store", str(tmp_path / "s"), "build", "-w", "2",
                             str(corpus)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    time.sleep(4)
    # Ctrl-C reaches the whole foreground process group: the workers as well.
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err, err.decode()[-3000:]


def _can_drop_privileges() -> bool:
    return (os.geteuid() == 0 and shutil.which("setpriv") is not None
            and sys.platform.startswith("linux"))


@pytest.mark.skipif(not _can_drop_privileges(),
                    reason="needs root and setpriv to make a folder unreadable to kg")
def test_an_unreadable_subfolder_is_reported() -> None:
    # Root reads every folder, so kg runs as `nobody` over a tree nobody may partly read.
    top = Path(tempfile.mkdtemp(prefix="kg-unreadable-", dir="/tmp"))
    try:
        (top / "secret").mkdir()
        shutil.copy(SAMPLE, top / "seed.txt")
        shutil.copy(SAMPLE, top / "secret" / "hidden.txt")
        os.chmod(top, 0o755)
        os.chmod(top / "seed.txt", 0o644)
        os.chmod(top / "secret", 0o000)
        run = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", KG, "extract",
               str(top), "-w", "1"]
        done = subprocess.run(run, capture_output=True, timeout=120, cwd="/")
        err = done.stderr.decode()
        if done.returncode == 0:
            assert "Skipped" in err and "secret" in err, err
            assert "Traceback" not in err
        else:
            assert_one_line_error(done, "secret")
        kept = subprocess.run([*run, "--keep-going"], capture_output=True, timeout=120, cwd="/")
        assert kept.returncode == 0, kept.stderr
        assert b"Skipped" in kept.stderr and b"secret" in kept.stderr
        assert {json.loads(line)["doc"] for line in kept.stdout.splitlines()} == {"seed"}
    finally:
        os.chmod(top / "secret", 0o755)
        shutil.rmtree(top, ignore_errors=True)
