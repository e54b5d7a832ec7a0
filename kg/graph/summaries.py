"""Summaries the build keeps exact, so the questions analysts ask most read a few rows.

Per pair and kind (ordered for directed kinds, in code order for undirected ones): the
number of facts, the sum of their status factors, the mean cooperation–conflict weight and
the first and last date; per country: its partners and facts. They live as RDF in their own
named graph (`SUMMARY_GRAPH`), rewritten whole by `refresh_summaries` at the end of each
build and removal from one aggregate query over the facts. `read_summaries` returns None
for a store that has none (written by an older kg, or imported), and the readers
(`kg.views.analysis.top`, `partners.rq`) then read the facts instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ..records import DIRECTED_KINDS
from ..views.analysis import KIND_WEIGHTS, STATUS_FACTORS
from .store import GraphStore
from .vocab import PREFIXES, SUMMARY_GRAPH, country_iri, kg, pair_summary_iri

_COUNTRY_NS = PREFIXES["kgd"] + "country/"
_XSD = PREFIXES["xsd"]

# The facts as `kg.views.analysis.load_facts` reads them (the same required parts), one row per
# fact even when a graph is imported twice, counted by sides, kind and status.
_AGGREGATE = """
SELECT ?s ?t ?kind ?st (COUNT(?fact) AS ?n) (MIN(STR(?date)) AS ?first)
       (MAX(STR(?date)) AS ?last)
WHERE {
  { SELECT DISTINCT ?fact ?kind ?s ?t ?st ?date WHERE {
      GRAPH ?g {
        ?fact kg:kind ?kind ; kg:source ?s ; kg:target ?t ; kg:status ?st ;
              kg:attribution ?at ; prov:wasDerivedFrom ?d .
        OPTIONAL { ?fact kg:date ?date }
      }
  } }
}
GROUP BY ?s ?t ?kind ?st"""

_READ = f"""
SELECT ?s ?t ?kind ?n ?weighted ?score ?first ?last WHERE {{
  GRAPH <{SUMMARY_GRAPH}> {{
    ?row a kg:PairSummary ; kg:summarySource ?s ; kg:summaryTarget ?t ; kg:summaryKind ?kind ;
         kg:factCount ?n ; kg:weightedFactCount ?weighted ; kg:score ?score .
    OPTIONAL {{ ?row kg:firstDate ?first }}
    OPTIONAL {{ ?row kg:lastDate ?last }}
  }}
}}"""

_PRESENT = f"ASK {{ GRAPH <{SUMMARY_GRAPH}> {{ <{SUMMARY_GRAPH}> a kg:Summary }} }}"


@dataclass(frozen=True)
class SummaryRow:
    """The facts of one kind from `source` to `target` (code order if undirected)."""

    source: str
    target: str
    kind: str
    facts: int
    weighted: float  # the sum of the facts' status factors (see STATUS_FACTORS)
    score: float  # mean cooperation–conflict weight of those facts
    first_date: str | None
    last_date: str | None

    @property
    def directed(self) -> bool:
        return self.kind in DIRECTED_KINDS


def compute_summaries(store: GraphStore) -> list[SummaryRow]:
    """The summary rows, from the facts themselves."""
    acc: dict[tuple[str, str, str], list[Any]] = defaultdict(lambda: [0, 0.0, None, None])
    for s in store.query(_AGGREGATE, prefixes=PREFIXES):
        source = s["s"].value.removeprefix(_COUNTRY_NS)
        target = s["t"].value.removeprefix(_COUNTRY_NS)
        kind = s["kind"].value
        if kind not in DIRECTED_KINDS:
            source, target = sorted((source, target))
        status = s["st"].value.rsplit("#", 1)[-1].lower()
        n = int(s["n"].value)
        row = acc[source, target, kind]
        row[0] += n
        row[1] += n * STATUS_FACTORS.get(status, 1.0)
        for i, value, pick in ((2, s["first"], min), (3, s["last"], max)):
            if value is not None and value.value:
                row[i] = value.value if row[i] is None else pick(row[i], value.value)
    return [SummaryRow(src, tgt, kind, n, weighted,
                       KIND_WEIGHTS.get(kind, 0.0) if weighted else 0.0, first, last)
            for (src, tgt, kind), (n, weighted, first, last) in sorted(acc.items())]


def _literal(value: float | int) -> ox.Literal:
    kind = "integer" if isinstance(value, int) else "double"
    return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + kind))


def summary_quads(rows: list[SummaryRow]) -> Iterator[ox.Quad]:
    graph = ox.NamedNode(SUMMARY_GRAPH)
    rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")
    yield ox.Quad(graph, rdf_type, ox.NamedNode(kg("Summary")), graph)
    yield ox.Quad(graph, ox.NamedNode(kg("factCount")), _literal(sum(r.facts for r in rows)),
                  graph)
    partners: dict[str, set[str]] = defaultdict(set)
    facts: dict[str, int] = defaultdict(int)
    for r in rows:
        node = ox.NamedNode(pair_summary_iri(r.source, r.target, r.kind))
        yield ox.Quad(node, rdf_type, ox.NamedNode(kg("PairSummary")), graph)
        yield ox.Quad(node, ox.NamedNode(kg("summarySource")),
                      ox.NamedNode(country_iri(r.source)), graph)
        yield ox.Quad(node, ox.NamedNode(kg("summaryTarget")),
                      ox.NamedNode(country_iri(r.target)), graph)
        yield ox.Quad(node, ox.NamedNode(kg("summaryKind")), ox.Literal(r.kind), graph)
        yield ox.Quad(node, ox.NamedNode(kg("factCount")), _literal(r.facts), graph)
        yield ox.Quad(node, ox.NamedNode(kg("weightedFactCount")), _literal(float(r.weighted)),
                      graph)
        yield ox.Quad(node, ox.NamedNode(kg("score")), _literal(float(r.score)), graph)
        if r.first_date:
            yield ox.Quad(node, ox.NamedNode(kg("firstDate")), ox.Literal(r.first_date), graph)
        if r.last_date:
            yield ox.Quad(node, ox.NamedNode(kg("lastDate")), ox.Literal(r.last_date), graph)
        facts[r.source] += r.facts
        if r.target != r.source:
            facts[r.target] += r.facts
            partners[r.source].add(r.target)
            partners[r.target].add(r.source)
    for code in sorted(facts):
        node = ox.NamedNode(country_iri(code))
        yield ox.Quad(node, ox.NamedNode(kg("partnerCount")), _literal(len(partners[code])),
                      graph)
        yield ox.Quad(node, ox.NamedNode(kg("factCount")), _literal(facts[code]), graph)


def refresh_summaries(store: GraphStore) -> list[SummaryRow]:
    """Rewrite the summary graph from the facts: one aggregate query, one graph replaced.

    Recomputing every pair is simpler than tracking the pairs a build touched, and it is one
    pass over the facts' few properties (see `make bench-scale` for its time).
    """
    rows = compute_summaries(store)
    store.replace_graph(SUMMARY_GRAPH, summary_quads(rows))
    return rows


def has_summaries(store: Any) -> bool:
    """Whether `store` holds the summary graph (a store of an older kg does not)."""
    return bool(store.query(_PRESENT, prefixes=PREFIXES))


def read_summaries(store: Any) -> list[SummaryRow] | None:
    """The summary rows of `store`, or None if it holds no summary graph."""
    if not has_summaries(store):
        return None
    rows = []
    for s in store.query(_READ, prefixes=PREFIXES):
        rows.append(SummaryRow(
            s["s"].value.removeprefix(_COUNTRY_NS), s["t"].value.removeprefix(_COUNTRY_NS),
            s["kind"].value, int(s["n"].value), float(s["weighted"].value),
            float(s["score"].value), s["first"].value if s["first"] else None,
            s["last"].value if s["last"] else None))
    return sorted(rows, key=lambda r: (r.source, r.target, r.kind))


# --- the views that read summaries instead of facts ----------------------------------------

_LABELS = """
SELECT ?c ?label WHERE {
  ?c a kg:Country ; rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en"))
}"""


def country_labels(store: Any) -> dict[str, str]:
    labels: dict[str, str] = {}
    for s in store.query(_LABELS, prefixes=PREFIXES):
        labels.setdefault(s["c"].value.removeprefix(_COUNTRY_NS), s["label"].value)
    return labels


def country_graph_of(rows: list[SummaryRow], labels: dict[str, str]) -> Any:
    """`kg.views.analysis.country_graph` of the facts these rows summarise."""
    import networkx as nx

    from ..views.analysis import _finish_scores, _kind_counts

    graph = nx.DiGraph()
    involved: dict[str, int] = defaultdict(int)
    for r in rows:
        involved[r.source] += r.facts
        if r.target != r.source:
            involved[r.target] += r.facts
    for code in sorted(involved):
        graph.add_node(code, label=labels.get(code, code), type="country", facts=involved[code])
    for r in rows:
        ends = [(r.source, r.target)] if r.directed else [(r.source, r.target),
                                                           (r.target, r.source)]
        for u, v in ends:
            if not graph.has_edge(u, v):
                graph.add_edge(u, v, relation="deals_with", weight=0, score_sum=0.0,
                               counted=0.0, **_kind_counts())
            data = graph.edges[u, v]
            data["weight"] += r.facts
            data[f"n_{r.kind}"] = data.get(f"n_{r.kind}", 0) + r.facts
            data["score_sum"] += r.score * r.weighted
            data["counted"] += r.weighted
    _finish_scores(graph)
    return graph


def pair_summaries_of(rows: list[SummaryRow], labels: dict[str, str]) -> list[Any]:
    """`kg.views.analysis.pair_summary` of the facts these rows summarise."""
    from ..records import KINDS
    from ..views.analysis import PairSummary

    by_pair: dict[tuple[str, str], list[SummaryRow]] = defaultdict(list)
    for r in rows:
        by_pair[tuple(sorted((r.source, r.target)))].append(r)  # type: ignore[index]
    out = []
    for (a, b), group in by_pair.items():
        kinds: dict[str, int] = defaultdict(int)
        for r in group:
            kinds[r.kind] += r.facts
        weighted = sum(r.weighted for r in group)
        firsts = [r.first_date for r in group if r.first_date]
        lasts = [r.last_date for r in group if r.last_date]
        out.append(PairSummary(
            a=a, b=b, a_label=labels.get(a, a), b_label=labels.get(b, b),
            facts=sum(r.facts for r in group),
            by_kind=tuple((k, kinds[k]) for k in KINDS if kinds[k]),
            a_to_b=sum(r.facts for r in group if r.directed and r.source == a),
            b_to_a=sum(r.facts for r in group if r.directed and r.source == b),
            mutual=sum(r.facts for r in group if not r.directed),
            cooperative=sum(r.facts for r in group if KIND_WEIGHTS.get(r.kind, 0) > 0),
            conflictual=sum(r.facts for r in group if KIND_WEIGHTS.get(r.kind, 0) < 0),
            score=round(sum(r.score * r.weighted for r in group) / weighted, 3)
            if weighted else 0.0,
            first_date=min(firsts) if firsts else None,
            last_date=max(lasts) if lasts else None))
    return sorted(out, key=lambda p: (-p.facts, p.a, p.b))
