"""The pyvis bridge: kg's graph as a `pyvis.network.Network`, and any such network drawn
through kg's own page.

pyvis users customise a `Network` (`set_options`, `toggle_physics`, `show_buttons`, their
own nodes) and write it with `net.show()`. That last step is what we replace: pyvis's
template loads scripts from CDNs and turns titles into live HTML, and the text in kg's
titles comes from articles. `render` reads the network's nodes, edges and options and
writes kg's page instead: everything inline, a CSP of hashes, the data as escaped JSON,
titles shown as plain text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..fileio import atomic_output
from ..records import DIRECTED_KINDS
from .analysis import FactRow
from .graphview import (
    COMMENTARY_OPACITY,
    DEFAULT_TITLE,
    STATUS_DASHES,
    STATUS_MARK,
    GraphView,
    build_view,
    plural,
)
from .viz import InlineGraph, render_page

if TYPE_CHECKING:  # pyvis is imported when a network is made, not when kg is
    from pyvis.network import Network


def _fact_line(fact: FactRow) -> str:
    arrow = " → " if fact.kind in DIRECTED_KINDS else " – "
    sides = [f"{p} ({c})" if p else c for p, c in ((fact.source_person, fact.source_label),
                                                   (fact.target_person, fact.target_label))]
    return (f"{STATUS_MARK.get(fact.status, '')}{fact.kind}: {sides[0]}{arrow}{sides[1]}, "
            f"{fact.date or 'undated'} ({fact.status}, {fact.attribution})"
            + (f"\n“{fact.evidence}”" if fact.evidence else "")
            + (f"\n{fact.title or fact.doc}" if fact.title or fact.doc else ""))


def _title(lines: Iterable[str], view: GraphView, ids: Iterable[int], cards: int = 3) -> str:
    ids = list(ids)
    parts = list(lines) + [_fact_line(view.facts[i]) for i in ids[-cards:]]
    if len(ids) > cards:
        parts.append(f"… {plural(len(ids) - cards, 'more fact')}")
    return "\n".join(parts)


def to_pyvis(facts: Iterable[FactRow], *, level: str = "countries",
             title: str = DEFAULT_TITLE, show_negated: bool = False,
             **view_options: Any) -> Network:
    """kg's nodes and edges of `facts` at `level` as a `pyvis.network.Network`.

    Titles are plain text (lines joined by newlines), never markup. Styles follow the
    page: planned facts dashed, commentary-only edges faint, negated facts left out
    unless `show_negated` (then dotted and labelled "not …"). Customise the network as in
    pyvis, then write or show it with `kg.views.viz.render(net, ...)`, not `net.show()`.
    Other options as for `build_view`.
    """
    from pyvis.network import Network

    view = build_view(facts, level=level, title=title, **view_options)
    # Directed, so that pyvis keeps parallel edges (it merges them in undirected
    # networks); undirected kinds get no arrow.
    # Physics left at pyvis's defaults: pyvis's barnes_hut() and its like work only once
    # per network, and that call is the user's to make.
    net = Network(height="750px", width="100%", directed=True)
    hidden = set() if show_negated else {"negated"}
    for node in view.nodes:
        if node.group == "fact":
            fact = view.facts[node.facts[0]]
            if fact.status in hidden:
                continue
            net.add_node(node.id, label=node.label, title=_fact_line(fact), color=node.color,
                         shape="dot", size=6)
            continue
        # No `group=`: pyvis then drops the colour, and vis-network's groups restyle nodes.
        net.add_node(node.id, label=node.label, title=_title(node.summary[:2], view, ()),
                     color=node.color, value=node.value,
                     shape="diamond" if node.group == "person" else "dot")
    present = set(net.get_nodes())
    for edge in view.edges:
        if edge.status in hidden or edge.source not in present or edge.target not in present:
            continue
        dashes = STATUS_DASHES.get(edge.status, False) if edge.status else True
        options: dict[str, Any] = {
            "id": edge.id, "title": _title(edge.summary, view, edge.facts if edge.summary
                                           and edge.status else ()),
            "color": {"color": edge.color, "highlight": edge.color, "hover": edge.color,
                      "opacity": COMMENTARY_OPACITY if edge.faint else 0.9},
            "value": edge.value, "arrows": edge.arrows, "dashes": dashes}
        if edge.label:
            options["label"] = edge.label
        if edge.roundness:
            options["smooth"] = {"enabled": True, "type": "curvedCW",
                                 "roundness": edge.roundness}
        net.add_edge(edge.source, edge.target, **options)
    return net


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    """A node or edge as JSON data; a title (pyvis allows HTML there) becomes a string,
    which the page shows as text."""
    data = json.loads(json.dumps(item, default=str))
    if data.get("title") is not None:
        data["title"] = str(data["title"])
    return data


def network_page(net: Network, *, title: str | None = None) -> str:
    """The page of a pyvis network: kg's template, the network's data and options."""
    nodes, edges, heading, _height, _width, options = net.get_network_data()
    options = json.loads(options) if isinstance(options, str) else dict(options)
    title = title or heading or DEFAULT_TITLE
    payload = {"mode": "network", "title": title, "nodes": [_plain(n) for n in nodes],
               "edges": [_plain(e) for e in edges], "options": options}
    summary = (f"pyvis network · {plural(len(nodes), 'node')} · "
               f"{plural(len(edges), 'edge')}")
    return render_page(payload, title=title, summary=summary,
                       filters_line="Filters: none (a pyvis network, drawn as given)")


def render(net: Network, path: str | Path | None = None, *, title: str | None = None,
           height: int = 600) -> InlineGraph:
    """Draw a pyvis network through kg's safe page; write it to `path` (whole or not at
    all) if given. The result shows itself in a notebook cell (a sandboxed iframe)."""
    page = network_page(net, title=title)
    if path is not None:
        with atomic_output(path, "wb") as out:
            out.write(page.encode("utf-8"))
    return InlineGraph(page, height=height)
