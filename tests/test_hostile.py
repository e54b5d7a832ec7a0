"""Hostile queries and RDF, faults mid-write, and determinism (real processes, real servers)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import free_port, oxigraph_server

from kg.cli import cli
from kg.errors import InputError, StoreError
from kg.extract.documents import read_documents
from kg.graph.importer import import_rdf
from kg.graph.query import run_query
from kg.graph.remote import RemoteStore
from kg.graph.store import OxigraphStore
from kg.graph.vocab import PREFIXES
from kg.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "seed.txt"
KG = [sys.executable, "-m", "kg"]


def kg(*args: str, timeout: float = 120, **kw) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=timeout, **kw)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("hostile") / "store"
    with OxigraphStore(store) as s:
        build(read_documents([SAMPLE]), s, workers=1)
    return store


class Listener:
    """A TCP listener on loopback that records whether anyone connected."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue

    def close(self) -> None:
        self._stop = True
        self.thread.join(2)
        self.sock.close()


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "LOAD <http://127.0.0.1:{port}/data.ttl>",
    "SELECT * FROM <http://127.0.0.1:{port}/g> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <http://127.0.0.1:{port}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "INSERT DATA {{ <urn:a> <urn:b> <urn:c> }}",
    "DELETE WHERE {{ ?s ?p ?o }}",
    "CLEAR ALL",
    "DROP GRAPH <https://w3id.org/kg-bilateral/id/graph/seed>",
])
def test_refused_before_any_backend_sees_it(built: Path, template: str) -> None:
    listener = Listener()
    try:
        before = len(OxigraphStore(built))
        result = CliRunner().invoke(cli, ["--store", str(built), "query",
                                          template.format(port=listener.port)])
        time.sleep(0.3)
        assert result.exit_code == 1 and result.output.startswith("Error: ")
        assert listener.connections == 0
        assert len(OxigraphStore(built)) == before
    finally:
        listener.close()


# Each hides SERVICE from a check that reads escapes unlike the engine, or nests it.
SERVICE_VARIANTS = [
    "SELECT * WHERE {{ BIND('\\u005C' AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }} #' AS ?y) }}",
    "SELECT * WHERE {{ BIND('\\u005c' AS ?x) SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} "
    "#' AS ?y) }}",
    'ASK {{ BIND("\\u005C" AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }} #" AS ?y) }}',
    "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ \\U00000053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ \\u005Cu0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ sErViCe SiLeNt <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <{escaped}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?x }} }} }}",
    "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?x }} }} }}",
    "SELECT * FROM <HTTP://127.0.0.1:{port}/g> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <Http://127.0.0.1:{port}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
]


def _variant(template: str, port: int) -> str:
    url = f"http://127.0.0.1:{port}/sparql"
    escaped = url.replace("h", "\\u0068").replace("/", "\\u002F")
    return template.format(url=url, escaped=escaped, port=port)


@pytest.mark.parametrize("template", SERVICE_VARIANTS)
def test_service_reaches_nobody_however_written(built: Path, template: str) -> None:
    listener = Listener()
    try:
        proc = kg("--store", str(built), "query", _variant(template, listener.port))
        time.sleep(0.3)
        assert listener.connections == 0, proc
        assert "Traceback" not in proc.stderr
    finally:
        listener.close()


def _served_copy(built: Path, tmp_path: Path) -> Path:
    """A copy of the built store for a server of its own (the original stays the tests')."""
    copy = tmp_path / "served"
    with OxigraphStore(built, read_only=True) as store:
        store.backend.backup(str(copy))
    return copy


@pytest.mark.server
def test_service_reaches_nobody_through_an_endpoint(built: Path, tmp_path: Path) -> None:
    """Through --endpoint it is the server that would make the request: still refused."""
    listener = Listener()
    try:
        with oxigraph_server(_served_copy(built, tmp_path), "serve-read-only") as endpoint:
            for template in SERVICE_VARIANTS:
                proc = kg("--endpoint", endpoint, "query", _variant(template, listener.port))
                assert "Traceback" not in proc.stderr
            time.sleep(0.3)
            assert listener.connections == 0
            ask = kg("--endpoint", endpoint, "query", "ASK { country:GBR kg:visited country:CHN }")
            assert ask.stdout == "true\n"  # the server was answering all along
            # And it would have made the request: the same query sent without kg's check.
            hidden = _variant(SERVICE_VARIANTS[0], listener.port)
            request = urllib.request.Request(endpoint, data=hidden.encode(), headers={
                "Content-Type": "application/sparql-query"})
            with contextlib.suppress(OSError):
                urllib.request.urlopen(request, timeout=10).read()
            time.sleep(0.3)
            assert listener.connections >= 1
    finally:
        listener.close()


@pytest.mark.parametrize("value", ['x" } UNION { ?s ?p ?o } #', 'nomatch" || "1" = "1',
                                   "JPN> } UNION { ?s ?p ?o", "<javascript:alert(1)>"])
def test_parameters_are_bound_as_terms(built: Path, value: str, tmp_path: Path) -> None:
    # A country parameter is checked: no such value is a country.
    refused = CliRunner().invoke(cli, ["--store", str(built), "query", "--saved",
                                       "country-facts", "--param", f"country={value}"])
    assert refused.exit_code == 1
    assert "is not a known country code or name" in refused.output
    # A text parameter passes as is, bound as a term: it matches nothing.
    (tmp_path / "by-code.rq").write_text(
        "# title: By code\n# param: code — text\n"
        "SELECT ?code ?c WHERE { ?c kg:iso3 ?code }\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--store", str(built), "query", "--queries",
                                      str(tmp_path), "--saved", "by-code", "--param",
                                      f"code={value}", "--format", "jsonl"])
    assert result.exit_code == 0 and result.output == ""


def test_a_pathological_query_is_stopped_by_the_time_limit(built: Path) -> None:
    start = time.monotonic()
    proc = kg("--store", str(built), "query", "--timeout", "2",
              "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    assert time.monotonic() - start < 30
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: query stopped after 2 s (--timeout)")
    assert kg("--store", str(built), "stats").returncode == 0  # the store reopens


@pytest.mark.parametrize("name, content, message", [
    ("remote.jsonld", '{"@context": "http://127.0.0.1:{port}/ctx", "@id": "urn:a"}',
     "remote JSON-LD context"),
    ("nested.jsonld", '{"@context": [{"@import": "http://127.0.0.1:{port}/c"}], "@id": "urn:a"}',
     "remote JSON-LD context"),
    ("imports.ttl", "<urn:o> <http://www.w3.org/2002/07/owl#imports> "
                    "<http://127.0.0.1:{port}/o.ttl> .", "owl:imports"),
    ("bomb.rdf", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
                 '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                 '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
                 '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                 '<rdf:Description rdf:about="urn:a"><rdf:value>&c;</rdf:value>'
                 '</rdf:Description></rdf:RDF>', "DTDs and entity declarations"),
    ("xxe.rdf", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                '<rdf:Description rdf:about="urn:a"><rdf:value>&x;</rdf:value>'
                '</rdf:Description></rdf:RDF>', "DTDs and entity declarations"),
])
def test_hostile_rdf_is_refused_without_fetching_or_reading(tmp_path: Path, name: str,
                                                           content: str, message: str) -> None:
    listener = Listener()
    try:
        path = tmp_path / name
        path.write_text(content.replace("{port}", str(listener.port)), encoding="utf-8")
        # An audit hook in a real process: any socket use or any file opened but the input
        # (Python's own imports aside) is written to stderr, which must stay clean.
        code = f"""
import sys
target = {str(path)!r}
def hook(event, args):
    if event.startswith("socket.") or event == "urllib.Request":
        sys.stderr.write(f"NETWORK {{event}}\\n")
    if event == "open" and isinstance(args[0], str) and args[0].startswith("/etc"):
        sys.stderr.write(f"FILE {{args[0]}}\\n")
from kg.graph.importer import import_rdf
from kg.graph.store import OxigraphStore
from kg.errors import InputError
store = OxigraphStore()
sys.addaudithook(hook)
try:
    import_rdf(store, target)
except InputError as e:
    print(e)
print(len(store))
"""
        start = time.monotonic()
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=60)
        assert time.monotonic() - start < 20
        lines = proc.stdout.splitlines()
        assert message in lines[0] and lines[1] == "0"
        assert "NETWORK" not in proc.stderr and "FILE" not in proc.stderr, proc.stderr
        time.sleep(0.2)
        assert listener.connections == 0
    finally:
        listener.close()


def test_import_loads_plain_rdf_into_its_own_graph(tmp_path: Path) -> None:
    path = tmp_path / "extra.ttl"
    path.write_text('<urn:a> <urn:b> "c" .\n', encoding="utf-8")
    store = OxigraphStore()
    report = import_rdf(store, path)
    import_rdf(store, path)
    assert report.graph.endswith("/graph/import/extra")
    assert len(list(store.backend.quads_for_pattern(None, None, None,
                                                    ox.NamedNode(report.graph)))) == 1
    with pytest.raises(InputError, match="bad Turtle: Parser error at line 1"):
        path.write_text("<urn:a> <urn:b", encoding="utf-8")
        import_rdf(store, path)


# -- faults ------------------------------------------------------------------------------

def _corpus(tmp_path: Path, n: int) -> Path:
    text = SAMPLE.read_text(encoding="utf-8").split("---", 2)[2]
    path = tmp_path / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            handle.write(json.dumps({"id": f"a{i:04d}", "date": "2026-01-31",
                                     "text": text}) + "\n")
    return path


def _graph_sizes(store_path: Path, *, facts_only: bool = False) -> dict[str, int]:
    # facts_only: leave out the content hash, which a bulk build writes after the batch (a
    # graph a crash left without it is whole, and the next build redoes it).
    hash_filter = "FILTER(?p != kg:contentHash)" if facts_only else ""
    with OxigraphStore(store_path) as store:
        rows = store.query(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o "
                           f"{hash_filter} }} }} GROUP BY ?g", prefixes=PREFIXES)
        return {r["g"].value: int(r["n"].value) for r in rows}


def _documents_in(store_path: Path) -> int:
    try:
        with OxigraphStore(store_path, read_only=True) as store:
            return sum("/graph/a" in g for g in store.graphs())
    except StoreError:  # not a store yet, or caught mid-compaction: look again
        return 0


def test_kill_9_mid_build_leaves_whole_documents(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, 400)
    store = tmp_path / "store"
    proc = subprocess.Popen([*KG, "--store", str(store), "build", str(corpus), "-w", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Kill once some documents are in (readers may look while the build writes), however
    # slow the machine: a fixed delay killed a loaded machine's build before its first one.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not _documents_in(store):
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = {g: n for g, n in _graph_sizes(store, facts_only=True).items()
               if "/graph/a" in g}
    assert 0 < len(partial) < 400
    rerun = kg("--store", str(store), "build", str(corpus), "-w", "1", timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    sizes = {g: n for g, n in _graph_sizes(store).items() if "/graph/a" in g}
    assert len(sizes) == 400 and len(set(sizes.values())) == 1  # each copy's graph, whole
    (full,) = set(_graph_sizes(store, facts_only=True).get(g) for g in sizes)
    assert all(n == full for n in partial.values()), "a document was half written"


def test_second_build_on_one_store_fails_fast(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, 300)
    store = tmp_path / "store"
    first = subprocess.Popen([*KG, "--store", str(store), "build", str(corpus), "-w", "1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (store / "CURRENT").exists():
        time.sleep(0.05)
    time.sleep(0.5)
    start = time.monotonic()
    second = kg("--store", str(store), "build", str(SAMPLE))
    assert time.monotonic() - start < 20
    assert second.returncode == 1
    assert second.stderr == f"Error: store is in use by another process: {store}\n"
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert kg("--store", str(store), "stats").returncode == 0


def test_missing_or_read_only_output_folder(tmp_path: Path) -> None:
    missing = kg("extract", str(SAMPLE), "-o", str(tmp_path / "nope" / "out.jsonl"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    folder = tmp_path / "ro"
    folder.mkdir()
    mounted = False
    if os.geteuid() == 0:
        # root writes through permission bits: make a file system that is read-only instead.
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                          capture_output=True).returncode != 0:
            pytest.skip("root, and no read-only file system can be mounted here")
        mounted = True
    (folder / "out.jsonl").write_text("previous\n", encoding="utf-8")
    if mounted:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    else:
        folder.chmod(0o555)
    try:
        ro = kg("extract", str(SAMPLE), "-o", str(folder / "out.jsonl"))
        assert ro.returncode == 1 and "cannot write" in ro.stderr, ro.stderr
        assert ro.stderr.count("\n") == 1
        assert (folder / "out.jsonl").read_text(encoding="utf-8") == "previous\n"
        assert [p.name for p in folder.iterdir()] == ["out.jsonl"]
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], capture_output=True)
        else:
            folder.chmod(0o755)


def test_disk_full_on_stdout_is_one_line(built: Path) -> None:
    with open("/dev/full", "w") as full:
        proc = subprocess.run([*KG, "--store", str(built), "export", "--format", "nt"],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: ") and "Traceback" not in proc.stderr
    assert "No space left on device" in proc.stderr


def test_disk_full_on_an_output_file_keeps_the_old_one(tmp_path: Path) -> None:
    # A file system of 64 KiB, when this machine lets us mount one; else skip.
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True)
    if made.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here to fill")
    try:
        out = mount / "graph.nt"
        out.write_text("previous\n", encoding="utf-8")
        (mount / "filler").write_bytes(b"x" * 50_000)
        corpus = _corpus(tmp_path, 30)
        store = tmp_path / "store"
        assert kg("--store", str(store), "build", str(corpus), "-w", "1").returncode == 0
        proc = kg("--store", str(store), "export", "--format", "nt", "-o", str(out))
        assert proc.returncode == 1 and "No space left on device" in proc.stderr
        assert out.read_text(encoding="utf-8") == "previous\n"
        assert sorted(p.name for p in mount.iterdir()) == ["filler", "graph.nt"]
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_ctrl_c_exits_130_without_partial_files(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, 3000)
    out = tmp_path / "facts.jsonl"
    proc = subprocess.Popen([*KG, "extract", str(corpus), "-w", "1", "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl"]


def test_closed_pipe_is_no_traceback(built: Path) -> None:
    proc = subprocess.run(
        f"{sys.executable} -m kg --store {built} export --format nt | head -1",
        shell=True, capture_output=True, text=True, timeout=120)
    assert proc.stdout.count("\n") == 1
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


# -- remote endpoints --------------------------------------------------------------------

class _Failing(BaseHTTPRequestHandler):
    calls = 0

    def do_POST(self) -> None:  # noqa: N802
        type(self).calls += 1
        self.send_response(500)
        self.end_headers()
        self.wfile.write(b"boom")

    def log_message(self, *args: object) -> None:
        pass


def test_remote_endpoint_refusing_failing_and_hanging() -> None:
    port = free_port()
    refused = RemoteStore(f"http://127.0.0.1:{port}/query", retries=2, backoff=0.01)
    with pytest.raises(StoreError, match=r"Connection refused \(tried 2 times\)"):
        run_query(refused, "SELECT * WHERE { ?s ?p ?o }")

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        failing = RemoteStore(f"http://127.0.0.1:{server.server_port}/query", retries=3,
                              backoff=0.01)
        with pytest.raises(StoreError, match=r"HTTP 500.*\(tried 3 times\)"):
            run_query(failing, "SELECT * WHERE { ?s ?p ?o }")
        assert _Failing.calls == 3
    finally:
        server.shutdown()

    hanging = socket.socket()
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(5)  # accepts connections, never answers
    try:
        slow = RemoteStore(f"http://127.0.0.1:{hanging.getsockname()[1]}/query",
                           timeout=0.5, retries=2, backoff=0.01)
        start = time.monotonic()
        with pytest.raises(StoreError, match=r"timed out \(tried 2 times\)"):
            run_query(slow, "SELECT * WHERE { ?s ?p ?o }")
        assert time.monotonic() - start < 10
    finally:
        hanging.close()


@pytest.mark.server
def test_a_real_read_only_oxigraph_server(built: Path, tmp_path: Path) -> None:
    with oxigraph_server(_served_copy(built, tmp_path), "serve-read-only") as endpoint:
        ask = kg("--endpoint", endpoint, "query", "ASK { country:GBR kg:visited country:CHN }")
        assert (ask.returncode, ask.stdout) == (0, "true\n")
        saved = kg("--endpoint", endpoint, "query", "--saved", "partnerships", "--format",
                   "jsonl")
        assert json.loads(saved.stdout.splitlines()[0])["label"] == \
            "enhanced global strategic partnership"
        # --force: unchanged, the document would be skipped and nothing sent to write.
        write = kg("--endpoint", endpoint, "build", "--force", str(SAMPLE))
        assert write.returncode == 1
        assert "refused the request: HTTP 403" in write.stderr
        assert write.stderr.count("\n") == 1


# -- determinism -------------------------------------------------------------------------

def _sorted_nquads(tmp_path: Path, seed: str, name: str, source: Path) -> bytes:
    store = tmp_path / name
    env = {**os.environ, "PYTHONHASHSEED": seed}
    assert kg("--store", str(store), "build", str(source), "-w", "1", env=env).returncode == 0
    out = subprocess.run([*KG, "--store", str(store), "export", "--format", "nq"],
                         capture_output=True, env=env, timeout=120).stdout
    return b"\n".join(sorted(out.splitlines()))


def test_byte_identical_under_different_hash_seeds(tmp_path: Path) -> None:
    a = _sorted_nquads(tmp_path, "1", "a", SAMPLE)
    b = _sorted_nquads(tmp_path, "4242", "b", SAMPLE)
    assert a == b
    assert b"_:" not in a  # no blank nodes in what the pipeline writes


def test_whitespace_bom_and_newlines_do_not_change_the_graph(tmp_path: Path) -> None:
    raw = SAMPLE.read_text(encoding="utf-8")
    variant = tmp_path / "v" / "seed.txt"
    variant.parent.mkdir()
    variant.write_bytes(b"\xef\xbb\xbf" + raw.replace("\n", "\r\n").encode("utf-8") + b"\r\n\r\n")
    assert _sorted_nquads(tmp_path, "0", "clean", SAMPLE) == \
        _sorted_nquads(tmp_path, "0", "messy", variant)


def test_an_edited_article_replaces_only_its_own_facts(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "one.txt").write_text("---\ndate: 2025-01-01\n---\nChile and Peru signed a "
                                    "trade agreement.", encoding="utf-8")
    (folder / "two.txt").write_text("---\ndate: 2025-01-01\n---\nKenya expelled a Ugandan "
                                    "diplomat.", encoding="utf-8")
    store = OxigraphStore()
    build(read_documents([folder]), store, workers=1)
    kinds = lambda: sorted(r["k"].value for r in store.query(  # noqa: E731
        "SELECT ?k WHERE { ?f <https://w3id.org/kg-bilateral/ontology#kind> ?k }"))
    assert kinds() == ["agreement", "sanction"]
    (folder / "one.txt").write_text("---\ndate: 2025-01-01\n---\nChile criticised Peru.",
                                    encoding="utf-8")
    build(read_documents([folder / "one.txt"]), store, workers=1)
    assert kinds() == ["criticism", "sanction"]


@pytest.mark.parametrize("doc_id", ["a b", "x>y", "line\nbreak", "javascript:alert(1)",
                                    "東京", "../../etc"])
def test_bad_iri_material_is_encoded(doc_id: str) -> None:
    from kg.extract.documents import make_document

    store = OxigraphStore()
    doc = make_document("Chile and Peru signed a trade agreement.", doc_id,
                        {"date": "2025-01-01"}, where="t")
    build([doc], store, workers=1)
    out = __import__("io").BytesIO()
    store.dump(out, "nq")
    quads = list(ox.parse(out.getvalue(), format=ox.RdfFormat.N_QUADS))
    assert quads and all(" " not in q.graph_name.value and "\n" not in q.graph_name.value
                         for q in quads)


def test_size_cap_and_a_malformed_jsonl_line(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("word " * 10_000, encoding="utf-8")
    capped = kg("extract", str(big), "--max-bytes", "1000")
    assert capped.returncode == 1 and "over the size limit of 1000 bytes" in capped.stderr
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a", "text": "Chile criticised Peru."}\n{broken\n'
                      '{"id": "b", "text": "Peru criticised Chile."}\n', encoding="utf-8")
    strict = kg("extract", str(corpus), "-w", "1")
    assert strict.returncode == 1 and f"{corpus}:2: not valid JSON" in strict.stderr
    lenient = kg("extract", str(corpus), "-w", "1", "--keep-going")
    assert lenient.returncode == 0 and len(lenient.stdout.splitlines()) == 2
    assert lenient.stderr.startswith(f"Skipped: {corpus}:2: not valid JSON")


def test_scripts_from_three_languages_and_both_unicode_forms(tmp_path: Path) -> None:
    composed = "President Zoë Ærø of Germany met 习近平 and عبد الله in Berlin."
    decomposed = __import__("unicodedata").normalize("NFD", composed)
    for name, text in (("nfc", composed), ("nfd", decomposed)):
        (tmp_path / f"{name}.txt").write_text(
            f"---\nid: same\ndate: 2025-01-01\n---\n{text} Deutschland: Grüße aus Köln.",
            encoding="utf-8")
    dumps = []
    for name in ("nfc", "nfd"):
        store = OxigraphStore()
        build(read_documents([tmp_path / f"{name}.txt"]), store, workers=1)
        out = __import__("io").BytesIO()
        store.dump(out, "nq")
        dumps.append(sorted(out.getvalue().decode("utf-8").splitlines()))
    assert dumps[0] == dumps[1]
    (doc,) = read_documents([tmp_path / "nfd.txt"])
    assert "Zoë Ærø" in doc.text and "习近平" in doc.text and "عبد الله" in doc.text
    assert "Grüße aus Köln" in doc.text
