"""Pages of saved queries read from ordered buckets (kg/graph/pages.py) are slices of the
whole answer, on a real store built from the 48 test articles and on a synthetic one whose
buckets hold many documents; builds and removals keep the buckets' counts exact."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from kg.errors import QueryError
from kg.graph.pages import (
    PAGES_GRAPH,
    bucket_iri,
    bucket_parts,
    count_pages,
    has_pages,
    read_pages,
)
from kg.graph.query import parse_saved, run_saved, saved_queries
from kg.graph.store import OxigraphStore
from kg.pipeline import build, remove_documents
from kg.records import Document, Fact, Side

ARTICLES = Path(__file__).parent / "data" / "articles"

PARAMS = {"country": "JPN", "a": "JPN", "b": "GBR", "since": "2026-01-01",
          "min_confidence": "0.5"}
PAGED = sorted(name for name, q in saved_queries().items() if q.pages is not None)
PAGES = [(limit, offset) for limit in (1, 7, 1000) for offset in (0, 3)]


def test_the_saved_queries_with_large_answers_read_pages() -> None:
    assert PAGED == ["confident-facts", "country-facts", "documents", "facts-since",
                     "invitations-visits", "pair-evidence", "pair-timeline", "partnerships"]


def _params(name: str, **given: str) -> dict[str, str]:
    return {p: given.get(p, PARAMS[p]) for p in saved_queries()[name].param_names}


def assert_pages_are_slices(store: OxigraphStore, name: str, params: dict[str, str]) -> int:
    whole = run_saved(store, name, params)
    for limit, offset in [*PAGES, (5, max(len(whole.rows) - 2, 0)),
                          (3, len(whole.rows) + 5)]:
        page = run_saved(store, name, params, limit=limit, offset=offset)
        assert page.variables == whole.variables
        assert page.rows == whole.rows[offset:offset + limit], (name, limit, offset)
        assert page.more == (len(whole.rows) > offset + limit), (name, limit, offset)
    return len(whole.rows)


# --- the 48 test articles ------------------------------------------------------------------


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphStore]:
    store = OxigraphStore(tmp_path_factory.mktemp("articles") / "store")
    build(sorted(ARTICLES.glob("*.txt")), store, workers=1)
    yield store
    store.close()


@pytest.mark.parametrize("name", PAGED)
def test_every_page_is_a_slice_of_the_whole_answer(articles: OxigraphStore, name: str) -> None:
    assert has_pages(articles)
    assert assert_pages_are_slices(articles, name, _params(name)) > 0 or name in (
        "pair-evidence", "pair-timeline")


@pytest.mark.parametrize(("name", "given"), [
    ("country-facts", {"country": "USA"}), ("pair-timeline", {"a": "USA", "b": "CHN"}),
    ("pair-evidence", {"a": "CHN", "b": "USA"}), ("facts-since", {"since": "2025-06-15"}),
    ("confident-facts", {"min_confidence": "0.85"}), ("confident-facts", {"min_confidence": "1"}),
])
def test_pages_with_other_parameters(articles: OxigraphStore, name: str,
                                     given: dict[str, str]) -> None:
    assert_pages_are_slices(articles, name, _params(name, **given))


def test_the_bucket_counts_are_the_links(articles: OxigraphStore) -> None:
    assert read_pages(articles) == count_pages(articles)


# --- a synthetic store: many documents per bucket, facts with several dates ----------------


def _fact(doc: str, kind: str, src: str, tgt: str, i: int, **kw: object) -> Fact:
    sentence = f"Sentence {i} of {doc} about {kind}."
    return Fact(doc=doc, kind=kind, source=Side(src), target=Side(tgt), evidence=sentence,
                span=(i * 100, i * 100 + len(sentence)), **kw)  # type: ignore[arg-type]


KINDS = [("meeting", "JPN", "GBR"), ("visit", "GBR", "JPN"), ("invitation", "JPN", "GBR"),
         ("partnership", "GBR", "JPN"), ("call", "USA", "JPN"), ("visit", "JPN", "USA"),
         ("partnership", "FRA", "DEU")]
DATES = ["2026-01-31", "2026-01", "2026", "2025-12-02", None, "2026-02-10"]
CONFIDENCES = [0.95, 0.9, 0.81, 0.5, None]


def _synthetic(n: int, salt: str = "") -> list[tuple[Document, list[Fact]]]:
    out = []
    for d in range(n):
        # Ids share their first 8 characters, so one bucket holds several documents; a
        # shorter id is a bucket's whole prefix ("wire-7" against "wire-0007").
        doc_id = f"wire-{d}" if d % 7 == 0 else f"wire-0{d:03d}"
        doc = Document(doc_id, f"text {d}{salt}", date=DATES[d % len(DATES)],
                       title=f"Report {d}", url=f"https://example.org/{d}")
        facts = []
        for i in range(1 + d % 4):
            kind, src, tgt = KINDS[(d + i) % len(KINDS)]
            facts.append(_fact(doc_id, kind, src, tgt, i, date=DATES[(d + i) % len(DATES)],
                               confidence=CONFIDENCES[(d * 3 + i) % len(CONFIDENCES)]))
            if (d + i) % 5 == 0:  # the same kind and pair again: one node, two dates
                facts.append(_fact(doc_id, kind, src, tgt, i + 10,
                                   date=DATES[(d + i + 2) % len(DATES)],
                                   confidence=CONFIDENCES[(d + i + 1) % len(CONFIDENCES)]))
        out.append((doc, facts))
    return out


def _extract_from(table: list[tuple[Document, list[Fact]]]):  # type: ignore[no-untyped-def]
    facts = {doc.id: fs for doc, fs in table}

    def extract(docs: Iterable[Document]) -> Iterator[tuple[Document, list[Fact]]]:
        for doc in docs:
            yield doc, facts[doc.id]
    return extract


def _build(store: OxigraphStore, table: list[tuple[Document, list[Fact]]]) -> None:
    build([doc for doc, _ in table], store, workers=1, extract=_extract_from(table))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphStore]:
    store = OxigraphStore(tmp_path_factory.mktemp("synthetic") / "store")
    _build(store, _synthetic(90))
    yield store
    store.close()


def test_the_synthetic_store_has_buckets_of_several_documents(
        synthetic: OxigraphStore) -> None:
    counts = read_pages(synthetic)
    assert counts is not None and counts == count_pages(synthetic)
    families = {bucket_parts(b)[0] for b in counts}  # type: ignore[index]
    assert families == {"date", "confidence", "pair", "document"}
    assert max(counts.values()) > 5  # several documents' facts in one bucket
    assert sum(1 for b in counts if bucket_parts(b)[0] == "date") > 20  # type: ignore[index]


@pytest.mark.parametrize("name", PAGED)
def test_synthetic_pages_are_slices(synthetic: OxigraphStore, name: str) -> None:
    assert assert_pages_are_slices(synthetic, name, _params(name)) > 7


@pytest.mark.parametrize(("name", "given"), [
    ("facts-since", {"since": "2026-01-15"}), ("confident-facts", {"min_confidence": "0.9"}),
    ("pair-timeline", {"a": "USA", "b": "JPN"}), ("country-facts", {"country": "DEU"}),
])
def test_synthetic_pages_with_other_parameters(synthetic: OxigraphStore, name: str,
                                               given: dict[str, str]) -> None:
    assert assert_pages_are_slices(synthetic, name, _params(name, **given)) > 0


def test_a_page_across_many_buckets(synthetic: OxigraphStore) -> None:
    whole = run_saved(synthetic, "facts-since", _params("facts-since", since="2025-01-01"))
    assert len(whole.rows) > 100
    for offset in (0, 37, 99):
        page = run_saved(synthetic, "facts-since", _params("facts-since", since="2025-01-01"),
                         limit=60, offset=offset)
        assert page.rows == whole.rows[offset:offset + 60]


# --- builds and removals keep the counts exact ---------------------------------------------


def test_a_changed_and_a_removed_document_keep_the_counts_exact(tmp_path: Path) -> None:
    table = _synthetic(40)
    with OxigraphStore(tmp_path / "store") as store:
        _build(store, table)
        assert read_pages(store) == count_pages(store)
        # Changed: other facts (other kinds, dates, confidences) for two documents.
        changed = [(doc, facts) for doc, facts in _synthetic(40, salt=" changed")][5:7]
        changed = [(doc, [_fact(doc.id, "visit", "DEU", "FRA", 1, date="2024-03-03",
                                confidence=0.7)]) for doc, _ in changed]
        _build(store, changed)
        assert read_pages(store) == count_pages(store)
        for name in ("pair-timeline", "country-facts", "confident-facts", "documents"):
            assert_pages_are_slices(store, name, _params(name))
        remove_documents(store, [table[1][0].id, table[8][0].id])
        assert read_pages(store) == count_pages(store)
        for name in PAGED:
            assert_pages_are_slices(store, name, _params(name))
        # Back as they were: the two changed documents and the two removed ones.
        _build(store, table)
        before = read_pages(store)
        assert before == count_pages(store)
        # A build that changes nothing leaves the buckets as they are.
        _build(store, table)
        assert read_pages(store) == before


def test_a_store_without_buckets_still_answers(tmp_path: Path) -> None:
    with OxigraphStore(tmp_path / "store") as store:
        _build(store, _synthetic(20))
        store.replace_graph(PAGES_GRAPH, [])  # as an older kg's store, or an imported one
        assert not has_pages(store)
        for name in PAGED:
            assert_pages_are_slices(store, name, _params(name))


def test_a_store_with_documents_an_older_kg_wrote_gets_no_buckets(tmp_path: Path) -> None:
    import pyoxigraph as ox

    from kg.graph.pages import BUCKET_LINK

    with OxigraphStore(tmp_path / "store") as store:
        _build(store, _synthetic(12))
        # As an older kg wrote them: no links, no buckets.
        links = list(store.backend.quads_for_pattern(None, BUCKET_LINK, None, None))
        for quad in links:
            store.backend.remove(quad)
        store.replace_graph(PAGES_GRAPH, [])
        _build(store, [(doc, facts) for doc, facts in _synthetic(14, salt=" new")][12:])
        assert not has_pages(store)
        assert list(store.backend.quads_for_pattern(None, BUCKET_LINK, None, None))
        assert_pages_are_slices(store, "country-facts", _params("country-facts"))
        assert isinstance(links[0].object, ox.NamedNode)


# --- the saved queries' sections --------------------------------------------------------------


def test_a_bucket_list_needs_a_place_for_the_buckets() -> None:
    text = "SELECT ?x WHERE { ?x ?p ?o }\n\n#%% pages\nSELECT ?bucket ?n WHERE { }\n"
    with pytest.raises(QueryError, match="marks no place"):
        parse_saved("broken", text)
    marked = text.replace("{ ?x", "{\n  #%% page: ?x kg:bucket ?bucket .\n  ?x")
    query = parse_saved("fine", marked)
    assert query.pages is not None and query.pages.startswith("SELECT ?bucket")
    assert "#%% pages" not in query.text


def test_a_bucket_iri_reads_back() -> None:
    iri = bucket_iri("date", "2026-01", "visit", "GBR", "JPN", "a/b c%d")
    assert bucket_parts(iri) == ("date", ("2026-01", "visit", "GBR", "JPN", "a/b c%d"))
    assert bucket_parts(iri + "/x") is None
    assert bucket_parts("https://example.org/") is None
    # An imported link may name any IRI under the bucket namespace: only kg's are buckets.
    assert bucket_parts(bucket_iri("confidence", "0.850", "wire-000")) == \
        ("confidence", ("0.850", "wire-000"))
    assert bucket_parts(bucket_iri("confidence", "high", "wire-000")) is None
    assert bucket_parts(bucket_iri("month", "2026-01")) is None
