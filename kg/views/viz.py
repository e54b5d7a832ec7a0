"""The graph as one self-contained, offline HTML page (vis-network), and inline in notebooks.

Safety: every text that comes from an article (names, titles, sentences, URLs) reaches the
page only as JSON inside `<script type="application/json">`, escaped so that it cannot
close the block, and the page's script puts it into the DOM with `textContent` only. The
heading is escaped by the template. A Content-Security-Policy allows exactly the page's own
inline scripts and styles, by their SHA-256 hashes, so an injected handler could not run
even if some text did become markup. Hashes rather than a nonce: the same facts give the
same bytes, with nothing random to derive.

We render through our own template, not pyvis's: pyvis 0.3.2 loads files from CDNs even
"in_line", leaves the heading and menu ids unescaped and renders titles as HTML. pyvis
users still get their workflow: `to_pyvis` makes a `Network` of kg's graph and `render`
draws any `Network` through this page (`kg.views.vizpyvis`).

The page carries the facts, not a finished picture: its script filters them (kind,
status, attribution, dates), groups them into edges and styles them by status, so that
filters need no new page. `kg.views.graphview` builds the nodes and edges both use.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import KgError
from ..fileio import atomic_output
from ..records import ATTRIBUTIONS, DIRECTED_KINDS, KINDS, STATUSES
from .analysis import KIND_WEIGHTS, STATUS_FACTORS, FactRow
from .graphview import (  # re-exported: kg.views.viz is where notebooks look for them
    ACTS_FOR_COLOR,
    COMMENTARY_OPACITY,
    DEFAULT_SEED,
    DEFAULT_TITLE,
    HIDDEN_BY_DEFAULT,
    KIND_COLORS,
    LEVELS,
    MAX_EDGES,
    MAX_NODES,
    SAMPLE_PER_EDGE,
    STATUS_DASHES,
    STATUS_MARK,
    Edge,
    GraphView,
    Node,
    balance_color,
    build_view,
    describe_filters,
    kind_color,
    known_first,
    plural,
    summary_view,
)

VIS_VERSION = "9.1.9"
LARGE = 150  # nodes: above this, a shorter layout and no edges while dragging or zooming

# The page embeds the evidence sentence of at most this many facts per edge (the most
# recent of each kind and attribution in turn); the others are listed in a compact table
# without it. Evidence is most of a page's weight: a few pairs with thousands of facts
# made pages of megabytes for a dozen nodes.
CARDS_PER_EDGE = 6
# Actors level: above this many persons, persons start folded into their countries
# (shown on demand), or fifty documents make a hairball.
PERSONS_UNFOLDED = 30

# What inline JSON must not contain as such: `<` and `>` could close the script block or
# open a comment in it, `&` is escaped for good measure, and U+2028/2029 end lines in
# older JavaScript. Each becomes its \\u escape, which JSON.parse reads back unchanged.
_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                               "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_json(data: Any) -> str:
    """`data` as JSON that is safe inside `<script type="application/json">`."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.translate(_JSON_ESCAPES)


# --- the page ------------------------------------------------------------------------------


def _vis_options(view: GraphView) -> dict[str, Any]:
    large = len(view.nodes) > LARGE
    # Facts level: two countries share many fact nodes, whose springs pull them together;
    # stronger repulsion keeps them apart.
    repulsion = -15000 if view.level == "facts" else -6000
    return {
        "autoResize": True,
        "layout": {"randomSeed": view.seed, "improvedLayout": not large},
        "physics": {
            "enabled": True, "solver": "barnesHut", "minVelocity": 0.75,
            "barnesHut": {"gravitationalConstant": repulsion, "springLength": 140,
                          "springConstant": 0.04, "damping": 0.3, "avoidOverlap": 0.5},
            # Laid out before it is shown; physics is then switched off (see graph.js),
            # so the layout is the same on every load and nothing drifts.
            "stabilization": {"enabled": True, "iterations": 300 if large else 800,
                              "updateInterval": 25, "fit": True},
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": large,
                        "hideEdgesOnZoom": large, "navigationButtons": False,
                        "keyboard": False},
        "nodes": {"shape": "dot", "borderWidth": 2,
                  # Smaller when many, or a dense graph is all overlapping discs.
                  "scaling": {"min": 8, "max": 40 if len(view.nodes) <= 30 else 24,
                              # Labels grow with the node; those smaller than
                              # drawThreshold pixels at the current zoom are not drawn,
                              # so minor labels appear as one zooms in.
                              "label": {"enabled": True, "min": 11, "max": 26,
                                        "maxVisible": 30, "drawThreshold": 8}},
                  "font": {"size": 14, "face": "system-ui, sans-serif", "color": "#1a1a1a",
                           "strokeWidth": 3, "strokeColor": "#ffffff"}},
        # Edge labels too grow with the edge and hide when small on screen: at the
        # first fit of a busy graph only the main edges are labelled.
        "edges": {"scaling": {"min": 1, "max": 10,
                              "label": {"enabled": True, "min": 9, "max": 15,
                                        "maxVisible": 20, "drawThreshold": 9}},
                  "font": {"size": 11, "align": "middle", "strokeWidth": 3,
                           "strokeColor": "#ffffff", "face": "system-ui, sans-serif"},
                  "smooth": {"enabled": True, "type": "continuous", "roundness": 0.5}},
    }


def _evidence_kept(view: GraphView) -> set[int]:
    """The facts whose evidence the page embeds: a few per edge, the most recent of each
    kind and attribution in turn, so that the cards show the edge's variety."""
    rows = view.facts
    kept: set[int] = set()
    for edge in view.edges:
        if not edge.status:  # a person's link to a country
            continue
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i in sorted(edge.facts, key=lambda i: (rows[i].date or "", i), reverse=True):
            groups[(rows[i].kind, rows[i].attribution)].append(i)
        queues = [groups[k] for k in sorted(groups, key=lambda k: groups[k][0], reverse=True)]
        picked: list[int] = []
        while len(picked) < CARDS_PER_EDGE and any(queues):
            for queue in queues:
                if queue and len(picked) < CARDS_PER_EDGE:
                    picked.append(queue.pop(0))
        kept.update(picked)
    return kept


def _events_payload(view: GraphView, events: Mapping[str, Any] | None) -> dict[str, Any]:
    """Which event each fact reports (`kg.events.records.events_by_fact`), so that the page
    counts events on edges and lists each event once with its reports; {} without events."""
    if not events:
        return {}
    index: dict[str, int] = {}
    listed: list[list[Any]] = []
    of = []
    for f in view.facts:
        event = events.get(f.iri)
        if event is None:
            of.append(-1)
            continue
        if event.iri not in index:
            index[event.iri] = len(listed)
            listed.append([event.id, event.kind, event.date, event.report_count,
                           event.document_count, event.source_count,
                           [[name, [[c.value, len(c.reports)] for c in claims]]
                            for name, claims in event.disagreements]])
        of.append(index[event.iri])
    return {"events": listed, "eventOf": of}


def _payload(view: GraphView, events: Mapping[str, Any] | None = None) -> dict[str, Any]:
    kept = _evidence_kept(view)
    docs: dict[tuple[str | None, str | None, str | None], int] = {}
    facts = []
    # Kinds, statuses and attributions that kg does not define (imported RDF) are listed
    # after kg's own, so the page shows them under their own names instead of failing.
    kinds = known_first([*(f.kind for f in view.facts),
                         *(c[0] for e in view.edges for c in e.counts)], KINDS)
    statuses = known_first((f.status for f in view.facts), STATUSES)
    attributions = known_first((f.attribution for f in view.facts), ATTRIBUTIONS)
    for i, f in enumerate(view.facts):
        doc = docs.setdefault((f.doc, f.title, f.url), len(docs))
        facts.append([kinds.index(f.kind), f.source, f.target, f.source_person,
                      f.target_person, f.date, statuses.index(f.status),
                      attributions.index(f.attribution), f.label, doc,
                      f.evidence if i in kept else None, f.confidence])
    return {
        "mode": "kg", "level": view.level, "title": view.title, "seed": view.seed,
        "total": view.total, "omitted": view.omitted, "filters": list(view.filters),
        # From summaries: edges count what their `counts` say; `facts` is a sample.
        "sampled": view.sampled, "counted": view.counted,
        "kinds": [{"name": k, "color": kind_color(k), "weight": KIND_WEIGHTS.get(k, 0.0),
                   "directed": k in DIRECTED_KINDS or k not in KINDS} for k in kinds],
        "statuses": statuses, "attributions": attributions,
        "statusFactors": {s: STATUS_FACTORS.get(s, 1.0) for s in statuses},
        "hidden": {k: list(v) for k, v in HIDDEN_BY_DEFAULT.items()},
        "styles": {"dashes": STATUS_DASHES, "mark": STATUS_MARK,
                   "faint": COMMENTARY_OPACITY, "actsFor": ACTS_FOR_COLOR},
        "folded": (view.level == "actors"
                   and sum(n.group == "person" for n in view.nodes) > PERSONS_UNFOLDED),
        "legend": [{"label": label, "color": color} for label, color in view.legend],
        "balance": [{"label": f"balance {s:+d}", "color": balance_color(s)}
                    for s in (-8, -4, 0, 4, 8)],
        "labels": {code: label for f in view.facts
                   for code, label in ((f.source, f.source_label), (f.target, f.target_label))},
        "docs": [list(d) for d in docs],
        "facts": facts,
        # Facts whose evidence was left out (not those that have none).
        "cut": [i for i, f in enumerate(view.facts) if f.evidence and i not in kept],
        "nodes": [{"id": n.id, "label": n.label, "group": n.group, "value": n.value,
                   "color": n.color, "facts": list(n.facts), "search": n.search,
                   "country": n.country} for n in view.nodes],
        "edges": [{"id": e.id, "from": e.source, "to": e.target, "kind": e.kind,
                   "status": e.status, "arrows": e.arrows, "facts": list(e.facts),
                   **({"counts": [[kinds.index(k), s, t, n] for k, s, t, n in e.counts]}
                      if view.sampled else {})}
                  for e in view.edges],
        "options": _vis_options(view),
        **_events_payload(view, events),
    }


def _resource(*parts: str) -> str:
    return (resources.files("kg").joinpath(*parts)).read_text(encoding="utf-8")


@functools.cache
def _assets() -> dict[str, str]:
    """The template, the vendored vis-network and our page script and style, read once."""
    assets = {
        "template": _resource("templates", "graph.html"),
        "vis_js": _resource("vendor", "vis-network", "vis-network.min.js"),
        "vis_css": _resource("vendor", "vis-network", "vis-network.min.css"),
        "page_js": _resource("templates", "graph.js"),
        "page_css": _resource("templates", "graph.css"),
    }
    # Inlined as they are: none may end its element early or open a comment in it.
    for name in ("vis_js", "page_js", "vis_css", "page_css"):
        low = assets[name].lower()
        if "</script" in low or "<!--" in low or "</style" in low or "<script" in low:
            raise KgError(f"kg/{name} cannot be inlined: it contains an end tag or '<!--'")
    return assets


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _csp(assets: dict[str, str]) -> str:
    scripts = " ".join(_sha256(assets[k]) for k in ("vis_js", "page_js"))
    styles = " ".join(_sha256(assets[k]) for k in ("vis_css", "page_css"))
    return (f"default-src 'none'; script-src {scripts}; style-src {styles}; "
            "base-uri 'none'; form-action 'none'")


def render_page(payload: dict[str, Any], *, title: str, summary: str, filters_line: str,
                omitted_note: str = "", empty_note: str = "") -> str:
    """One HTML document with everything inline: our template, script and style, the
    vendored vis-network, and `payload` as escaped JSON for the page's script."""
    import jinja2

    assets = _assets()
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    template = env.from_string(assets["template"])
    return template.render(
        title=title, summary=summary, filters_line=filters_line, omitted_note=omitted_note,
        empty_note=empty_note, csp=_csp(assets), version=__version__,
        vis_version=VIS_VERSION, data_json=script_json(payload), vis_js=assets["vis_js"],
        vis_css=assets["vis_css"], page_js=assets["page_js"], page_css=assets["page_css"])


def render_view(view: GraphView, events: Mapping[str, Any] | None = None) -> str:
    """The page of a view; `events` (fact IRI to event) makes edges count events."""
    summary = (f"{view.level} view · {plural(len(view.facts), 'fact')} · "
               f"{plural(len(view.nodes), 'node')} · {plural(len(view.edges), 'edge')}")
    empty = "" if view.facts else "No facts match. " + view.filters_line
    return render_page(_payload(view, events), title=view.title, summary=summary,
                       filters_line=view.filters_line, omitted_note=view.omitted_note,
                       empty_note=empty)


def render_html(facts: Iterable[FactRow], *, level: str = "countries",
                title: str = DEFAULT_TITLE, seed: int = DEFAULT_SEED,
                max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES,
                filters: Mapping[str, Any] | None = None,
                events: Mapping[str, Any] | None = None) -> str:
    """The graph of `facts` as a self-contained HTML page (same facts, same bytes).

    `filters`: how `facts` were selected (the arguments given to `load_facts`), stated
    on the page. `events`: the event of each fact by IRI
    (`kg.events.records.events_by_fact`): edges then count events, and a pair's facts are
    listed event by event, with a timeline of the pair by month.
    """
    return render_view(build_view(facts, level=level, title=title, seed=seed,
                                  max_nodes=max_nodes, max_edges=max_edges, filters=filters),
                       events)


@dataclass(frozen=True)
class VizReport:
    """What `write_html` wrote: where, how big, and what it left out."""

    path: str
    level: str
    facts: int  # facts drawn
    nodes: int
    edges: int
    omitted: int  # facts left out to keep the page usable
    bytes: int
    counted: int | None = None  # facts the edges count, of which `facts` is a sample

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def lines(self) -> list[str]:
        out = [f"Wrote {self.path} ({self.level}: {plural(self.nodes, 'node')}, "
               f"{plural(self.edges, 'edge')}, "
               + (f"{plural(self.facts, 'fact')}" if self.counted is None else
                  f"{plural(self.counted, 'fact')} from the summaries, {self.facts} "
                  "of them as evidence")
               + f"; {self.bytes / 1024:.0f} KB)"]
        if self.omitted:
            out.append(f"{plural(self.omitted, 'fact')} left out to keep the graph usable; "
                       "narrow the selection to see them")
        return out


def write_html(facts: Iterable[FactRow], path: str | os.PathLike[str],
               **options: Any) -> VizReport:
    """Write the page to `path` whole or not at all; options as for `render_html`."""
    events = options.pop("events", None)
    return write_view(build_view(facts, **options), path, events)


def write_view(view: GraphView, path: str | os.PathLike[str],
               events: Mapping[str, Any] | None = None) -> VizReport:
    """Write the page of `view` to `path` whole or not at all."""
    page = render_view(view, events).encode("utf-8")
    with atomic_output(path, "wb") as out:
        out.write(page)
    return VizReport(str(Path(path)), view.level, len(view.facts), len(view.nodes),
                     len(view.edges), view.omitted, len(page), view.counted)


# Filters the summaries cannot apply: they count facts by pair, kind and status only.
FACT_FILTERS = ("since", "until", "min_confidence")


def summary_view_of(store: Any, *, filters: Mapping[str, Any] | None = None,
                    **options: Any) -> GraphView | None:
    """The countries view of `store` from its summary graph (`kg.graph.summaries`): nodes,
    edges and counts of every fact, and a bounded sample of each edge's facts as evidence
    (`kg.views.graphview.summary_view`). None when the summaries cannot give it: a store
    without them, or a filter on dates or confidence, which only the facts can apply
    (`load_facts` then). Options as for `summary_view`."""
    from ..graph.summaries import country_labels, read_summaries
    from .analysis import check_filters, sample_facts

    given = {k: v for k, v in (filters or {}).items() if v}
    if any(given.get(k) for k in FACT_FILTERS):
        return None
    country, pair, kinds = check_filters(given.get("country"), given.get("pair"),
                                         given.get("kinds"))
    rows = read_summaries(store)
    if rows is None:
        return None
    if country:
        rows = [r for r in rows if country in (r.source, r.target)]
    if pair:
        rows = [r for r in rows if {r.source, r.target} == set(pair) and (
            r.source != r.target or pair[0] == pair[1])]
    if kinds:
        rows = [r for r in rows if r.kind in kinds]

    # Each pair's last dates (of each kind), most recent first: its evidence starts there.
    last: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        if r.last_date:
            last[(min(r.source, r.target), max(r.source, r.target))].add(r.last_date)

    def sample(status: str, keys: list[tuple[str, str, str]], limit: int) -> list[FactRow]:
        a, b = sorted(keys[0][:2])
        dates = sorted(last[(a, b)], reverse=True)[:3]
        return sample_facts(store, status, keys, limit=limit, dates=dates)

    return summary_view(rows, country_labels(store), sample, filters=filters, **options)


def view_of_store(store: Any, *, level: str = "countries",
                  filters: Mapping[str, Any] | None = None,
                  **options: Any) -> tuple[GraphView, Mapping[str, Any] | None]:
    """The view of `store` at `level`, and the events of its facts (None when the view is
    counted from summaries: its edges count facts, not events). The countries level reads
    the summaries when it can (`summary_view_of`), the facts otherwise."""
    from ..events.records import events_by_fact
    from .analysis import load_facts

    view = summary_view_of(store, filters=filters, **options) if level == "countries" else None
    if view is not None:
        return view, None
    facts = load_facts(store, **dict(filters or {}))
    # The events of the pairs shown, not of the whole store.
    events = events_by_fact(store, pairs={f.pair for f in facts})
    return build_view(facts, level=level, filters=filters, **options), events


# --- notebooks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class InlineGraph:
    """A page shown in a notebook: a sandboxed iframe whose `srcdoc` holds the page.

    Jupyter displays it through `_repr_html_`, in JupyterLab and the classic Notebook
    alike; the sandbox (scripts, no same origin) keeps the page away from the notebook.
    """

    page: str = field(repr=False)  # a notebook's text view would print the whole page
    height: int = 600

    def iframe(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.page, quote=True)}" '
                'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
                f'width="100%" height="{int(self.height)}" frameborder="0" '
                'title="kg graph"></iframe>')

    def _repr_html_(self) -> str:
        return self.iframe()


def show(facts: Iterable[FactRow], *, height: int = 600, **options: Any) -> InlineGraph:
    """The graph of `facts` for a notebook cell; options as for `render_html`."""
    return InlineGraph(render_html(facts, **options), height=height)



# --- pyvis ---------------------------------------------------------------------------------


def to_pyvis(facts: Iterable[FactRow], **options: Any) -> Any:
    """kg's graph of `facts` as a `pyvis.network.Network` with plain-text titles, to
    customise as in pyvis and draw with `render` (see `kg.views.vizpyvis.to_pyvis`)."""
    from .vizpyvis import to_pyvis as make

    return make(facts, **options)


def render(net: Any, path: str | os.PathLike[str] | None = None, *, title: str | None = None,
           height: int = 600) -> InlineGraph:
    """A pyvis network drawn through kg's safe, offline page (never pyvis's template):
    written to `path` if given, shown inline in a notebook (see `kg.views.vizpyvis.render`)."""
    from .vizpyvis import render as draw

    return draw(net, path, title=title, height=height)


__all__ = [
    "CARDS_PER_EDGE", "DEFAULT_SEED", "DEFAULT_TITLE", "KIND_COLORS", "LEVELS", "MAX_EDGES",
    "MAX_NODES", "SAMPLE_PER_EDGE", "STATUS_DASHES", "STATUS_MARK", "VIS_VERSION", "Edge",
    "GraphView",
    "InlineGraph", "Node", "VizReport", "balance_color", "build_view", "describe_filters",
    "render", "render_html", "render_page", "render_view", "script_json", "show",
    "summary_view", "summary_view_of", "to_pyvis", "view_of_store", "write_html", "write_view",
]
