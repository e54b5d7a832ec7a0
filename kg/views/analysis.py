"""Network analysis of the store: facts as rows, country and actor graphs, pair summaries.

`load_facts` reads the facts with one SPARQL query (filters bound as terms, never pasted
into the text); everything else works on those `FactRow`s, so a notebook can filter or
build rows itself. Graphs are networkx graphs whose attributes are scalars, ready for
`write_graphml`.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from ..errors import QueryError
from ..graph.rdf import FACT_DETAILS, FACT_PATTERN, date_literal
from ..graph.vocab import PREFIXES, VALUE_IRI, country_iri
from ..kinds import load_kinds
from ..records import DIRECTED_KINDS, KINDS

if TYPE_CHECKING:  # networkx is imported by the functions that need it, not at import time
    import networkx as nx

# Cooperation–conflict weight of each kind, on the −10…+10 scale of Goldstein (1992) as
# CAMEO codes it; kg/data/kinds.yaml gives each weight with its CAMEO anchor.
KIND_WEIGHTS: dict[str, float] = {k.name: k.weight for k in load_kinds()}

# How much a fact's status counts towards a score: a planned event is a promise, half an
# event; a negated one did not happen and carries no weight (it is still counted).
STATUS_FACTORS: dict[str, float] = {"occurred": 1.0, "planned": 0.5, "negated": 0.0}

CENTRALITY_MEASURES = ("degree", "strength", "betweenness")

_COUNTRY_NS = PREFIXES["kgd"] + "country/"
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_ISO3 = re.compile(r"[A-Z]{3}")

# Every filter of _FACTS_QUERY is a variable bound through `substitutions`; "" means "no
# filter". (Oxigraph folds BOUND() of a variable no pattern binds to false before
# substitution, so the query never asks whether a parameter is bound, and it lists them all
# in its projection.)
_DOC_DETAILS = """
    OPTIONAL { ?fact kg:confidence ?confidence }
    OPTIONAL { ?d dcterms:identifier ?doc }
    OPTIONAL { ?d schema:url ?url }
    OPTIONAL { ?d dcterms:title ?title }"""
_ROW = """
  BIND(LCASE(STRAFTER(STR(?st), STR(kg:))) AS ?status)
  BIND(LCASE(STRAFTER(STR(?at), STR(kg:))) AS ?attribution)
  OPTIONAL { ?s rdfs:label ?sl FILTER(LANGMATCHES(LANG(?sl), "en")) }
  OPTIONAL { ?t rdfs:label ?tl FILTER(LANGMATCHES(LANG(?tl), "en")) }"""
_COLUMNS = """?fact ?kind ?s ?t ?sl ?tl ?sp ?tp ?date ?status ?attribution ?label ?evidence
       ?doc ?url ?title ?confidence"""

_FACTS_QUERY = f"""
SELECT {_COLUMNS} ?p_country ?p_a ?p_b ?p_kinds ?p_since ?p_until ?p_confidence
WHERE {{
  GRAPH ?g {{ {FACT_PATTERN} {FACT_DETAILS} {_DOC_DETAILS}
  }}
  BIND(STRAFTER(STR(?s), STR(country:)) AS ?src)
  BIND(STRAFTER(STR(?t), STR(country:)) AS ?tgt)
  FILTER(?p_country = "" || ?src = ?p_country || ?tgt = ?p_country)
  FILTER(?p_a = "" || (?src = ?p_a && ?tgt = ?p_b) || (?src = ?p_b && ?tgt = ?p_a))
  FILTER(?p_kinds = "" || CONTAINS(?p_kinds, CONCAT(" ", ?kind, " ")))
  FILTER(?p_since = "" || (BOUND(?date)
         && STR(?date) >= SUBSTR(?p_since, 1, STRLEN(STR(?date)))))
  FILTER(?p_until = "" || (BOUND(?date)
         && STR(?date) <= SUBSTR(?p_until, 1, STRLEN(STR(?date)))))
  FILTER(?p_confidence = "" || (BOUND(?confidence)
         && ?confidence >= xsd:decimal(?p_confidence)))
  {_ROW}
}}"""

# A bounded sample of one edge of the countries view, in two steps, each with its terms
# given as `substitutions` (Oxigraph then looks them up in its indexes; as VALUES, or as a
# subquery joined to the rest, it joins them to every fact of the store): at most ?limit
# facts of one status and kind from one country to another (on one date, when a date is
# given), then each fact described.
_SAMPLE_PICK = """
SELECT DISTINCT ?fact ?g ?s ?t ?st ?kind ?date WHERE {
  GRAPH ?g { ?fact kg:source ?s ; kg:target ?t ; kg:status ?st ; kg:kind ?kind #date }
} LIMIT #limit"""
_DESCRIBE = f"""
SELECT {_COLUMNS} ?g ?st WHERE {{
  GRAPH ?g {{ {FACT_PATTERN} {FACT_DETAILS} {_DOC_DETAILS}
  }}
  {_ROW}
}}"""


@dataclass(frozen=True)
class FactRow:
    """One fact as the views need it: its sides, when, how sure, and on what evidence."""

    iri: str
    kind: str
    source: str  # ISO 3166-1 alpha-3
    target: str
    source_label: str
    target_label: str
    source_person: str | None
    target_person: str | None
    date: str | None  # YYYY, YYYY-MM or YYYY-MM-DD
    status: str
    attribution: str
    label: str | None
    evidence: str | None
    doc: str | None
    url: str | None
    title: str | None
    confidence: float | None = None  # None for facts written before kg rated facts

    @property
    def directed(self) -> bool:
        return self.kind in DIRECTED_KINDS

    @property
    def pair(self) -> tuple[str, str]:
        """The two countries in code order, whatever the direction."""
        a, b = sorted((self.source, self.target))
        return a, b

    @property
    def weight(self) -> float:
        """The fact's cooperation–conflict weight: its kind's, scaled by its status."""
        return KIND_WEIGHTS.get(self.kind, 0.0) * STATUS_FACTORS.get(self.status, 1.0)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FactRow:
        return cls(**{f.name: data.get(f.name) for f in fields(cls)})


def _code(value: str, what: str) -> str:
    code = value.strip().upper()
    if not _ISO3.fullmatch(code):
        raise QueryError(f"{what}: {value!r} is not an ISO 3166-1 alpha-3 code (e.g. JPN)")
    return code


def _bound(value: str | None, what: str, pad: str) -> str:
    """A date bound padded to a full date, so that `until="2026-01"` keeps 2026-01-31.

    The padding ("00" for since, "99" for until) only has to compare right as text.
    """
    if value is None:
        return ""
    value = value.strip()
    if not _DATE.fullmatch(value):
        raise QueryError(f"{what}: {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return value + f"-{pad}" * ((10 - len(value)) // 3)


def _share(value: float | None) -> str:
    """A confidence bound as decimal text ("" for none), checked to lie in [0, 1]."""
    if value is None or value == 0:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise QueryError(f"min_confidence: {value!r} is not a number from 0 to 1")
    return f"{float(value):.6f}"


def _plain(term: Any) -> str | None:
    return None if term is None else str(term.value)


def check_filters(country: str | None = None, pair: Sequence[str] | None = None,
                  kinds: Iterable[str] | None = None,
                  ) -> tuple[str | None, tuple[str, str] | None, list[str]]:
    """`country`, `pair` and `kinds` as `load_facts` takes them, checked: codes upper case,
    kinds sorted; QueryError for a bad one."""
    codes = None
    if pair is not None:
        if len(pair) != 2:
            raise QueryError("pair: give exactly two country codes")
        a, b = (_code(c, "pair") for c in pair)
        codes = (a, b)
    wanted = sorted(set(kinds or ()))
    unknown = [k for k in wanted if k not in KINDS]
    if unknown:
        raise QueryError(f"unknown kind {unknown[0]!r}; kinds: {', '.join(KINDS)}")
    return (_code(country, "country") if country else None), codes, wanted


def load_facts(store: Any, *, country: str | None = None,
               pair: Sequence[str] | None = None, kinds: Iterable[str] | None = None,
               since: str | None = None, until: str | None = None,
               min_confidence: float | None = None) -> list[FactRow]:
    """The facts of `store`, filtered, sorted by date (undated last), then IRI.

    `country` keeps facts with that country on either side, `pair` those between two
    countries (either direction), `kinds` those of the kinds named. `since` and `until`
    keep dated facts whose date, at its own precision, falls in the range: a fact dated
    `2025` is kept by `since="2025-06-01"`; undated facts are left out by either.
    `min_confidence` keeps facts rated at least that (unrated facts are left out by it).
    """
    code, codes, wanted = check_filters(country, pair, kinds)
    p_a, p_b = codes or ("", "")
    params = {
        "p_country": code or "",
        "p_a": p_a, "p_b": p_b,
        "p_kinds": f" {' '.join(wanted)} " if wanted else "",
        "p_since": _bound(since, "since", "00"), "p_until": _bound(until, "until", "99"),
        "p_confidence": _share(min_confidence),
    }
    try:
        solutions = store.query(_FACTS_QUERY, prefixes=PREFIXES,
                                substitutions={k: ox.Literal(v) for k, v in params.items()})
        rows = _fact_rows(solutions)
    except (SyntaxError, OSError, RuntimeError) as exc:
        raise QueryError(f"reading facts failed: {exc}") from None
    return sort_facts(rows)


def _fact_rows(solutions: Iterable[Any]) -> list[FactRow]:
    rows: dict[str, FactRow] = {}
    for s in solutions:
        iri = s["fact"].value
        if iri in rows:  # a second label or name would repeat the fact: keep the first
            continue
        source = s["s"].value.removeprefix(_COUNTRY_NS)
        target = s["t"].value.removeprefix(_COUNTRY_NS)
        rows[iri] = FactRow(
            iri=iri, kind=s["kind"].value, source=source, target=target,
            source_label=_plain(s["sl"]) or source, target_label=_plain(s["tl"]) or target,
            source_person=_plain(s["sp"]), target_person=_plain(s["tp"]),
            date=_plain(s["date"]), status=_plain(s["status"]) or "occurred",
            attribution=_plain(s["attribution"]) or "reported",
            label=_plain(s["label"]), evidence=_plain(s["evidence"]),
            doc=_plain(s["doc"]), url=_plain(s["url"]), title=_plain(s["title"]),
            confidence=float(s["confidence"].value) if s["confidence"] else None)
    return list(rows.values())


def sample_facts(store: Any, status: str, keys: Iterable[tuple[str, str, str]], *,
                 limit: int, dates: Sequence[str] = ()) -> list[FactRow]:
    """At most `limit` facts of `status` with these (source, target, kind), an undirected
    kind's either way round: the evidence of one edge of the countries view, read with
    bounded queries. Give only keys that have such facts (the summaries say which): a key
    with none costs a scan of what the store holds for it. The facts dated on `dates` come
    first, in that order (the pair's last dates, from the summaries: sorting the pair's facts
    by date would read them all), then the first others the store holds. Sorted as
    `sort_facts` does."""
    if status not in STATUS_FACTORS or status not in VALUE_IRI:
        raise QueryError(f"unknown status {status!r}")
    wanted = []
    for source, target, kind in keys:
        # A kind kg does not define (imported RDF) is read like any other: it is a term.
        ends = [(_code(source, "source"), _code(target, "target"))]
        if kind not in DIRECTED_KINDS and source != target:
            ends.append(ends[0][::-1])
        wanted += [(s, t, kind) for s, t in ends]
    if limit < 1:
        return []
    picked: dict[str, tuple[Any, Any]] = {}
    status_iri = ox.NamedNode(VALUE_IRI[status])
    terms = [term for term in map(date_literal, dates) if term is not None]
    try:
        for date, (source, target, kind) in itertools.product([*terms, None], wanted):
            if len(picked) >= limit:
                break
            subs = {"s": ox.NamedNode(country_iri(source)),
                    "t": ox.NamedNode(country_iri(target)), "st": status_iri,
                    "kind": ox.Literal(kind)}
            if date is not None:
                subs["date"] = date
            # `limit` each time: the facts picked on a date come again after it.
            query = _SAMPLE_PICK.replace("#limit", str(int(limit))).replace(
                "#date", "; kg:date ?date" if date is not None else "")
            for row in store.query(query, prefixes=PREFIXES, substitutions=subs):
                picked.setdefault(row["fact"].value, (row["fact"], row["g"]))
                if len(picked) >= limit:
                    break
        solutions = []
        for fact, graph in picked.values():
            solutions += store.query(_DESCRIBE, prefixes=PREFIXES, substitutions={
                "fact": fact, "g": graph, "st": status_iri})
        return sort_facts(_fact_rows(solutions))
    except (SyntaxError, OSError, RuntimeError) as exc:
        raise QueryError(f"reading facts failed: {exc}") from None


def sort_facts(facts: Iterable[FactRow]) -> list[FactRow]:
    """Facts by date (undated last), then IRI: the one order every view uses."""
    return sorted(facts, key=lambda f: (f.date is None, f.date or "", f.iri))


# --- graphs --------------------------------------------------------------------------------


def _kind_counts() -> dict[str, int]:
    return {f"n_{kind}": 0 for kind in KINDS}


def _add_fact_edge(graph: nx.DiGraph, u: str, v: str, fact: FactRow) -> None:
    if not graph.has_edge(u, v):
        graph.add_edge(u, v, relation="deals_with", weight=0, score_sum=0.0, counted=0.0,
                       **_kind_counts())
    data = graph.edges[u, v]
    data["weight"] += 1
    data[f"n_{fact.kind}"] = data.get(f"n_{fact.kind}", 0) + 1
    data["score_sum"] += fact.weight
    data["counted"] += STATUS_FACTORS.get(fact.status, 1.0)


def _finish_scores(graph: nx.DiGraph) -> None:
    for _, _, data in graph.edges(data=True):
        if "score_sum" in data:
            counted = data.pop("counted")
            data["score"] = round(data.pop("score_sum") / counted, 3) if counted else 0.0


def _directions(fact: FactRow) -> list[tuple[str, str]]:
    # Undirected kinds hold both ways, as the store's plain country links do.
    ends = [(fact.source, fact.target)]
    if not fact.directed:
        ends.append((fact.target, fact.source))
    return ends


def country_graph(facts: Iterable[FactRow]) -> nx.DiGraph:
    """Countries as nodes; an edge u→v aggregates the facts in which u deals with v.

    A `DiGraph`, not a `MultiDiGraph`: parallel facts are counted on one edge, so weights,
    centrality and GraphML stay simple (the facts themselves stay in the store). Directed
    kinds give u→v with u the source; undirected kinds give both u→v and v→u. Edge
    attributes: `weight` (facts), `score` (mean cooperation–conflict weight, see
    `KIND_WEIGHTS` and `STATUS_FACTORS`) and `n_<kind>` counts. Node attributes: `label`,
    `facts` (facts involving the country) and `type`.
    """
    import networkx as nx

    graph = nx.DiGraph()
    involved: Counter[str] = Counter()
    labels: dict[str, str] = {}
    rows = sort_facts(facts)
    for fact in rows:
        labels.setdefault(fact.source, fact.source_label)
        labels.setdefault(fact.target, fact.target_label)
        involved.update({fact.source, fact.target})
    for code in sorted(labels):  # sorted, so the same facts give the same GraphML
        graph.add_node(code, label=labels[code], type="country", facts=involved[code])
    for fact in rows:
        for u, v in _directions(fact):
            _add_fact_edge(graph, u, v, fact)
    _finish_scores(graph)
    return graph


def person_id(country: str, name: str) -> str:
    """The node id of a person in the actor graph."""
    return f"{country}/{name}"


def _actor(fact: FactRow, side: str) -> str:
    country = getattr(fact, side)
    person = getattr(fact, f"{side}_person")
    return person_id(country, person) if person else country


def actor_graph(facts: Iterable[FactRow]) -> nx.DiGraph:
    """Countries and the persons who act for them; edges as in `country_graph`.

    A fact links the persons named on each side, or the country where none is named; a
    node's `facts` counts the facts in which it is that acting side. Each person also has
    an edge to their country with `relation="acts_for"`.
    """
    import networkx as nx

    graph = nx.DiGraph()
    rows = sort_facts(facts)
    nodes: dict[str, dict[str, Any]] = {}
    involved: Counter[str] = Counter()
    for fact in rows:
        for side in ("source", "target"):
            country = getattr(fact, side)
            nodes.setdefault(country, {"label": getattr(fact, f"{side}_label"),
                                       "type": "country", "country": country})
            person = getattr(fact, f"{side}_person")
            if person:
                nodes.setdefault(person_id(country, person),
                                 {"label": person, "type": "person", "country": country})
        involved.update({_actor(fact, "source"), _actor(fact, "target")})
    for node in sorted(nodes):
        graph.add_node(node, facts=involved[node], **nodes[node])
    for node in sorted(nodes):
        if nodes[node]["type"] == "person":
            graph.add_edge(node, nodes[node]["country"], relation="acts_for", weight=0)
    for fact in rows:
        source, target = _actor(fact, "source"), _actor(fact, "target")
        ends = [(source, target)] if fact.directed else [(source, target), (target, source)]
        for u, v in ends:
            _add_fact_edge(graph, u, v, fact)
    _finish_scores(graph)
    return graph


def centrality(graph: nx.DiGraph, measure: str = "degree") -> list[tuple[str, float]]:
    """Country nodes (or all nodes) by centrality, highest first, ties by id.

    `degree`: the share of the other nodes it deals with (networkx degree centrality on
    the undirected graph). `strength`: the share of all facts that involve it.
    `betweenness`: how often it lies on shortest paths between others (undirected).
    """
    import networkx as nx

    if measure not in CENTRALITY_MEASURES:
        raise ValueError(f"unknown measure {measure!r}: choose one of "
                         f"{', '.join(CENTRALITY_MEASURES)}")
    fact_edges = [(u, v) for u, v, r in graph.edges(data="relation") if r != "acts_for"]
    undirected = nx.Graph()
    undirected.add_nodes_from(graph.nodes)
    undirected.add_edges_from(fact_edges)
    if measure == "degree":
        values = nx.degree_centrality(undirected)
    elif measure == "betweenness":
        values = nx.betweenness_centrality(undirected)
    else:
        total = _total_facts(graph)
        values = {n: (d.get("facts", 0) / total if total else 0.0)
                  for n, d in graph.nodes(data=True)}
    return sorted(((n, round(float(v), 6)) for n, v in values.items()),
                  key=lambda item: (-item[1], item[0]))


def _total_facts(graph: nx.DiGraph) -> int:
    # Each fact involves two nodes, so the node counts add up to twice the facts.
    return sum(d.get("facts", 0) for _, d in graph.nodes(data=True)) // 2


# --- pairs and timelines -------------------------------------------------------------------


@dataclass(frozen=True)
class PairSummary:
    """What two countries did to and with each other: counts by kind and a balance."""

    a: str  # the two codes in alphabetical order
    b: str
    a_label: str
    b_label: str
    facts: int
    by_kind: tuple[tuple[str, int], ...]  # in the order of records.KINDS
    a_to_b: int  # directed facts from a to b
    b_to_a: int
    mutual: int  # undirected facts
    cooperative: int  # facts of kinds with a positive weight
    conflictual: int
    score: float  # mean weight, -10 … +10 (see KIND_WEIGHTS and STATUS_FACTORS)
    first_date: str | None
    last_date: str | None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["by_kind"] = dict(self.by_kind)
        return data


def score(facts: Iterable[FactRow]) -> float:
    """Mean cooperation–conflict weight of facts: −10 (war) … +10 (alliance); 0 if none."""
    weights = []
    counted = 0.0
    for fact in facts:
        weights.append(fact.weight)
        counted += STATUS_FACTORS.get(fact.status, 1.0)
    # fsum: the sum does not depend on the facts' order, so a view counted from the
    # summaries (kg.views.graphview.summary_view) shows the same balance to the digit.
    return round(math.fsum(weights) / counted, 3) if counted else 0.0


def pair_summary(facts: Iterable[FactRow]) -> list[PairSummary]:
    """One summary per pair of countries, most facts first (ties by codes)."""
    by_pair: dict[tuple[str, str], list[FactRow]] = defaultdict(list)
    labels: dict[str, str] = {}
    for fact in sort_facts(facts):
        by_pair[fact.pair].append(fact)
        labels.setdefault(fact.source, fact.source_label)
        labels.setdefault(fact.target, fact.target_label)
    summaries = []
    for (a, b), rows in by_pair.items():
        kinds = Counter(f.kind for f in rows)
        dates = [f.date for f in rows if f.date]
        summaries.append(PairSummary(
            a=a, b=b, a_label=labels[a], b_label=labels[b], facts=len(rows),
            by_kind=tuple((k, kinds[k]) for k in KINDS if kinds[k]),
            a_to_b=sum(1 for f in rows if f.directed and f.source == a),
            b_to_a=sum(1 for f in rows if f.directed and f.source == b),
            mutual=sum(1 for f in rows if not f.directed),
            cooperative=sum(1 for f in rows if KIND_WEIGHTS.get(f.kind, 0) > 0),
            conflictual=sum(1 for f in rows if KIND_WEIGHTS.get(f.kind, 0) < 0),
            score=score(rows), first_date=min(dates) if dates else None,
            last_date=max(dates) if dates else None))
    return sorted(summaries, key=lambda p: (-p.facts, p.a, p.b))


@dataclass(frozen=True)
class TimelineEntry:
    """One fact of a pair in time, with the running balance of the pair up to it."""

    date: str | None
    kind: str
    source: str
    target: str
    status: str
    weight: float
    balance: float  # score() of this fact and every one before it
    fact: FactRow

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["fact"] = self.fact.iri
        return data


def timeline(facts: Iterable[FactRow], a: str, b: str) -> list[TimelineEntry]:
    """The facts between `a` and `b` (either direction) in date order, undated last."""
    pair = tuple(sorted((_code(a, "a"), _code(b, "b"))))
    rows = [f for f in sort_facts(facts) if f.pair == pair]
    entries = []
    for i, fact in enumerate(rows):
        entries.append(TimelineEntry(fact.date, fact.kind, fact.source, fact.target,
                                     fact.status, fact.weight, score(rows[: i + 1]), fact))
    return entries


# --- the report of `kg stats --top` --------------------------------------------------------


@dataclass(frozen=True)
class CountryRank:
    iso3: str
    label: str
    value: float
    partners: int
    facts: int


@dataclass(frozen=True)
class TopReport:
    """The most active pairs and the most central countries of a set of facts."""

    facts: int
    countries: int
    pairs_total: int
    measure: str
    pairs: tuple[PairSummary, ...]
    central: tuple[CountryRank, ...]

    def lines(self) -> list[str]:
        out = [f"{self.facts} facts, {self.countries} countries, {self.pairs_total} pairs",
               "", f"Most active pairs (top {len(self.pairs)} of {self.pairs_total}):"]
        for i, p in enumerate(self.pairs, 1):
            kinds = ", ".join(f"{k} {n}" for k, n in p.by_kind)
            out.append(f"{i:>3}. {p.a}–{p.b}  {p.facts} fact{'' if p.facts == 1 else 's'}  "
                       f"score {p.score:+.1f}  {kinds}")
        out += ["", f"Most central countries ({self.measure} centrality, top "
                    f"{len(self.central)} of {self.countries}):"]
        for i, c in enumerate(self.central, 1):
            partners = f"{c.partners} partner{'' if c.partners == 1 else 's'}"
            out.append(f"{i:>3}. {c.iso3} {c.label}  {c.value:.3f}  {partners}  "
                       f"{c.facts} fact{'' if c.facts == 1 else 's'}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"facts": self.facts, "countries": self.countries,
                "pairs_total": self.pairs_total, "measure": self.measure,
                "pairs": [p.to_dict() for p in self.pairs],
                "central": [asdict(c) for c in self.central]}


def top(store_or_facts: Any, n: int = 10, *, measure: str = "degree") -> TopReport:
    """The `n` most active pairs and most central countries of a store or of facts."""
    if n < 1:
        raise ValueError("n must be at least 1")
    summary = None
    if hasattr(store_or_facts, "query"):
        from ..graph.summaries import read_summaries

        summary = read_summaries(store_or_facts)
    if summary is not None:
        # The build keeps the summary graph exact: a few rows per pair, not every fact.
        from ..graph.summaries import country_graph_of, country_labels, pair_summaries_of

        labels = country_labels(store_or_facts)
        graph = country_graph_of(summary, labels)
        pairs = pair_summaries_of(summary, labels)
        total = sum(r.facts for r in summary)
    else:
        rows = (load_facts(store_or_facts) if hasattr(store_or_facts, "query")
                else list(store_or_facts))
        graph = country_graph(rows)
        pairs = pair_summary(rows)
        total = len(rows)
    partners = {node: len(set(graph.successors(node)) | set(graph.predecessors(node)))
                for node in graph}
    ranks = [CountryRank(code, graph.nodes[code]["label"], value, partners[code],
                         graph.nodes[code]["facts"])
             for code, value in centrality(graph, measure)]
    # Equal centrality: the country with more facts first.
    central = tuple(sorted(ranks, key=lambda c: (-c.value, -c.facts, c.iso3))[:n])
    return TopReport(total, graph.number_of_nodes(), len(pairs), measure,
                     tuple(pairs[:n]), central)


# --- GraphML -------------------------------------------------------------------------------

# Characters XML 1.0 cannot carry at all; article text may hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _scalar(value: Any) -> str | int | float | bool | None:
    if value is None or isinstance(value, bool | int | float):
        return value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                            sort_keys=True, default=str)
    return _NOT_XML.sub("\ufffd", text)


def write_graphml(graph: nx.Graph, out: IO[bytes]) -> None:
    """Write `graph` as GraphML to a binary stream; attributes become scalars (None dropped)."""
    import networkx as nx

    clean = graph.__class__()
    clean.graph.update({k: _scalar(v) for k, v in graph.graph.items() if v is not None})
    for node, data in graph.nodes(data=True):
        clean.add_node(_scalar(node), **{k: _scalar(v) for k, v in data.items()
                                         if v is not None})
    for u, v, *key, data in (graph.edges(keys=True, data=True) if graph.is_multigraph()
                             else graph.edges(data=True)):
        clean.add_edge(_scalar(u), _scalar(v), *map(_scalar, key),
                       **{k: _scalar(w) for k, w in data.items() if w is not None})
    nx.write_graphml(clean, out, encoding="utf-8", prettyprint=True)


__all__ = [
    "CENTRALITY_MEASURES", "KIND_WEIGHTS", "STATUS_FACTORS", "CountryRank",
    "FactRow", "PairSummary", "TimelineEntry", "TopReport", "actor_graph", "centrality",
    "check_filters",
    "country_graph", "load_facts", "pair_summary", "person_id", "sample_facts", "score",
    "sort_facts", "timeline", "top", "write_graphml",
]
