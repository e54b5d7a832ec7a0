"""Summaries the build keeps exact, so the questions analysts ask most read a few rows.

Per pair and kind (ordered for directed kinds, in code order for undirected ones): the
number of facts, and of each status kg defines, the sum of their status factors, the mean
cooperation–conflict weight and the first and last date; per country: its partners and
facts. They live as RDF in their own named graph (`SUMMARY_GRAPH`). A build into an empty
store counts them from the facts it writes (`SummaryCounter`); a build into a store that
has documents, and a removal, recount only the rows of the pairs and kinds whose facts they
wrote or dropped (`update_summaries`); `refresh_summaries` recounts them all from one
aggregate query over the facts. `read_summaries` returns None for a store that has none
(written by an older kg, or imported), and the readers (`kg.views.analysis.top`,
`partner-facts.rq`, the countries level of `kg viz`) then read the facts instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ..records import DIRECTED_KINDS, STATUSES, Fact
from ..views.analysis import KIND_WEIGHTS, STATUS_FACTORS
from .rdf import FACT_PATTERN, date_literal
from .store import GraphStore
from .vocab import PREFIXES, SUMMARY_GRAPH, country_iri, kg, pair_summary_iri

_COUNTRY_NS = PREFIXES["kgd"] + "country/"
_XSD = PREFIXES["xsd"]

# The facts as `kg.views.analysis.load_facts` reads them (kg.graph.rdf's FACT_PATTERN), one
# row per fact even when a graph is imported twice, counted by sides, kind and status.
_AGGREGATE = """
SELECT ?s ?t ?kind ?st (COUNT(?fact) AS ?n) (MIN(STR(?date)) AS ?first)
       (MAX(STR(?date)) AS ?last)
WHERE {
  { SELECT DISTINCT ?fact ?kind ?s ?t ?st ?date WHERE {
      #where
      GRAPH ?g { #fact }
  } }
}
GROUP BY ?s ?t ?kind ?st""".replace("#fact", FACT_PATTERN)

# The count of facts of each status kg defines, on a pair summary (summaries of a kg before
# these were written have none: readers that need them read the facts instead).
STATUS_COUNTS = {status: f"{status}Count" for status in STATUSES}

_STATUS_VARS = " ".join(f"?{s}" for s in STATUSES)
_STATUS_READS = " ".join(f"OPTIONAL {{ ?row kg:{p} ?{s} }}" for s, p in STATUS_COUNTS.items())
_READ = f"""
SELECT ?s ?t ?kind ?n ?weighted ?score ?first ?last {_STATUS_VARS} WHERE {{
  GRAPH <{SUMMARY_GRAPH}> {{
    ?row a kg:PairSummary ; kg:summarySource ?s ; kg:summaryTarget ?t ; kg:summaryKind ?kind ;
         kg:factCount ?n ; kg:weightedFactCount ?weighted ; kg:score ?score .
    OPTIONAL {{ ?row kg:firstDate ?first }}
    OPTIONAL {{ ?row kg:lastDate ?last }}
    {_STATUS_READS}
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
    # Facts of each status kg defines, in the order of STATUSES, those with none left out;
    # a status kg does not define (imported RDF) is in `facts` only.
    statuses: tuple[tuple[str, int], ...] = ()

    @property
    def directed(self) -> bool:
        return self.kind in DIRECTED_KINDS

    @property
    def by_status(self) -> bool:
        """Whether `statuses` accounts for every fact (a view can split the row by status)."""
        return sum(n for _, n in self.statuses) == self.facts


_Acc = dict[tuple[str, str, str], list[Any]]


def _new_acc() -> _Acc:
    return defaultdict(lambda: [0, 0.0, None, None, defaultdict(int)])


def _count(acc: _Acc, source: str, target: str, kind: str, status: str, n: int,
           first: str | None, last: str | None) -> None:
    """`n` facts of one kind and status between two countries, dated `first` to `last`."""
    row = acc[key_of(source, target, kind)]
    row[0] += n
    row[1] += n * STATUS_FACTORS.get(status, 1.0)
    row[4][status] += n
    for i, value, pick in ((2, first, min), (3, last, max)):
        if value:
            row[i] = value if row[i] is None else pick(row[i], value)


def _rows(acc: _Acc) -> list[SummaryRow]:
    return [SummaryRow(src, tgt, kind, n, weighted,
                       KIND_WEIGHTS.get(kind, 0.0) if weighted else 0.0, first, last,
                       tuple((s, statuses[s]) for s in STATUSES if statuses.get(s)))
            for (src, tgt, kind), (n, weighted, first, last, statuses) in sorted(acc.items())]


def _aggregate(store: GraphStore, where: str = "") -> _Acc:
    acc = _new_acc()
    query = _AGGREGATE.replace("#where", where)
    for s in store.query(query, prefixes=PREFIXES):
        _count(acc, s["s"].value.removeprefix(_COUNTRY_NS),
               s["t"].value.removeprefix(_COUNTRY_NS), s["kind"].value,
               s["st"].value.rsplit("#", 1)[-1].lower(), int(s["n"].value),
               s["first"].value if s["first"] is not None else None,
               s["last"].value if s["last"] is not None else None)
    return acc


def compute_summaries(store: GraphStore) -> list[SummaryRow]:
    """The summary rows, from the facts themselves."""
    return _rows(_aggregate(store))


Key = tuple[str, str, str]  # (source, target, kind) as a summary row names them


class SummaryCounter:
    """Summary rows counted from the facts a build writes, as `compute_summaries` would
    read them back: a build into an empty store needs no aggregate query over the store.

    Facts of one kind and pair in one document share a fact node (`kg.graph.rdf`), whose
    statuses and dates the store then holds together: they are counted as the store holds
    them, each status with each date.
    """

    def __init__(self) -> None:
        self._acc = _new_acc()
        self.keys: set[Key] = set()

    def add(self, facts: Iterable[Fact]) -> None:
        nodes: dict[tuple[str, str, str], tuple[set[str], set[str]]] = {}
        for fact in facts:
            kind, src, tgt = fact.key
            statuses, dates = nodes.setdefault((kind, src, tgt), (set(), set()))
            statuses.add(fact.status)
            if fact.date and date_literal(fact.date) is not None:
                dates.add(fact.date)
        for (kind, src, tgt), (statuses, dates) in nodes.items():
            self.keys.add(key_of(src, tgt, kind))
            for status in statuses:
                _count(self._acc, src, tgt, kind, status, max(1, len(dates)),
                       min(dates) if dates else None, max(dates) if dates else None)

    def rows(self) -> list[SummaryRow]:
        return _rows(self._acc)


def key_of(source: str, target: str, kind: str) -> Key:
    """The summary row a fact of `kind` from `source` to `target` counts in."""
    if kind not in DIRECTED_KINDS:
        source, target = sorted((source, target))
    return source, target, kind


_GRAPH_KEYS = """
SELECT DISTINCT ?s ?t ?kind WHERE {
  VALUES ?g { #graphs }
  GRAPH ?g { ?fact kg:kind ?kind ; kg:source ?s ; kg:target ?t }
}"""


def graph_keys(store: Any, graphs: Iterable[str]) -> set[Key]:
    """The summary rows the facts of these named graphs count in (read before the graphs
    are replaced or removed, so that their rows are recounted after)."""
    wanted = [f"<{ox.NamedNode(g).value}>" for g in graphs]
    keys: set[Key] = set()
    for start in range(0, len(wanted), 500):
        query = _GRAPH_KEYS.replace("#graphs", " ".join(wanted[start:start + 500]))
        for s in store.query(query, prefixes=PREFIXES):
            keys.add(key_of(s["s"].value.removeprefix(_COUNTRY_NS),
                            s["t"].value.removeprefix(_COUNTRY_NS), s["kind"].value))
    return keys


def update_summaries(store: GraphStore, keys: set[Key]) -> list[SummaryRow]:
    """Recount the summary rows `keys` from the facts and keep the others as they are: what
    a build or removal that touched only those pairs and kinds leaves exact. A store
    without summaries gets them whole (`refresh_summaries`)."""
    current = read_summaries(store)
    if current is None:
        return refresh_summaries(store)
    if not keys:
        return current
    acc = _new_acc()
    ordered = sorted(keys)
    for start in range(0, len(ordered), 2000):
        chunk = ordered[start:start + 2000]
        values = " ".join(
            f"({ox.NamedNode(country_iri(a))} {ox.NamedNode(country_iri(b))} {ox.Literal(kind)})"
            for s, t, kind in chunk
            for a, b in ([(s, t)] if kind in DIRECTED_KINDS or s == t else [(s, t), (t, s)]))
        for key, row in _aggregate(store, f"VALUES (?s ?t ?kind) {{ {values} }}").items():
            acc[key] = row
    kept = {(r.source, r.target, r.kind): r for r in current if (r.source, r.target, r.kind)
            not in keys}
    rows = sorted([*kept.values(), *_rows(acc)], key=lambda r: (r.source, r.target, r.kind))
    write_summaries(store, rows)
    return rows


def write_summaries(store: GraphStore, rows: list[SummaryRow]) -> None:
    """Replace the summary graph with these rows (a few per pair: one small graph)."""
    store.replace_graph(SUMMARY_GRAPH, summary_quads(rows))


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
        for status, n in r.statuses:
            yield ox.Quad(node, ox.NamedNode(kg(STATUS_COUNTS[status])), _literal(n), graph)
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
    write_summaries(store, rows)
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
            s["last"].value if s["last"] else None,
            tuple((status, int(s[status].value)) for status in STATUSES if s[status])))
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
