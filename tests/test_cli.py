"""The `kg` command, through click's runner and, where processes matter, real subprocesses."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = str(ROOT / "examples" / "seed.txt")
FACT_FIELDS = ["doc", "kind", "source", "target", "date", "location", "status", "attribution",
               "label", "topics", "evidence", "span", "confidence"]


def run(*args: str, store: Path | None = None, input: str | None = None):  # type: ignore[no-untyped-def]
    prefix = ["--store", str(store)] if store else []
    return CliRunner().invoke(cli, [*prefix, *args], input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("kg") / "store"
    result = run("build", SAMPLE, "-w", "1", store=store)
    assert result.exit_code == 0, result.output
    return store


def rows(store: Path, sparql: str) -> list[dict[str, str]]:
    result = run("query", sparql, "--format", "jsonl", store=store)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_build_reports_what_it_wrote(built: Path) -> None:
    result = run("build", SAMPLE, "-w", "1", store=built)
    assert re.fullmatch(r"Built 0 documents, 0 facts into .*: \d+ triples; 1 unchanged\n",
                        result.output)
    result = run("build", SAMPLE, "-w", "1", "--force", store=built)
    assert re.fullmatch(r"Built 1 documents \(0 new, 1 replaced\), \d+ facts \(.*\) "
                        r"into .*: \d+ triples\n", result.output)


def test_building_twice_gives_the_same_graph(built: Path, tmp_path: Path) -> None:
    def nquads() -> list[str]:
        out = run("export", "--format", "nq", store=built)
        return sorted(out.stdout.splitlines())

    before = nquads()
    run("build", SAMPLE, "-w", "1", store=built)
    assert nquads() == before


def test_the_partnership_answer(built: Path) -> None:
    found = rows(built, """SELECT ?label WHERE { ?f a kg:Partnership ; kg:label ?label ;
        kg:involves country:JPN, country:GBR }""")
    assert found == [{"label": "enhanced global strategic partnership"}]


def test_the_invitation_answer(built: Path) -> None:
    found = rows(built, """SELECT ?inviter ?invitee ?place ?sentence WHERE {
        ?f a kg:Invitation ; kg:source ?s ; kg:target ?t ; kg:location/schema:name ?place ;
           kg:evidence/kg:sentence ?sentence ; kg:sourcePerson/schema:name "Keir Starmer" .
        ?s kg:iso3 ?inviter . ?t kg:iso3 ?invitee }""")
    assert found == [{
        "inviter": "GBR", "invitee": "JPN", "place": "Chequers",
        "sentence": "I also received an invitation from Prime Minister Starmer to visit the "
                    "official villa of the British Prime Minister, Chequers."}]


def test_the_visit_answer_and_ask_exit_codes(built: Path) -> None:
    yes = run("query", "ASK { country:GBR kg:visited country:CHN }", store=built)
    assert (yes.exit_code, yes.output) == (0, "true\n")
    no = run("query", "ASK { country:CHN kg:visited country:GBR }", store=built)
    assert (no.exit_code, no.output) == (1, "false\n")


def test_saved_query_with_parameters(built: Path) -> None:
    result = run("query", "--saved", "pair-timeline", "--param", "a=JPN", "--param", "b=GBR",
                 "--format", "jsonl", store=built)
    kinds = {json.loads(line)["kind"] for line in result.output.splitlines()}
    assert {"meeting", "invitation", "partnership", "visit"} <= kinds
    listing = run("query", "--saved", store=built)
    assert "pair-timeline\tTimeline of a pair of countries  [a=… b=…]" in listing.output


def test_query_from_file_and_stdin(built: Path, tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s kg:invited ?o }", encoding="utf-8")
    from_file = run("query", "-F", str(path), "-f", "tsv", store=built)
    long_option = run("query", "--file", str(path), "--format", "tsv", store=built)
    from_stdin = run("query", "-", "--format", "tsv", store=built, input=path.read_text())
    assert from_file.output == long_option.output == from_stdin.output == "?n\n2\n"
    # -f was the query file: now the format everywhere, and the mistake is named.
    old = run("query", "-f", str(path), store=built)
    assert old.exit_code == 1
    assert old.output == (f"Error: unknown format {str(path)!r}; choose from table, csv, tsv, "
                          "json, xml, jsonl, ttl, nt, nq, trig, jsonld (-F FILE reads the "
                          "query from a file)\n")


def test_prefixes_are_listed() -> None:
    result = run("query", "--prefixes")
    assert "kg:\thttps://w3id.org/kg-bilateral/ontology#\n" in result.output


def test_stats(built: Path) -> None:
    result = run("stats", "--format", "json", store=built)
    data = json.loads(result.output)
    assert data["documents"] == 1 and data["facts"] >= 9 and data["countries"] == 3
    assert data["by_kind"]["invitation"] == 2


def test_validate_passes_on_what_the_pipeline_writes(built: Path) -> None:
    result = run("validate", store=built)
    assert (result.exit_code, result.stdout) == (0, "Valid: the store conforms to the shapes.\n")
    # Off a terminal, progress is one summary line on stderr, with the count and rate; then
    # how many document graphs were checked.
    assert re.fullmatch(r"kg validate: \d{3} quads in \d+\.\d s \([\d,]+ quads/s\)\n"
                        r"kg validate: 1 of 1 document graphs checked\n",
                        result.stderr), result.stderr


def test_validate_prints_violations(tmp_path: Path) -> None:
    store_path = tmp_path / "bad"
    store = ox.Store(str(store_path))
    store.add(ox.Quad(ox.NamedNode("https://w3id.org/kg-bilateral/id/fact/x/visit-A-B"),
                      ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode("https://w3id.org/kg-bilateral/ontology#Visit"),
                      ox.NamedNode("https://w3id.org/kg-bilateral/id/graph/x")))
    store.flush()
    del store
    result = CliRunner().invoke(cli, ["--store", str(store_path), "validate"])
    assert result.exit_code == 1
    assert "a fact needs exactly one status" in result.output


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld"])
def test_export_formats_parse(built: Path, fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"g.{fmt}"
    result = run("export", "--format", fmt, "-o", str(out), store=built)
    assert result.exit_code == 0
    rdf_format = ox.RdfFormat.from_extension(fmt if fmt != "jsonld" else "jsonld")
    assert len(list(ox.parse(path=str(out), format=rdf_format))) > 100


def test_extract_jsonl_is_exactly_the_fact_records() -> None:
    result = run("extract", SAMPLE, "--format", "jsonl", "-w", "1")
    records = [json.loads(line) for line in result.output.splitlines()]
    assert records and all(list(r) == FACT_FIELDS for r in records)
    assert {r["doc"] for r in records} == {"seed"}


def test_extract_table_and_explain() -> None:
    table = run("extract", SAMPLE, "--format", "table", "-w", "1").output.splitlines()
    assert table[0].split() == ["doc", "kind", "source", "target", "date", "status",
                                "attribution", "location", "evidence"]
    assert re.fullmatch(r"\d+ facts", table[-1])
    explain = run("extract", SAMPLE, "--explain").output
    assert "invitation 'an invitation from': fact invitation GBR→JPN [occurred]" in explain


def test_extract_output_file_is_whole_or_absent(tmp_path: Path) -> None:
    out = tmp_path / "facts.jsonl"
    out.write_text("previous\n", encoding="utf-8")
    bad = run("extract", SAMPLE, str(tmp_path / "missing.txt"), "-o", str(out))
    assert bad.exit_code == 1
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["facts.jsonl"]


@pytest.mark.parametrize("args, message", [
    (["extract", "nope.txt"], "Error: nope.txt: no such file or directory\n"),
    (["query", "SELECT WHERE {"], "Error: bad SPARQL at line 1"),
    (["query", "INSERT DATA { <a:b> <a:c> <a:d> }"], "Error: kg query is read-only"),
    (["query", "SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }"],
     "Error: SERVICE is refused"),
    (["query", "--saved", "nope"], "Error: unknown saved query 'nope'"),
    (["query", "SELECT ?s WHERE { ?s ?p ?o }", "--param", "novalue"],
     "Error: --param 'novalue': expected NAME=VALUE"),
])
def test_errors_are_one_line(built: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["--store", str(built), *args])
    assert result.exit_code != 0
    assert result.output.startswith(message), result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_bad_inputs_name_the_file(tmp_path: Path) -> None:
    cases = {"latin.txt": b"caf\xe9", "x.doc": b"text",
             "front.md": b"---\n: : bad\n---\nText."}
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = CliRunner().invoke(cli, ["extract", str(path)])
        assert result.exit_code == 1 and result.output.startswith(f"Error: {path}"), \
            result.output


def test_locked_store_fails_fast_in_a_second_writer(built: Path) -> None:
    from kg.graph.store import OxigraphStore

    with OxigraphStore(built):
        proc = subprocess.run([sys.executable, "-m", "kg", "--store", str(built), "build",
                               SAMPLE, "-w", "1"], capture_output=True, text=True,
                              timeout=120)
    assert proc.returncode == 1
    assert proc.stderr == f"Error: store is in use by another process: {built}\n"


def test_query_on_a_store_never_built(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "none"), "stats"])
    assert result.exit_code == 1
    assert "no store at" in result.output and not (tmp_path / "none").exists()


def test_every_command_has_an_example_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert re.search(r"Examples?:", command.help or ""), name
        assert f"kg {name}" in readme, name


def test_python_dash_m_works_like_kg() -> None:
    proc = subprocess.run([sys.executable, "-m", "kg", "--version"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("kg, version ")


def test_an_empty_article_gives_zero_facts_and_exit_0(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("   \n", encoding="utf-8")
    jsonl = subprocess.run([sys.executable, "-m", "kg", "extract", str(path), "-w", "1"],
                           capture_output=True, text=True, timeout=120)
    assert (jsonl.returncode, jsonl.stdout) == (0, "")
    assert jsonl.stderr == f"Note: {path}: empty document, 0 facts\n"
    table = run("extract", str(path), "--format", "table")
    assert table.exit_code == 0 and table.output.endswith("0 facts\n")
