"""kg.graph.summaries: the summary graph a build keeps exact, and the views that read it.

Every check compares the summaries with a recomputation from the facts themselves
(`load_facts`), on real stores, after each way a store changes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import store_of
from test_analysis import COUNTRIES, FACTS

from kg.bench.extraction import corpus
from kg.extract.documents import document_from_text, read_documents
from kg.graph.query import run_saved
from kg.graph.store import OxigraphStore
from kg.graph.summaries import (
    SummaryCounter,
    SummaryRow,
    compute_summaries,
    graph_keys,
    read_summaries,
    refresh_summaries,
    summary_quads,
)
from kg.graph.vocab import SUMMARY_GRAPH, graph_iri
from kg.pipeline import build, remove_documents
from kg.records import DIRECTED_KINDS, STATUSES, Document, Fact, Side
from kg.views.analysis import KIND_WEIGHTS, STATUS_FACTORS, load_facts, top

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg"]
EXAMPLES = [ROOT / "examples" / "seed.txt", ROOT / "examples" / "g20-talks.txt"]


def from_facts(store: OxigraphStore) -> list[SummaryRow]:
    """The summary rows, recomputed in Python from every fact `load_facts` reads."""
    acc: dict[tuple[str, str, str], list] = defaultdict(lambda: [0, 0.0, [], Counter()])
    for f in load_facts(store):
        ends = (f.source, f.target) if f.kind in DIRECTED_KINDS else f.pair
        row = acc[(*ends, f.kind)]
        row[0] += 1
        row[1] += STATUS_FACTORS.get(f.status, 1.0)
        if f.date:
            row[2].append(f.date)
        row[3][f.status] += 1
    return [SummaryRow(s, t, k, n, w, KIND_WEIGHTS[k] if w else 0.0,
                       min(d) if d else None, max(d) if d else None,
                       tuple((st, c[st]) for st in STATUSES if c[st]))
            for (s, t, k), (n, w, d, c) in sorted(acc.items())]


def assert_exact(store: OxigraphStore) -> None:
    rows = read_summaries(store)
    assert rows is not None, "no summary graph"
    assert rows == from_facts(store)


def without_summaries(store: OxigraphStore) -> None:
    store.backend.remove_graph(ox.NamedNode(SUMMARY_GRAPH))
    assert read_summaries(store) is None


def test_summaries_are_exact_after_build_rebuild_remove_and_sync(tmp_path: Path) -> None:
    with OxigraphStore(tmp_path / "store") as store:
        report = build(read_documents(EXAMPLES), store, workers=1)
        assert report.facts > 10
        assert_exact(store)
        # A changed document: its facts replaced, its pairs' counts and dates with them.
        changed = document_from_text(
            "Japan and China held talks in Beijing. France sanctioned Russia.", "seed",
            date="2024-05-06")
        build([changed], store, workers=1)
        assert_exact(store)
        assert {(r.source, r.target) for r in read_summaries(store)} >= {("CHN", "JPN")}
        remove_documents(store, ["g20-talks"])
        assert_exact(store)
        build(read_documents(EXAMPLES[1:]), store, workers=1, sync=True)
        assert_exact(store)
        assert {r.first_date for r in read_summaries(store)} != {"2024-05-06"}
        remove_documents(store, ["g20-talks"])
        # Nothing left: the summary graph says so (no rows), rather than vanishing.
        assert read_summaries(store) == [] and len(store) > 0


def test_summaries_of_every_status_and_direction() -> None:
    # Planned and negated facts, undirected kinds written either way, undated facts.
    store = store_of(FACTS, COUNTRIES)
    refresh_summaries(store)
    assert_exact(store)
    rows = read_summaries(store)
    assert any(r.weighted != r.facts for r in rows)  # a planned or negated fact counts less
    assert any(r.first_date is None for r in rows)


def test_the_count_a_build_keeps_is_what_the_store_holds() -> None:
    # Two facts of one kind and pair in one document share a node: the store holds their
    # statuses and dates together, and the count must say what the store says.
    twice = Document(id="twice", text="...", date="2025-03-04")
    facts = {**FACTS, twice: [
        Fact("twice", "visit", Side("JPN"), Side("CHN"), "A visit.", (0, 8), date="2025-03"),
        Fact("twice", "visit", Side("JPN"), Side("CHN"), "Another.", (9, 17),
             date="2025-03-04", status="planned"),
        Fact("twice", "meeting", Side("JPN"), Side("CHN"), "Met.", (18, 22)),
        Fact("twice", "meeting", Side("CHN"), Side("JPN"), "Met again.", (23, 33),
             date="2025-13-40"),
    ]}
    counter = SummaryCounter()
    for doc_facts in facts.values():
        counter.add(doc_facts)
    store = store_of(facts, COUNTRIES)
    assert counter.rows() == compute_summaries(store)
    assert any(r.facts == 4 and r.kind == "visit" for r in counter.rows())  # 2 statuses × 2 dates


def test_a_bulk_build_counts_its_summaries_exactly(tmp_path: Path) -> None:
    docs = [*corpus(40), *read_documents(EXAMPLES)]
    with OxigraphStore(tmp_path / "store") as store:
        build(docs, store, workers=1)
        assert read_summaries(store) == compute_summaries(store)
        assert_exact(store)


def test_an_incremental_build_recounts_only_the_pairs_it_touched(tmp_path: Path) -> None:
    with OxigraphStore(tmp_path / "store") as store:
        build([*corpus(30), *read_documents(EXAMPLES)], store, workers=1)
        rows = read_summaries(store)
        # A row no later build touches, made wrong on purpose: kept as it is, it shows the
        # builds below recount only what they touched (and, fixed again, that they kept it).
        first = "g20-talks"
        replaced = graph_keys(store, [graph_iri(first)])
        untouched = next(r for r in rows if (r.source, r.target, r.kind) not in replaced
                         and "FRA" not in (r.source, r.target)
                         and "RUS" not in (r.source, r.target)
                         and {"CHN", "JPN"} != {r.source, r.target})
        wrong = SummaryRow(untouched.source, untouched.target, untouched.kind,
                           untouched.facts + 100, untouched.weighted, untouched.score,
                           untouched.first_date, untouched.last_date)
        store.replace_graph(SUMMARY_GRAPH, summary_quads(
            [wrong if r == untouched else r for r in rows]))
        changed = document_from_text(
            "Japan and China held talks in Beijing. France sanctioned Russia.",
            first, date="2024-05-06")
        build([changed, document_from_text("Russia criticised France.", "new")], store,
              workers=1)
        after = {(r.source, r.target, r.kind): r for r in read_summaries(store)}
        assert after[untouched.source, untouched.target, untouched.kind] == wrong
        exact = {(r.source, r.target, r.kind): r for r in from_facts(store)}
        assert {k: v for k, v in after.items() if v != wrong} == {
            k: v for k, v in exact.items() if k != (wrong.source, wrong.target, wrong.kind)}
        remove_documents(store, ["new"])
        after = {(r.source, r.target, r.kind): r for r in read_summaries(store)}
        assert after[untouched.source, untouched.target, untouched.kind] == wrong
        refresh_summaries(store)
        assert_exact(store)


@pytest.fixture(scope="module", params=["examples", "synthetic"])
def two_stores(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The same store with summaries and without (as an older kg wrote it)."""
    docs = list(read_documents(EXAMPLES)) if request.param == "examples" else corpus(60)
    if request.param == "synthetic":
        docs += list(read_documents(EXAMPLES))
        docs.append(document_from_text(
            "China criticised Japan. Japan did not visit China. Russia threatened Ukraine.",
            "extra", date="2025-02"))
    stores = []
    for name in ("with", "without"):
        store = OxigraphStore(tmp_path_factory.mktemp(name) / "store")
        build(docs, store, workers=1)
        stores.append(store)
    without_summaries(stores[1])
    yield stores
    for store in stores:
        store.close()


def test_top_reads_the_same_from_summaries_as_from_facts(two_stores) -> None:  # type: ignore[no-untyped-def]
    with_, without = two_stores
    for measure in ("degree", "strength", "betweenness"):
        for n in (1, 3, 50):
            expected = top(without, n, measure=measure)
            assert top(with_, n, measure=measure) == expected
            assert top(load_facts(with_), n, measure=measure) == expected


def test_partner_facts_reads_the_same_from_summaries_as_from_facts(two_stores) -> None:  # type: ignore[no-untyped-def]
    with_, without = two_stores
    countries = {r.source for r in read_summaries(with_)} | {
        r.target for r in read_summaries(with_)}
    assert len(countries) >= 3
    for code in sorted(countries):
        answer = run_saved(with_, "partner-facts", {"country": code})
        assert answer.rows, code
        assert answer == run_saved(without, "partner-facts", {"country": code})


def test_stats_top_cli_is_the_same_with_and_without_summaries(two_stores) -> None:  # type: ignore[no-untyped-def]
    outputs = []
    for store in two_stores:
        store.flush()
        proc = subprocess.run([*KG, "--store", str(store.path), "stats", "--top", "5", "-f",
                               "json"], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        outputs.append(json.loads(proc.stdout))
    # The summary graph's own triples aside, the same answer.
    assert outputs[0].pop("triples") > outputs[1].pop("triples")
    assert outputs[0] == outputs[1]
    assert outputs[0]["top"]["pairs"]


def test_stats_read_the_same_from_summaries_as_from_facts(two_stores) -> None:  # type: ignore[no-untyped-def]
    from kg.views.stats import store_stats

    with_, without = (store_stats(s).to_dict() for s in two_stores)
    assert with_.pop("triples") > without.pop("triples")
    assert with_ == without and with_["facts"] > 0


def test_summaries_are_exact_after_an_import(tmp_path: Path) -> None:
    with OxigraphStore(tmp_path / "a") as source:
        build(read_documents(EXAMPLES[:1]), source, workers=1)
        dump = tmp_path / "a.nq"
        with dump.open("wb") as out:
            source.dump(out, "nq")
    with OxigraphStore(tmp_path / "b") as store:
        build(read_documents(EXAMPLES[1:]), store, workers=1)
        before = read_summaries(store)
        from kg.graph.importer import import_files

        import_files(store, [dump])
        assert_exact(store)
        assert read_summaries(store) != before


def test_a_saved_query_may_say_what_to_run_without_summaries(two_stores, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "mine.rq").write_text(
        "# title: Which\n# description: which query ran\n"
        'SELECT ?which WHERE { BIND("summaries" AS ?which) }\n'
        '#%% without summaries\nSELECT ?which WHERE { BIND("facts" AS ?which) }\n',
        encoding="utf-8")
    with_, without = two_stores
    answers = [run_saved(s, "mine", folder=tmp_path).rows[0][0].value for s in two_stores]
    assert answers == ["summaries", "facts"]
    shown = subprocess.run([*KG, "query", "--queries", str(tmp_path), "--saved", "mine",
                            "--show"], capture_output=True, text=True, timeout=60)
    assert "#%% without summaries\n" in shown.stdout and '"facts"' in shown.stdout


# --- the countries view of kg viz from summaries -------------------------------------------

VIEW_FILTERS = [{}, {"country": "JPN"}, {"pair": ("JPN", "CHN")}, {"kinds": ["meeting", "visit"]},
                {"country": "CHN", "kinds": ["criticism"]}]


def _edge_key(edge):  # type: ignore[no-untyped-def]
    # Everything drawn but `faint` (summaries do not count attributions) and the facts.
    return (edge.id, edge.source, edge.target, edge.label, edge.color, edge.value, edge.arrows,
            edge.dashes, edge.roundness, edge.summary, edge.status)


def _node_key(node):  # type: ignore[no-untyped-def]
    return (node.id, node.label, node.group, node.value, node.summary, node.search)


@pytest.mark.parametrize("filters", VIEW_FILTERS)
def test_countries_view_from_summaries_is_the_view_of_the_facts(two_stores, filters) -> None:  # type: ignore[no-untyped-def]
    from kg.views.viz import SAMPLE_PER_EDGE, build_view, summary_view_of

    with_, without = two_stores
    facts = load_facts(without, **filters)
    expected = build_view(facts, filters=filters)
    view = summary_view_of(with_, filters=filters)
    assert view is not None and view.sampled
    assert [_node_key(n) for n in view.nodes] == [_node_key(n) for n in expected.nodes]
    assert [_edge_key(e) for e in view.edges] == [_edge_key(e) for e in expected.edges]
    assert view.counted == view.total == len(facts) and view.omitted == 0
    assert view.filters == expected.filters and view.legend == expected.legend
    # The sample: a few facts of each edge, each the very fact load_facts reads.
    by_iri = {f.iri: f for f in facts}
    assert len(view.facts) < len(facts) or len(facts) <= SAMPLE_PER_EDGE * len(view.edges)
    for edge, full in zip(view.edges, expected.edges, strict=True):
        sample = {view.facts[i].iri for i in edge.facts}
        assert 1 <= len(sample) == min(SAMPLE_PER_EDGE, edge.value)
        assert sample <= {expected.facts[i].iri for i in full.facts}
        assert sum(c[3] for c in edge.counts) == edge.value
    assert all(by_iri[f.iri] == f for f in view.facts)
    # The evidence starts at the pair's last dates: an edge with facts on the latest of them
    # shows one.
    last: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in read_summaries(with_):
        if r.last_date:
            last[tuple(sorted((r.source, r.target)))].add(r.last_date)
    checked = 0
    for edge, full in zip(view.edges, expected.edges, strict=True):
        latest = max(last[(edge.source, edge.target)], default=None)
        if latest and any(expected.facts[i].date == latest for i in full.facts):
            assert latest in {view.facts[i].date for i in edge.facts}, edge.id
            checked += 1
    assert checked or not view.edges


def test_countries_view_from_summaries_keeps_the_busiest_pairs_as_the_facts_view_does(
        two_stores) -> None:  # type: ignore[no-untyped-def]
    from kg.views.viz import build_view, summary_view_of

    with_, without = two_stores
    for max_nodes, max_edges in ((2, 1), (4, 3), (6, 100), (50, 5)):
        expected = build_view(load_facts(without), max_nodes=max_nodes, max_edges=max_edges)
        view = summary_view_of(with_, max_nodes=max_nodes, max_edges=max_edges)
        assert [_edge_key(e) for e in view.edges] == [_edge_key(e) for e in expected.edges]
        assert [_node_key(n) for n in view.nodes] == [_node_key(n) for n in expected.nodes]
        assert view.omitted == expected.omitted
        assert ("left out to keep the graph usable" in view.omitted_note) == (
            expected.omitted > 0)
        assert (max_nodes, max_edges) != (2, 1) or view.omitted > 0


def test_viz_reads_the_facts_when_the_summaries_cannot_answer(two_stores) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from kg.graph.summaries import write_summaries
    from kg.views.viz import summary_view_of, view_of_store

    with_, without = two_stores
    assert summary_view_of(without) is None  # a store of an older kg
    for bound in ({"since": "2024"}, {"until": "2025-01"}, {"min_confidence": 0.5}):
        assert summary_view_of(with_, filters=bound) is None
        view, _ = view_of_store(with_, filters=bound)
        assert not view.sampled and view.facts == tuple(load_facts(with_, **bound))
    view, events = view_of_store(with_, level="actors")
    assert not view.sampled and len(view.facts) == len(load_facts(with_))
    # Summaries written before they counted statuses cannot split an edge by status.
    rows = read_summaries(with_)
    try:
        write_summaries(with_, [replace(r, statuses=()) for r in rows])
        assert summary_view_of(with_) is None
        assert not view_of_store(with_)[0].sampled
    finally:
        write_summaries(with_, rows)
    assert summary_view_of(with_) is not None


def test_kg_viz_says_the_evidence_is_a_sample(two_stores, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with_, without = two_stores
    pages = {}
    for name, store in (("with", with_), ("without", without)):
        store.flush()
        out = tmp_path / f"{name}.html"
        proc = subprocess.run([*KG, "--store", str(store.path), "viz", "-o", str(out)],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        pages[name] = (proc.stdout, out.read_text(encoding="utf-8"))
    total = len(load_facts(without))
    said, page = pages["with"]
    assert f"{total} facts from the summaries" in said and "of them as evidence" in said
    assert "as evidence: edges count every fact" in page and '"sampled":true' in page
    said, page = pages["without"]
    assert f"{total} facts;" in said and '"sampled":false' in page


def test_the_evidence_of_an_edge_starts_at_its_last_date(tmp_path: Path) -> None:
    from kg.views.viz import SAMPLE_PER_EDGE, summary_view_of

    docs = [document_from_text("Japan and Britain held talks in London.", f"talks-{year}",
                               date=f"{year}-05-01") for year in range(2001, 2031)]
    with OxigraphStore(tmp_path / "store") as store:
        build(docs, store, workers=1)
        view = summary_view_of(store)
        (edge,) = view.edges
        assert edge.value == 60 and len(edge.facts) == SAMPLE_PER_EDGE
        assert max(view.facts[i].date for i in edge.facts) == "2030-05-01"
