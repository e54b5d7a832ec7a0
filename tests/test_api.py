"""The Python one-liners: `kg.connect`, `Graph.build` on text, dicts, paths and Documents,
`QueryResult.to_dataframe` and `_repr_html_`, `to_rdflib` with kg's prefixes."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

import kg
from kg.errors import InputError, KgError

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "seed.txt"
TEXT = SAMPLE.read_text(encoding="utf-8")
AGREEMENT = "Japan and the United Kingdom signed a trade agreement on 3 May 2025."


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)


def test_import_kg_does_no_work() -> None:
    result = _python(
        "import sys, kg\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('pyoxigraph', 'rdflib', 'spacy', 'pandas', 'yaml', 'networkx') or m.startswith('kg.')]\n"
        "print(heavy)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_connect_builds_text_the_way_files_are_built() -> None:
    from_text = kg.connect()
    report = from_text.build(TEXT)
    from_file = kg.connect()
    from_file.build(SAMPLE)
    assert report.documents == 1 and report.facts == 10
    kinds = ("SELECT ?k ?attribution WHERE { ?f kg:kind ?k ; kg:attribution ?attribution } "
             "ORDER BY ?k ?attribution")
    assert from_text.query(kinds).values() == from_file.query(kinds).values()
    # The seed's "Comments:" section is commentary, from text as from the file.
    assert ("visit", "https://w3id.org/kg-bilateral/ontology#Commentary") in \
        from_text.query(kinds).values()


def test_document_from_text_detects_commentary_and_front_matter() -> None:
    doc = kg.Document.from_text(TEXT)
    assert doc.date == "2026-01-31" and doc.title.startswith("Hashimoto")
    assert doc.text[doc.commentary_start:].startswith("Comments:")
    assert doc.id == kg.Document.from_text(TEXT.replace("\n", "\r\n")).id
    assert kg.Document.from_text("Text.", "mine", date="2024-02-03").date == "2024-02-03"


def test_build_takes_dicts_documents_and_lists_of_both() -> None:
    graph = kg.connect()
    report = graph.build([
        {"id": "a", "text": AGREEMENT, "date": "2025-05-03", "title": "Trade"},
        kg.Document.from_text("Chile criticised Peru.", "b", date="2025-01-01"),
    ])
    assert report.ids == ["a", "b"] and report.by_kind == {"agreement": 1, "criticism": 1}
    rows = graph.query("SELECT ?t WHERE { ?d dcterms:identifier 'a' ; dcterms:title ?t }")
    assert rows.values() == [("Trade",)]


@pytest.mark.parametrize("bad, message", [
    (42, "cannot build from int"),
    (b"Japan met Peru.", "got bytes: decode it first"),
    ([{"txt": "Japan met Peru."}], "item 1: a document needs 'text'"),
    ([{"text": "Japan met Peru.", "author": "x"}], "unknown field 'author'"),
    (["Japan met Peru.", 3.5], "item 2: cannot build from float"),
    ([{"text": "x", "date": "soon"}], "not an ISO date"),
    (["Same text.", "Same text."], "item 2: document id 'text-"),
    ([{"id": "a", "text": "One."}, {"id": "a", "text": "Two."}], "already used by item 1"),
])
def test_bad_input_is_a_typed_error_naming_the_item(bad: object, message: str) -> None:
    graph = kg.connect()
    with pytest.raises(KgError, match=message.replace("(", r"\(")):
        graph.build(bad)


def test_to_dataframe_gives_plain_typed_values() -> None:
    graph = kg.connect()
    graph.build(SAMPLE)
    frame = graph.query(
        "SELECT ?fact ?kind ?date ?start WHERE { ?fact kg:kind ?kind ; kg:date ?date ; "
        "kg:evidence/kg:startOffset ?start } ORDER BY ?start").to_dataframe()
    assert list(frame.columns) == ["fact", "kind", "date", "start"]
    assert frame["fact"][0].startswith("https://w3id.org/kg-bilateral/id/fact/seed/")
    assert isinstance(frame["date"][0], dt.date) and frame["date"][0] == dt.date(2026, 1, 31)
    assert frame["start"].dtype.kind == "i" and frame["start"].is_monotonic_increasing
    ask = graph.query("ASK { country:GBR kg:visited country:JPN }").to_dataframe()
    assert ask.to_dict("records") == [{"boolean": True}]


def test_to_dataframe_without_pandas_says_what_to_install() -> None:
    result = _python(
        "import sys; sys.modules['pandas'] = None\n"
        "import kg\n"
        "g = kg.connect(); g.build('Chile criticised Peru.')\n"
        "try:\n"
        "    g.query('SELECT ?s WHERE { ?s a kg:Criticism }').to_dataframe()\n"
        "except kg.KgError as exc:\n"
        "    print(exc)\n")
    assert result.returncode == 0, result.stderr
    assert "to_dataframe needs pandas: pip install pandas" in result.stdout


def test_repr_html_escapes_every_value() -> None:
    hostile = ('Japan and Peru signed an agreement <script>alert(1)</script> '
               '"><img src=x onerror=alert(2)> &amp; in Lima.')
    graph = kg.connect()
    graph.build({"id": "<b>bold</b>", "text": hostile, "date": "2025-01-01"})
    result = graph.query("SELECT ?id ?sentence WHERE { ?d dcterms:identifier ?id . "
                         "?e kg:sentence ?sentence }")
    page = result._repr_html_()
    assert "<script>" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page and "&amp;amp;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and page.count("<tr>") == 2
    assert graph.query("ASK { ?s ?p ?o }")._repr_html_().count("<td>True</td>") == 1


def test_to_rdflib_knows_kg_prefixes_and_reads_all_graphs() -> None:
    graph = kg.connect()
    graph.build(SAMPLE)
    dataset = graph.to_rdflib()
    invited = {(str(a), str(b)) for a, b in dataset.query("SELECT ?a ?b { ?a kg:invited ?b }")}
    assert ("https://w3id.org/kg-bilateral/id/country/GBR",
            "https://w3id.org/kg-bilateral/id/country/JPN") in invited
    turtle = dataset.serialize(format="trig")
    assert "@prefix kg: <https://w3id.org/kg-bilateral/ontology#> ." in turtle
    assert "kg:invited country:JPN" in turtle


def test_an_on_disk_graph_keeps_what_was_built(tmp_path: Path) -> None:
    with kg.connect(tmp_path / "store") as graph:
        graph.build([{"id": "a", "text": AGREEMENT}])
        assert graph.path == str(tmp_path / "store")
    with kg.connect(tmp_path / "store") as graph:
        assert graph.query("SELECT ?id WHERE { ?d a kg:Document ; dcterms:identifier ?id }"
                           ).values() == [("a",)]
        assert graph.saved("partners", country="JPN").values()[0][0] == "GBR"
        assert graph.remove("a") == ["a"]
        with pytest.raises(InputError, match="no document 'a' in the store"):
            graph.remove("a")
        assert "iframe srcdoc" in graph.show()._repr_html_()
