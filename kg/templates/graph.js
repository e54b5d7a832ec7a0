/* kg graph page: builds the network from the JSON block #kg-data.
 * Text from articles is untrusted: it goes into the DOM through textContent only (and
 * vis-network draws labels on a canvas), never parsed as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var facts = data.facts;
  var progress = document.getElementById("kg-progress");
  var state = { ready: false, readyAt: null, data: data };
  window.kgGraph = state;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // Untrusted text, bidi-isolated so that a U+202E in a name cannot reorder what follows.
  function txt(tag, text, cls) {
    var node = el(tag, cls, text);
    node.dir = "auto";
    return node;
  }

  function swatch(color) {
    var box = el("span", "kg-swatch");
    box.style.backgroundColor = color;  // CSSOM, which the CSP allows; colours are ours
    return box;
  }

  // Only http(s) links become links; anything else (javascript:, data:, bare hosts) is text.
  function safeUrl(url) {
    if (typeof url !== "string" || !/^https?:\/\//i.test(url)) return null;
    try {
      var parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function who(fact, side) {
    var person = fact[side + "_person"];
    var label = fact[side + "_label"];
    return person ? person + " (" + label + ")" : label;
  }

  function row(list, key, value) {
    list.appendChild(el("dt", null, key));
    list.appendChild(txt("dd", value));
  }

  function factCard(fact) {
    var kind = data.kinds[fact.kind] || { color: "#999", directed: true };
    var box = el("div", "kg-fact");
    var head = el("div", "kg-fact-head");
    head.appendChild(swatch(kind.color));
    head.appendChild(el("strong", null, fact.kind));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(txt("bdi", who(fact, "source")));
    head.appendChild(document.createTextNode(kind.directed ? " → " : " – "));
    head.appendChild(txt("bdi", who(fact, "target")));
    box.appendChild(head);
    var list = el("dl");
    row(list, "date", fact.date || "unknown");
    row(list, "status", fact.status);
    row(list, "attribution", fact.attribution);
    if (fact.label) row(list, "label", fact.label);
    if (fact.title || fact.doc) row(list, "document", fact.title || fact.doc);
    box.appendChild(list);
    if (fact.evidence) box.appendChild(txt("blockquote", fact.evidence, "kg-evidence"));
    if (fact.url) {
      var source = el("div", "kg-source");
      source.appendChild(el("span", "kg-key", "source: "));
      var href = safeUrl(fact.url);
      if (href) {
        var link = txt("a", fact.url);
        link.href = href;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        source.appendChild(link);
      } else {
        source.appendChild(txt("bdi", fact.url));
      }
      box.appendChild(source);
    }
    return box;
  }

  // A tooltip: the summary lines, then up to `cards` facts.
  function tooltip(lines, ids, cards) {
    var box = el("div");
    lines.forEach(function (line) { box.appendChild(txt("div", line, "kg-line")); });
    ids.slice(0, cards).forEach(function (i) { box.appendChild(factCard(facts[i])); });
    if (cards && ids.length > cards) {
      box.appendChild(el("div", "kg-more", "… and " + (ids.length - cards) +
                         " more: click to list them all"));
    }
    return box;
  }

  var PANEL_LIMIT = 300;

  function showFacts(title, ids) {
    document.getElementById("kg-panel-title").textContent = title;
    document.getElementById("kg-hint").hidden = true;
    var list = document.getElementById("kg-facts");
    list.replaceChildren();
    ids.slice(0, PANEL_LIMIT).forEach(function (i) { list.appendChild(factCard(facts[i])); });
    if (ids.length > PANEL_LIMIT) {
      list.appendChild(el("p", "kg-more", (ids.length - PANEL_LIMIT) + " more not listed"));
    }
  }

  function legend() {
    var box = document.getElementById("kg-legend");
    data.legend.forEach(function (item) {
      var line = el("div", "kg-legend-item");
      line.appendChild(swatch(item.color));
      line.appendChild(el("span", null, item.label));
      box.appendChild(line);
    });
    var notes = {
      countries: "Edge: the facts between two countries (label: how many; colour: " +
                 "their cooperation–conflict balance). Node size: number of partners.",
      actors: "Edge colour and label: the kind of fact; dashed: a person acts for a country." +
              " Node size: number of links.",
      facts: "Each small node is one fact, coloured by kind, between the two countries it " +
             "links. Country size: number of facts."
    };
    box.appendChild(el("p", "kg-hint", notes[data.level] || ""));
  }

  function ready() {
    if (state.ready) return;
    state.ready = true;
    state.readyAt = performance.now();
    progress.hidden = true;
    document.documentElement.setAttribute("data-kg-ready", "1");
  }

  legend();
  if (typeof vis === "undefined") {
    progress.textContent = "The graph library did not load.";
    return;
  }
  var byId = {};
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    byId["n:" + n.id] = n;
    var cards = n.group === "fact" ? 1 : 0;
    return {
      id: n.id, label: n.label, value: n.value, color: n.color,
      size: n.group === "fact" ? 6 : undefined,
      // Heavier countries at the facts level: many fact nodes would pull two hubs together.
      mass: data.level === "facts" && n.group === "country" ? 5 : 1,
      shape: n.group === "person" ? "diamond" : "dot",
      title: tooltip(n.summary, n.facts, cards)
    };
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    byId["e:" + e.id] = e;
    var edge = {
      id: e.id, from: e.from, to: e.to, label: e.label || undefined, value: e.value,
      color: { color: e.color, highlight: e.color, hover: e.color, opacity: 0.9 },
      arrows: e.arrows || "", dashes: e.dashes
    };
    if (e.summary.length) edge.title = tooltip(e.summary, e.facts, 3);
    if (e.roundness) edge.smooth = { enabled: true, type: "curvedCW", roundness: e.roundness };
    return edge;
  }));
  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  state.network = network;
  state.nodes = nodes;
  state.edges = edges;

  network.on("stabilizationProgress", function (p) {
    progress.textContent = "Laying out the graph… " +
      Math.round(100 * p.iterations / Math.max(1, p.total)) + "%";
  });
  function settle() {
    // Physics off once laid out: the same layout every time, nothing drifting.
    network.setOptions({ physics: { enabled: false } });
    network.once("afterDrawing", ready);
    network.redraw();
  }
  network.once("stabilizationIterationsDone", settle);
  if (!data.nodes.length) ready();

  network.on("click", function (params) {
    var item = null;
    if (params.nodes.length) item = byId["n:" + params.nodes[0]];
    else if (params.edges.length) item = byId["e:" + params.edges[0]];
    if (!item || !item.facts.length) return;
    var title = item.summary && item.summary.length ? item.summary[0] : item.label;
    showFacts(title, item.facts);
  });

  var search = document.getElementById("kg-search");
  var found = document.getElementById("kg-found");
  search.addEventListener("input", function () {
    var query = search.value.trim().toLowerCase();
    if (!query) {
      network.unselectAll();
      found.textContent = "";
      return;
    }
    var hits = data.nodes.filter(function (n) { return n.search.indexOf(query) >= 0; })
                         .map(function (n) { return n.id; });
    network.selectNodes(hits, false);
    found.textContent = hits.length === 1 ? "1 found" : hits.length + " found";
    if (hits.length) network.fit({ nodes: hits, animation: false, maxZoomLevel: 1.5 });
  });
}());
