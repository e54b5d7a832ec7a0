"""The graph at one level, from facts: nodes, edges and the facts behind each.

`build_view` groups facts into the nodes and edges of the countries, actors or facts
level, one edge per status (what happened, what is planned, what did not happen), with
the styles every renderer shares (`kg.views.viz`'s page, `kg.views.vizpyvis`).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from itertools import repeat
from typing import Any

from ..kinds import load_kinds
from ..records import DIRECTED_KINDS, KINDS, STATUSES
from .analysis import (
    KIND_WEIGHTS,
    STATUS_FACTORS,
    FactRow,
    pair_summary,
    person_id,
    sort_facts,
)

LEVELS = ("countries", "actors", "facts")
DEFAULT_TITLE = "Bilateral relations"
DEFAULT_SEED = 7
# Past these, vis-network's layout gets slow and the picture unreadable: the page keeps
# the most connected part and says how many facts it left out.
MAX_NODES = 500
MAX_EDGES = 2000

# Colour-blind safe (Okabe & Ito's and Paul Tol's palettes, kept apart in CIELAB: see
# kg/data/kinds.yaml and tests/test_viz.py).
KIND_COLORS = {k.name: k.color for k in load_kinds()}
# A kind kg does not define (imported RDF may hold one) is drawn grey, never dropped.
UNKNOWN_KIND_COLOR = "#bbbbbb"
COUNTRY_COLOR = {"background": "#e3f2fd", "border": "#1565c0"}
PERSON_COLOR = {"background": "#fff3e0", "border": "#ef6c00"}
ACTS_FOR_COLOR = "#b0bec5"
# How the page draws a fact's status: what happened solid, what is planned dashed, what
# did not happen dotted (and hidden unless asked for); commentary-only edges faint.
STATUS_DASHES: dict[str, Any] = {"occurred": False, "planned": [10, 6], "negated": [2, 9]}
STATUS_MARK = {"occurred": "", "planned": "planned ", "negated": "not "}
COMMENTARY_OPACITY = 0.35
HIDDEN_BY_DEFAULT = {"status": ("negated",), "attribution": ()}


def kind_color(kind: str) -> str:
    return KIND_COLORS.get(kind, UNKNOWN_KIND_COLOR)


def known_first(values: Iterable[str], known: tuple[str, ...]) -> list[str]:
    """`known` in its order, then any other value present (from imported data) sorted."""
    present = set(values)
    return [v for v in known] + sorted(present - set(known))


def _status_rank(status: str) -> int:
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


# --- the view: nodes and edges of one level ------------------------------------------------


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    group: str  # country, person or fact
    value: int  # size: the node's degree over what the page shows at first (fact nodes: 1)
    color: dict[str, str]
    facts: tuple[int, ...]  # indexes into GraphView.facts
    summary: tuple[str, ...]  # lines of the tooltip
    search: str  # what the search box matches, lower case
    country: str | None = None  # a person's country


@dataclass(frozen=True)
class Edge:
    id: str
    source: str
    target: str
    label: str
    color: str
    value: int
    arrows: str  # "to" or ""
    dashes: bool  # drawn dashed: a planned fact, or a person acting for a country
    roundness: float  # 0 for a straight-ish edge; parallel edges get distinct curves
    facts: tuple[int, ...]
    summary: tuple[str, ...]
    kind: str = ""  # actors level: the kind of every fact on the edge
    status: str = ""  # occurred, planned or negated ("" for a person's link to a country)
    faint: bool = False  # every fact on it is commentary
    # A view from summaries: what the edge counts, (kind, source, target, facts) per
    # summary row, of which `facts` is a sample.
    counts: tuple[tuple[str, str, str, int], ...] = ()


@dataclass(frozen=True)
class GraphView:
    """What the page draws: the level's nodes and edges and the facts behind them."""

    level: str
    title: str
    seed: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    facts: tuple[FactRow, ...]  # the facts shown
    total: int  # the facts given
    limits: tuple[int, int] = (MAX_NODES, MAX_EDGES)
    legend: tuple[tuple[str, str], ...] = field(default=())
    filters: tuple[str, ...] = ()  # how the facts given were selected, in words
    # A view from the store's summaries: the facts its edges count; `facts` is then a
    # sample of them (a few per edge), and the edges' `counts` say what they count.
    counted: int | None = None

    @property
    def sampled(self) -> bool:
        return self.counted is not None

    @property
    def omitted(self) -> int:
        return self.total - (len(self.facts) if self.counted is None else self.counted)

    @property
    def omitted_note(self) -> str:
        notes = []
        if self.omitted:
            notes.append(
                f"{self.omitted} of {self.total} facts left out to keep the graph usable "
                f"(at most {self.limits[0]} nodes and {self.limits[1]} edges): this is "
                "the most connected part. Narrow the selection by country, pair, kind or "
                "date to see the rest.")
        if self.counted is not None and len(self.facts) < self.counted:
            notes.append(
                f"Showing {len(self.facts)} of {self.counted} facts as evidence: edges count "
                "every fact (from the store's summaries), and each edge carries a sample of "
                "its facts. kg query or a narrower kg viz (--pair, --since) lists them all.")
        return " ".join(notes)

    @property
    def filters_line(self) -> str:
        return "Filters: " + ("; ".join(self.filters) if self.filters else
                              "none (every fact given)")


def describe_filters(filters: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The arguments of `load_facts` (country, pair, kinds, since, until, min_confidence) in
    words."""
    if not filters:
        return ()
    unknown = set(filters) - {"country", "pair", "kinds", "since", "until", "min_confidence"}
    if unknown:
        raise ValueError(f"unknown filter {sorted(unknown)[0]!r}")
    words = []
    if filters.get("country"):
        words.append(f"country {filters['country']}")
    if filters.get("pair"):
        words.append("pair " + "–".join(filters["pair"]))
    if filters.get("kinds"):
        kinds = sorted(set(filters["kinds"]))
        words.append(("kind " if len(kinds) == 1 else "kinds ") + ", ".join(kinds))
    if filters.get("since"):
        words.append(f"since {filters['since']}")
    if filters.get("until"):
        words.append(f"until {filters['until']}")
    if filters.get("min_confidence"):
        words.append(f"confidence at least {filters['min_confidence']:g}")
    return tuple(words)


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


def balance_color(score: float) -> str:
    """Grey for a neutral balance, shading to green (cooperation) or red (conflict)."""
    t = max(-1.0, min(1.0, score / 8.0))
    end = (46, 125, 50) if t >= 0 else (198, 40, 40)
    grey = (158, 158, 158)
    # Halves round up, as Math.round in graph.js, which recolours edges after each filter.
    rgb = (math.floor(g + (e - g) * abs(t) + 0.5) for g, e in zip(grey, end, strict=True))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _suffix(status: str) -> str:
    return "" if status == "occurred" else "~" + status


def _actor_id(fact: FactRow, side: str) -> str:
    person = getattr(fact, f"{side}_person")
    country = getattr(fact, side)
    return "p:" + person_id(country, person) if person else country


def _actor_ends(fact: FactRow) -> list[str]:
    ends = [_actor_id(fact, "source"), _actor_id(fact, "target")]
    return ends if fact.directed else sorted(ends)


def _fact_keys(fact: FactRow, index: int, level: str) -> tuple[set[str], set[str]]:
    """The node and edge keys a fact needs at a level (to budget the size of the page)."""
    nodes = {fact.source, fact.target}
    if level == "countries":
        return nodes, {"e:" + "-".join(fact.pair) + _suffix(fact.status)}
    if level == "facts":
        return nodes | {f"f:{index}"}, {f"s:{index}", f"t:{index}"}
    edges = set()
    ends = _actor_ends(fact)
    for actor in ends:
        if actor.startswith("p:"):
            nodes.add(actor)
            edges.add("a:" + actor)
    edges.add("k:" + "|".join([*ends, fact.kind]) + _suffix(fact.status))
    return nodes, edges


def _select(rows: list[FactRow], level: str, max_nodes: int,
            max_edges: int) -> list[FactRow]:
    """The facts to draw: all if they fit, else those of the busiest pairs first."""
    keys = [_fact_keys(f, i, level) for i, f in enumerate(rows)]
    if (len(set().union(*(k[0] for k in keys))) <= max_nodes
            and len(set().union(*(k[1] for k in keys))) <= max_edges):
        return rows
    per_pair = Counter(f.pair for f in rows)
    # Stable sorts, last key first: busiest pairs, then the most recent facts (undated
    # last), then IRI order.
    order = sorted(range(len(rows)), key=lambda i: rows[i].iri)
    order.sort(key=lambda i: rows[i].date or "", reverse=True)
    order.sort(key=lambda i: (-per_pair[rows[i].pair], rows[i].pair))
    nodes: set[str] = set()
    edges: set[str] = set()
    kept = []
    for i in order:
        new_nodes, new_edges = keys[i][0] - nodes, keys[i][1] - edges
        if len(nodes) + len(new_nodes) <= max_nodes and len(edges) + len(new_edges) <= max_edges:
            nodes |= new_nodes
            edges |= new_edges
            kept.append(rows[i])
    return sort_facts(kept)


def build_view(facts: Iterable[FactRow], *, level: str = "countries",
               title: str = DEFAULT_TITLE, seed: int = DEFAULT_SEED,
               max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES,
               filters: Mapping[str, Any] | None = None) -> GraphView:
    """Nodes and edges of `facts` at `level`: countries, actors (with persons) or facts.

    `filters` says how the facts were selected (the arguments given to `load_facts`), so
    that the page can state it; it does not filter.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}: choose one of {', '.join(LEVELS)}")
    if max_nodes < 2 or max_edges < 1:
        raise ValueError("max_nodes must be at least 2 and max_edges at least 1")
    words = describe_filters(filters)
    given = sort_facts(facts)
    rows = _select(given, level, max_nodes, max_edges)
    labels = {}
    for f in rows:
        labels.setdefault(f.source, f.source_label)
        labels.setdefault(f.target, f.target_label)
    builder = {"countries": _countries, "actors": _actors, "facts": _facts}[level]
    nodes, edges = builder(rows, labels)
    return GraphView(level, title, seed, tuple(_sized(nodes, edges)), tuple(edges),
                     tuple(rows), len(given), (max_nodes, max_edges),
                     _legend(level, {f.kind for f in rows}), words)


def _sized(nodes: list[Node], edges: list[Edge]) -> list[Node]:
    """Size: how many others a node deals with, as the page first shows it (negated facts
    hidden), as graph.js computes it after each filter."""
    partners: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        if edge.status and edge.status not in HIDDEN_BY_DEFAULT["status"]:
            partners[edge.source].add(edge.target)
            partners[edge.target].add(edge.source)
    return [n if n.group == "fact" else replace(n, value=max(1, len(partners[n.id])))
            for n in nodes]


def _legend(level: str, shown: set[str]) -> tuple[tuple[str, str], ...]:
    if level == "countries":
        return tuple((f"balance {s:+d}", balance_color(s)) for s in (-8, -4, 0, 4, 8))
    return tuple((f"{k} ({KIND_WEIGHTS.get(k, 0.0):+g})", kind_color(k))
                 for k in known_first(shown, KINDS) if k in shown)


# --- the countries view from summaries ------------------------------------------------------

# Facts of one edge the countries view from summaries carries as evidence.
SAMPLE_PER_EDGE = 6

# (status, [(source, target, kind)] that have facts of that status, limit) -> facts
Sampler = Callable[[str, list[tuple[str, str, str]], int], list[FactRow]]


def summary_view(rows: Iterable[Any], labels: Mapping[str, str], sample: Sampler, *,
                 title: str = DEFAULT_TITLE, seed: int = DEFAULT_SEED,
                 max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES,
                 filters: Mapping[str, Any] | None = None,
                 per_edge: int = SAMPLE_PER_EDGE) -> GraphView | None:
    """The countries view of the facts that summary rows (`kg.graph.summaries.SummaryRow`)
    count: the same nodes, edges and counts as `build_view` of those facts, with a sample
    of each edge's facts (`sample(status, [(source, target, kind)], limit)`) as its
    evidence. Time and memory grow with the pairs, not the facts. None if a row does not
    say its facts' statuses (summaries of an older kg, or statuses kg does not define):
    read the facts instead.
    """
    if max_nodes < 2 or max_edges < 1:
        raise ValueError("max_nodes must be at least 2 and max_edges at least 1")
    rows = list(rows)
    if not all(r.by_status for r in rows):
        return None
    # (pair, status) -> [(kind, source, target, facts)], as the edges of `_countries`.
    groups: dict[tuple[tuple[str, str], str], list[tuple[str, str, str, int]]] = (
        defaultdict(list))
    per_pair: Counter[tuple[str, str]] = Counter()
    for r in rows:
        pair = (min(r.source, r.target), max(r.source, r.target))
        per_pair[pair] += r.facts
        for status, n in r.statuses:
            groups[(pair, status)].append((r.kind, r.source, r.target, n))
    total = sum(per_pair.values())
    # The busiest pairs first, as `_select` keeps them.
    keys = sorted(groups, key=lambda k: (-per_pair[k[0]], k[0], _status_rank(k[1])))
    nodes_in: set[str] = set()
    kept = []
    for key in keys:
        new = set(key[0]) - nodes_in
        if len(nodes_in) + len(new) <= max_nodes and len(kept) < max_edges:
            nodes_in |= new
            kept.append(key)
    facts: list[FactRow] = []
    edges = []
    involved: dict[str, list[int]] = defaultdict(list)
    partners: dict[str, set[str]] = defaultdict(set)
    counted: Counter[str] = Counter()
    for (pair, status), roundness in zip(kept, _parallel([p for p, _ in kept]), strict=True):
        a, b = pair
        counts = sorted(groups[(pair, status)])
        n = sum(c[3] for c in counts)
        start = len(facts)
        facts.extend(sample(status, [(src, tgt, kind) for kind, src, tgt, k in counts if k],
                            min(per_edge, n)))
        ids = tuple(range(start, len(facts)))
        for code, other in ((a, b), (b, a)):
            involved[code].extend(ids)
            partners[code].add(other)
            counted[code] += n
        by_kind: Counter[str] = Counter()
        for kind, _, _, k in counts:
            by_kind[kind] += k
        directed = [(src, k) for kind, src, _, k in counts if kind in DIRECTED_KINDS]
        factor = STATUS_FACTORS.get(status, 1.0)
        # Each fact's weight once, summed as `kg.views.analysis.score` sums them.
        weighted = math.fsum(w for kind, _, _, k in counts
                             for w in repeat(KIND_WEIGHTS.get(kind, 0.0) * factor, k))
        score = round(weighted / (factor * n), 3) if factor and n else 0.0
        label = str(n) if status == "occurred" else f"{n} {status}"
        kinds = ", ".join(f"{k} {by_kind[k]}" for k in KINDS if by_kind[k])
        la, lb = labels.get(a, a), labels.get(b, b)
        edges.append(Edge(
            f"e:{a}-{b}{_suffix(status)}", a, b, label, balance_color(score), n, "",
            status == "planned", roundness, ids,
            (f"{la} – {lb}: {plural(n, 'fact')}{_status_words(status)}",
             f"{a} → {b}: {sum(k for s, k in directed if s == a)} · {b} → {a}: "
             f"{sum(k for s, k in directed if s == b)} · together: "
             f"{sum(c[3] for c in counts if c[0] not in DIRECTED_KINDS)}",
             f"balance {score:+.1f} "
             f"({sum(c[3] for c in counts if KIND_WEIGHTS.get(c[0], 0) > 0)} cooperative, "
             f"{sum(c[3] for c in counts if KIND_WEIGHTS.get(c[0], 0) < 0)} conflictual)",
             kinds),
            status=status, counts=tuple(counts)))
    nodes = [Node(code, labels.get(code, code), "country", 1, COUNTRY_COLOR,
                  tuple(sorted(involved[code])),
                  (f"{labels.get(code, code)} ({code})",
                   f"{plural(counted[code], 'fact')} with "
                   f"{plural(len(partners[code]), 'country', 'countries')}",
                   "Click to list its facts."),
                  f"{labels.get(code, code)} {code}".lower())
             for code in sorted(nodes_in)]
    # The edges' facts as indexes into the sorted sample.
    order = sorted(range(len(facts)), key=lambda i: (facts[i].date is None,
                                                     facts[i].date or "", facts[i].iri))
    new_index = {old: new for new, old in enumerate(order)}
    edges = [replace(e, facts=tuple(sorted(new_index[i] for i in e.facts))) for e in edges]
    nodes = [replace(n, facts=tuple(sorted(new_index[i] for i in n.facts))) for n in nodes]
    return GraphView("countries", title, seed, tuple(_sized(nodes, edges)), tuple(edges),
                     tuple(facts[i] for i in order), total, (max_nodes, max_edges),
                     _legend("countries", set()), describe_filters(filters),
                     counted=sum(e.value for e in edges))


def _country_nodes(rows: list[FactRow], labels: dict[str, str]) -> list[Node]:
    involved: dict[str, list[int]] = defaultdict(list)
    partners: dict[str, set[str]] = defaultdict(set)
    for i, f in enumerate(rows):
        for code, other in ((f.source, f.target), (f.target, f.source)):
            involved[code].append(i)
            partners[code].add(other)
    return [Node(code, labels[code], "country", 1, COUNTRY_COLOR, tuple(involved[code]),
                 (f"{labels[code]} ({code})",
                  f"{plural(len(involved[code]), 'fact')} with "
                  f"{plural(len(partners[code]), 'country', 'countries')}",
                  "Click to list its facts."),
                 f"{labels[code]} {code}".lower())
            for code in sorted(labels)]


def _parallel(edges: list[tuple[str, str]]) -> list[float]:
    """Distinct curves for edges between the same two nodes, the first one straight."""
    seen: Counter[frozenset[str]] = Counter()
    out = []
    for u, v in edges:
        rank = seen[frozenset((u, v))]
        seen[frozenset((u, v))] += 1
        out.append(round(0.15 * rank, 2))
    return out


def _status_words(status: str) -> str:
    words = {"occurred": "", "planned": " (planned)", "negated": " (did not happen)"}
    return words.get(status, f" ({status})")


def _countries(rows: list[FactRow], labels: dict[str, str]) -> tuple[list[Node], list[Edge]]:
    groups: dict[tuple[tuple[str, str], str], list[int]] = defaultdict(list)
    for i, f in enumerate(rows):
        groups[(f.pair, f.status)].append(i)
    order = {(p.a, p.b): n for n, p in enumerate(pair_summary(rows))}
    keys = sorted(groups, key=lambda k: (order[k[0]], _status_rank(k[1])))
    curves = _parallel([pair for pair, _ in keys])
    edges = []
    for (pair, status), roundness in zip(keys, curves, strict=True):
        ids = tuple(groups[(pair, status)])
        (p,) = pair_summary(rows[i] for i in ids)
        kinds = ", ".join(f"{k} {n}" for k, n in p.by_kind)
        label = str(p.facts) if status == "occurred" else f"{p.facts} {status}"
        edges.append(Edge(
            f"e:{p.a}-{p.b}{_suffix(status)}", p.a, p.b, label, balance_color(p.score),
            p.facts, "", status == "planned", roundness, ids,
            (f"{p.a_label} – {p.b_label}: {plural(p.facts, 'fact')}{_status_words(status)}",
             f"{p.a} → {p.b}: {p.a_to_b} · {p.b} → {p.a}: {p.b_to_a} · together: {p.mutual}",
             f"balance {p.score:+.1f} ({p.cooperative} cooperative, "
             f"{p.conflictual} conflictual)", kinds),
            status=status, faint=all(rows[i].attribution == "commentary" for i in ids)))
    return _country_nodes(rows, labels), edges


def _actors(rows: list[FactRow], labels: dict[str, str]) -> tuple[list[Node], list[Edge]]:
    persons: dict[str, tuple[str, str]] = {}
    acts: dict[str, list[int]] = defaultdict(list)
    groups: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)
    for i, f in enumerate(rows):
        for side in ("source", "target"):
            actor = _actor_id(f, side)
            if actor.startswith("p:"):
                persons[actor] = (getattr(f, f"{side}_person"), getattr(f, side))
                acts[actor].append(i)
        u, v = _actor_ends(f)
        groups[(u, v, f.kind, f.status)].append(i)
    nodes = _country_nodes(rows, labels)
    for pid in sorted(persons):
        name, country = persons[pid]
        nodes.append(Node(pid, name, "person", 1, PERSON_COLOR, tuple(acts[pid]),
                          (name, f"acts for {labels[country]} ({country})",
                           plural(len(acts[pid]), "fact")),
                          f"{name} {labels[country]} {country}".lower(), country))
    edges = [Edge("a:" + pid, pid, persons[pid][1], "", ACTS_FOR_COLOR, 1, "", True, 0.0,
                  tuple(acts[pid]), (f"{persons[pid][0]} acts for {labels[persons[pid][1]]}",))
             for pid in sorted(persons)]
    keys = sorted(groups, key=lambda k: (k[0], k[1], k[2], _status_rank(k[3])))
    for (u, v, kind, status), roundness in zip(keys, _parallel([k[:2] for k in keys]),
                                               strict=True):
        ids = tuple(groups[(u, v, kind, status)])
        n = len(ids)
        label = STATUS_MARK.get(status, "") + kind + ("" if n == 1 else f" ×{n}")
        edges.append(Edge(
            f"k:{u}|{v}|{kind}{_suffix(status)}", u, v, label, kind_color(kind),
            n, "to" if kind in DIRECTED_KINDS else "", status == "planned", roundness,
            ids, (f"{kind}: {plural(n, 'fact')}{_status_words(status)}",), kind, status,
            all(rows[i].attribution == "commentary" for i in ids)))
    return nodes, edges


def _facts(rows: list[FactRow], labels: dict[str, str]) -> tuple[list[Node], list[Edge]]:
    nodes = _country_nodes(rows, labels)
    edges = []
    for i, f in enumerate(rows):
        label = STATUS_MARK.get(f.status, "") + f.kind + (f"\n{f.date}" if f.date else "")
        color = {"background": kind_color(f.kind), "border": kind_color(f.kind)}
        words = [f.kind, f.source, f.target, f.source_label, f.target_label,
                 f.source_person or "", f.target_person or "", f.label or ""]
        nodes.append(Node(f"f:{i}", label, "fact", 1, color, (i,), (), " ".join(words).lower()))
        arrows = "to" if f.directed else ""
        faint = f.attribution == "commentary"
        for eid, u, v in ((f"s:{i}", f.source, f"f:{i}"), (f"t:{i}", f"f:{i}", f.target)):
            edges.append(Edge(eid, u, v, "", kind_color(f.kind), 1, arrows,
                              f.status == "planned", 0.0, (i,), (), f.kind, f.status, faint))
    return nodes, edges
