/* kg graph page: builds the network from the JSON block #kg-data.
 * Text from articles is untrusted: it goes into the DOM through textContent only (and
 * vis-network draws labels on a canvas), never parsed as HTML.
 *
 * Two kinds of data: kg's own facts (mode "kg"), which the page filters, groups into
 * edges and styles by status and attribution itself, so that filters need no new page;
 * and a network made with pyvis (mode "network"), drawn as given, titles as text. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var KG = data.mode === "kg";
  // A countries view from the store's summaries: each edge counts its facts by kind
  // (`counts`), and the page carries only a sample of them as evidence.
  var SAMPLED = KG && !!data.sampled;
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

  function swatch(color, cls) {
    var box = el("span", "kg-swatch" + (cls ? " " + cls : ""));
    box.style.backgroundColor = color;  // CSSOM, which the CSP allows; colours are ours
    return box;
  }

  function byId(id) { return document.getElementById(id); }

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

  function link(url, text) {
    var href = safeUrl(url);
    if (!href) return txt("bdi", text);
    var a = txt("a", text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  function plural(n, word, many) { return n + " " + (n === 1 ? word : many || word + "s"); }

  // --- facts -------------------------------------------------------------------------------

  var kinds = {};
  var facts = [];
  if (KG) {
    data.kinds.forEach(function (k) { kinds[k.name] = k; });
    facts = data.facts.map(function (r, i) {
      var doc = data.docs[r[9]];
      return {
        kind: data.kinds[r[0]].name, source: r[1], target: r[2], source_person: r[3],
        target_person: r[4], date: r[5], status: data.statuses[r[6]],
        attribution: data.attributions[r[7]], label: r[8], doc: doc[0], title: doc[1],
        url: doc[2], evidence: r[10], source_label: data.labels[r[1]] || r[1],
        target_label: data.labels[r[2]] || r[2], cut: false,
        confidence: typeof r[11] === "number" ? r[11] : null,
        event: data.eventOf ? data.eventOf[i] : -1
      };
    });
    data.cut.forEach(function (i) { facts[i].cut = true; });
    data.edges.forEach(function (e) {
      e.counts = (e.counts || []).map(function (c) {
        return { kind: data.kinds[c[0]].name, source: c[1], target: c[2], n: c[3] };
      });
    });
  }
  state.facts = facts;

  // Events (kg.events): facts of many documents that report one happening. A fact the
  // page knows no event of counts as an event of its own.
  function eventKey(i) { return facts[i].event >= 0 ? "e" + facts[i].event : "f" + i; }

  // One fact per event: the first of each, in the order given.
  function distinct(ids) {
    var seen = {};
    return ids.filter(function (i) {
      var key = eventKey(i);
      if (seen[key]) return false;
      seen[key] = true;
      return true;
    });
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
    var kind = kinds[fact.kind] || { color: "#999", directed: true };
    var box = el("div", "kg-fact kg-" + fact.status + " kg-" + fact.attribution);
    var head = el("div", "kg-fact-head");
    head.appendChild(swatch(kind.color));
    head.appendChild(el("strong", null, data.styles.mark[fact.status] + fact.kind));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(txt("bdi", who(fact, "source")));
    head.appendChild(document.createTextNode(kind.directed ? " → " : " – "));
    head.appendChild(txt("bdi", who(fact, "target")));
    box.appendChild(head);
    var list = el("dl");
    row(list, "date", fact.date || "unknown");
    row(list, "status", fact.status);
    row(list, "attribution", fact.attribution);
    if (fact.confidence !== null) row(list, "confidence", fact.confidence.toFixed(2));
    if (fact.label) row(list, "label", fact.label);
    if (fact.title || fact.doc) row(list, "document", fact.title || fact.doc);
    box.appendChild(list);
    if (fact.evidence) box.appendChild(txt("blockquote", fact.evidence, "kg-evidence"));
    if (fact.url) {
      var source = el("div", "kg-source");
      source.appendChild(el("span", "kg-key", "source: "));
      source.appendChild(link(fact.url, fact.url));
      box.appendChild(source);
    }
    return box;
  }

  // Facts whose evidence the page does not carry, as one compact table.
  function factTable(ids) {
    var table = el("table", "kg-table");
    var head = el("tr");
    ["date", "kind", "sides", "status", "attribution", "document"].forEach(function (h) {
      head.appendChild(el("th", null, h));
    });
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    ids.forEach(function (i) {
      var f = facts[i];
      var tr = el("tr", "kg-" + f.status + " kg-" + f.attribution);
      tr.appendChild(el("td", null, f.date || ""));
      tr.appendChild(el("td", null, f.kind));
      tr.appendChild(txt("td", who(f, "source") + (kinds[f.kind].directed ? " → " : " – ") +
                               who(f, "target")));
      tr.appendChild(el("td", null, f.status));
      tr.appendChild(el("td", null, f.attribution));
      var doc = el("td");
      doc.appendChild(f.url ? link(f.url, f.title || f.doc || f.url)
                            : txt("bdi", f.title || f.doc || ""));
      tr.appendChild(doc);
      body.appendChild(tr);
    });
    return table;
  }

  // Filled on first hover (see below): building every tooltip up front would cost
  // seconds on large pages.
  function lazyTitle(fill) {
    var box = el("div");
    box.kgFill = fill;
    return box;
  }

  function fillTitle(item) {
    var box = item && item.title;
    if (box && box.kgFill) {
      box.kgFill(box);
      box.kgFill = null;
    }
  }

  function tooltip(box, lines, ids, cards) {
    lines.forEach(function (line) { box.appendChild(txt("div", line, "kg-line")); });
    var shown = ids.filter(function (i) { return facts[i].evidence; }).slice(-cards);
    shown.forEach(function (i) { box.appendChild(factCard(facts[i])); });
    if (cards && ids.length > shown.length) {
      box.appendChild(el("div", "kg-more", "… " + plural(ids.length - shown.length,
                         "more fact") + ": click to list them all"));
    }
  }

  var PANEL_CARDS = 60;
  var PANEL_ROWS = 2000;

  function showFacts(title, ids, count) {
    byId("kg-panel-title").textContent = title;
    byId("kg-hint").hidden = true;
    var list = byId("kg-facts");
    list.replaceChildren();
    if (SAMPLED && count > ids.length) {
      list.appendChild(el("p", "kg-hint kg-sample-note", "Showing " + ids.length + " of " +
        plural(count, "fact") + ": a sample of the evidence (kg query, or kg viz --pair, " +
        "lists them all)."));
    }
    // The most recent facts whose evidence the page carries, as cards; then every fact
    // as a row of a compact table.
    var cards = ids.filter(function (i) { return facts[i].evidence; }).slice(-PANEL_CARDS)
                   .reverse();
    eventBoxes(list, cards, ids);
    var rest = ids.filter(function (i) { return cards.indexOf(i) < 0; });
    if (rest.length) {
      var cut = rest.filter(function (i) { return facts[i].cut; }).length;
      list.appendChild(el("p", "kg-hint", plural(rest.length, "more fact") +
        (cut ? " (the page keeps the evidence of the most recent few per edge, kind and " +
               "attribution; kg query gives the rest)" : "")));
      list.appendChild(factTable(rest.slice(0, PANEL_ROWS)));
      if (rest.length > PANEL_ROWS) {
        list.appendChild(el("p", "kg-more", (rest.length - PANEL_ROWS) + " more not listed"));
      }
    }
  }

  // Cards event by event: each event once, its counts and disagreements, its reports inside.
  function eventBoxes(list, cards, ids) {
    if (!data.events) {
      cards.forEach(function (i) { list.appendChild(factCard(facts[i])); });
      return;
    }
    var boxes = {};
    cards.forEach(function (i) {
      var e = facts[i].event;
      if (e < 0) { list.appendChild(factCard(facts[i])); return; }
      if (!boxes[e]) {
        var info = data.events[e];
        var box = boxes[e] = el("div", "kg-event");
        box.appendChild(el("div", "kg-event-head", "event: " + info[1] + " " + (info[2] || "(no date)") +
          " · " + plural(info[3], "report") + " in " + plural(info[4], "document") + " · " +
          plural(info[5], "source")));
        info[6].forEach(function (d) {
          box.appendChild(txt("div", "reports disagree on " + d[0] + ": " + d[1].map(function (c) {
            return c[0] + " (" + plural(c[1], "report") + ")";
          }).join(" · "), "kg-disagree"));
        });
        list.appendChild(box);
      }
      boxes[e].appendChild(factCard(facts[i]));
    });
    pairTimeline(list, ids);
  }

  // The pair's events by month (when every fact listed is between the same two countries):
  // events shown, the month's balance and the running one.
  function pairTimeline(list, ids) {
    if (!ids.length) return;
    var a = facts[ids[0]].source, b = facts[ids[0]].target;
    var same = ids.every(function (i) {
      var f = facts[i];
      return (f.source === a && f.target === b) || (f.source === b && f.target === a);
    });
    if (!same) return;
    var all = [];
    facts.forEach(function (f, i) {
      if (visible[i] && ((f.source === a && f.target === b) || (f.source === b && f.target === a))) {
        all.push(i);
      }
    });
    var months = {}, order = [];
    distinct(all).forEach(function (i) {
      var m = facts[i].date ? facts[i].date.slice(0, 7) : "undated";
      if (!months[m]) { months[m] = []; order.push(m); }
      months[m].push(i);
    });
    order.sort(function (x, y) { return x === "undated" ? 1 : y === "undated" ? -1 : x < y ? -1 : x > y ? 1 : 0; });
    var box = el("div", "kg-timeline");
    box.appendChild(el("h3", null, "Timeline: " + (data.labels[a] || a) + " – " + (data.labels[b] || b)));
    var table = el("table", "kg-table");
    var head = el("tr");
    ["month", "events", "kinds", "score", "balance"].forEach(function (h) { head.appendChild(el("th", null, h)); });
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody")), seen = [];
    order.forEach(function (m) {
      seen = seen.concat(months[m]);
      var by = {};
      months[m].forEach(function (i) { by[facts[i].kind] = (by[facts[i].kind] || 0) + 1; });
      var tr = el("tr");
      tr.appendChild(el("td", null, m));
      tr.appendChild(el("td", null, String(months[m].length)));
      tr.appendChild(el("td", null, Object.keys(by).sort().map(function (k) { return k + " " + by[k]; }).join(", ")));
      tr.appendChild(el("td", null, score(months[m]).toFixed(1)));
      tr.appendChild(el("td", null, score(seen).toFixed(1)));
      body.appendChild(tr);
    });
    box.appendChild(table);
    list.appendChild(box);
  }

  // --- filters -----------------------------------------------------------------------------

  var filter = {};
  var visible = [];
  var DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

  function resetFilter() {
    filter = { kinds: {}, status: {}, attribution: {}, since: "", until: "", confidence: 0 };
    if (!KG) return;
    data.kinds.forEach(function (k) { filter.kinds[k.name] = true; });
    data.statuses.forEach(function (s) {
      filter.status[s] = data.hidden.status.indexOf(s) < 0;
    });
    data.attributions.forEach(function (a) {
      filter.attribution[a] = data.hidden.attribution.indexOf(a) < 0;
    });
  }

  // As `load_facts` reads them: a date compares at its own precision, so "2025" is in
  // any range that touches 2025; undated facts drop out once a bound is set.
  function pad(bound, fill) {
    while (bound.length < 10) bound += "-" + fill;
    return bound;
  }

  function passes(f) {
    if (!filter.kinds[f.kind] || !filter.status[f.status] ||
        !filter.attribution[f.attribution]) return false;
    // Unrated facts (written before kg rated facts) drop out once a minimum is set.
    if (filter.confidence > 0 && (f.confidence === null || f.confidence < filter.confidence))
      return false;
    if (!filter.since && !filter.until) return true;
    if (!f.date) return false;
    var n = f.date.length;
    if (filter.since && f.date < pad(filter.since, "00").slice(0, n)) return false;
    if (filter.until && f.date > pad(filter.until, "99").slice(0, n)) return false;
    return true;
  }

  var STATUS_WORDS = { occurred: "occurred", planned: "planned", negated: "did not happen" };

  // The page's own filters, in words.
  function filterWords() {
    var words = [];
    data.statuses.forEach(function (s) {
      if (!filter.status[s]) words.push(s + " facts hidden");
    });
    data.attributions.forEach(function (a) {
      if (!filter.attribution[a]) words.push(a + " facts hidden");
    });
    var off = data.kinds.filter(function (k) { return !filter.kinds[k.name]; })
                        .map(function (k) { return k.name; });
    if (off.length > data.kinds.length / 2) {
      var on = data.kinds.filter(function (k) { return filter.kinds[k.name]; })
                         .map(function (k) { return k.name; });
      words.push(on.length ? "only " + on.join(", ") : "no kind");
    } else if (off.length) {
      words.push("without " + off.join(", "));
    }
    if (filter.since) words.push("since " + filter.since);
    if (filter.until) words.push("until " + filter.until);
    if (filter.confidence > 0) words.push("confidence at least " + filter.confidence.toFixed(2));
    return words;
  }

  // --- edges and nodes from the facts shown ------------------------------------------------

  var personCountry = {};
  var folded = {};
  var personsOf = {};
  var dataNodes = {};
  data.nodes.forEach(function (n) { dataNodes[n.id] = n; });
  if (KG) {
    data.nodes.forEach(function (n) {
      if (n.group !== "person") return;
      personCountry[n.id] = n.country;
      (personsOf[n.country] = personsOf[n.country] || []).push(n.id);
      if (data.folded) folded[n.country] = true;
    });
  }

  function score(ids) {
    var total = 0, counted = 0;
    ids.forEach(function (i) {
      var f = facts[i], factor = data.statusFactors[f.status];
      total += kinds[f.kind].weight * factor;
      counted += factor;
    });
    return counted ? Math.round(1000 * total / counted) / 1000 : 0;
  }

  function balanceColor(s) {
    var t = Math.max(-1, Math.min(1, s / 8));
    var end = t >= 0 ? [46, 125, 50] : [198, 40, 40];
    return "#" + [158, 158, 158].map(function (g, i) {
      var c = Math.round(g + (end[i] - g) * Math.abs(t));
      return (c < 16 ? "0" : "") + c.toString(16);
    }).join("");
  }

  function endOf(id) {
    var country = personCountry[id];
    return country && folded[country] ? country : id;
  }

  function unfolded(id) { return personsOf[id] && !folded[id]; }

  function merged(from, to) {
    return data.level === "actors" && !personCountry[from] && !personCountry[to] &&
           (folded[from] || folded[to]) && !unfolded(from) && !unfolded(to);
  }

  // Edges that count facts (countries view, folded countries) rather than show a kind.
  function counting(g) { return data.level === "countries" || !g.kind; }

  function suffix(status) { return status === "occurred" ? "" : "~" + status; }

  // Edges of the facts shown: the page's edges, with persons folded into their
  // countries where asked, counting only the facts that pass the filters.
  function groupEdges() {
    var groups = {}, order = [];
    data.edges.forEach(function (e) {
      if (!e.status) return;  // a person's link to a country: see personLinks
      var ids = e.facts.filter(function (i) { return visible[i]; });
      var counts = e.counts.filter(function (c) {
        return filter.kinds[c.kind] && filter.status[e.status];
      });
      if (SAMPLED ? !counts.length : !ids.length) return;
      var from = endOf(e.from), to = endOf(e.to), id = e.id, kind = e.kind, arrows = e.arrows;
      if (from === to) return;
      if (merged(from, to)) {
        // Two folded countries: one edge per pair and status, as in the countries view.
        if (to < from) { var swap = from; from = to; to = swap; }
        id = "c:" + from + "-" + to + suffix(e.status);
        kind = "";
        arrows = "";
      } else if (from !== e.from || to !== e.to) {
        if (!kinds[e.kind].directed && to < from) { var t = from; from = to; to = t; }
        id = "k:" + from + "|" + to + "|" + e.kind + suffix(e.status);
      }
      var g = groups[id];
      if (!g) {
        g = groups[id] = { id: id, from: from, to: to, kind: kind, status: e.status,
                           arrows: arrows, facts: [], counts: [] };
        order.push(g);
      }
      g.facts = g.facts.concat(ids);
      g.counts = g.counts.concat(counts);
    });
    order.forEach(function (g) { g.facts.sort(function (a, b) { return a - b; }); });
    return order;
  }

  // How many facts (or events) an edge counts: from its counts when sampled.
  function edgeCount(g) {
    if (!SAMPLED) return distinct(g.facts).length;
    return g.counts.reduce(function (sum, c) { return sum + c.n; }, 0);
  }

  // score() of the facts an edge counts, from its counts when sampled.
  function edgeScore(g) {
    if (!SAMPLED) return score(distinct(g.facts));
    var factor = data.statusFactors[g.status], total = 0, counted = 0;
    g.counts.forEach(function (c) {
      total += kinds[c.kind].weight * factor * c.n;
      counted += factor * c.n;
    });
    return counted ? Math.round(1000 * total / counted) / 1000 : 0;
  }

  function edgeLabel(g) {
    var n = edgeCount(g);
    if (counting(g)) return g.status === "occurred" ? String(n) : n + " " + g.status;
    if (data.level === "actors") return data.styles.mark[g.status] + g.kind + (n > 1 ? " ×" + n : "");
    return undefined;
  }

  function edgeLines(g) {
    var one = distinct(g.facts), n = one.length, words = g.status === "occurred" ? "" :
      " (" + STATUS_WORDS[g.status] + ")";
    var what = data.events ? plural(n, "event") + " (" + plural(g.facts.length, "fact") + ")"
                           : plural(n, "fact");
    if (!counting(g)) return [g.kind + ": " + what + words];
    var a = g.from, b = g.to, ab = 0, ba = 0, mutual = 0, coop = 0, conflict = 0, by = {};
    var tally = function (kind, source, n) {
      var k = kinds[kind];
      if (!k.directed) mutual += n; else if (source === a) ab += n; else ba += n;
      if (k.weight > 0) coop += n; else if (k.weight < 0) conflict += n;
      by[kind] = (by[kind] || 0) + n;
    };
    if (SAMPLED) {
      n = edgeCount(g);
      what = plural(n, "fact");
      g.counts.forEach(function (c) { tally(c.kind, c.source, c.n); });
    } else {
      one.forEach(function (i) { tally(facts[i].kind, facts[i].source, 1); });
    }
    var s = edgeScore(g);
    return [(data.labels[a] || a) + " – " + (data.labels[b] || b) + ": " + what + words,
            a + " → " + b + ": " + ab + " · " + b + " → " + a + ": " + ba + " · together: " + mutual,
            "balance " + (s >= 0 ? "+" : "") + s.toFixed(1) + " (" + coop + " cooperative, " +
            conflict + " conflictual)",
            data.kinds.filter(function (k) { return by[k.name]; })
                      .map(function (k) { return k.name + " " + by[k.name]; }).join(", ")];
  }

  function visEdge(g, rank) {
    // Summaries do not count attributions: a sampled edge is never drawn faint.
    var allCommentary = !SAMPLED &&
      g.facts.every(function (i) { return facts[i].attribution === "commentary"; });
    var color = counting(g) ? balanceColor(edgeScore(g)) : kinds[g.kind].color;
    var opacity = allCommentary ? data.styles.faint : 0.9;
    var edge = {
      id: g.id, from: g.from, to: g.to, label: edgeLabel(g),
      value: data.level === "facts" ? 1 : edgeCount(g),
      color: { color: color, highlight: color, hover: color, opacity: opacity },
      font: { color: allCommentary ? "#757575" : "#343434" },
      arrows: g.arrows || "", dashes: data.styles.dashes[g.status],
      kgFacts: g.facts, kgStatus: g.status, kgKind: g.kind, kgFaint: allCommentary,
      kgCounts: g.counts, kgCount: edgeCount(g)
    };
    if (data.level !== "facts") {
      edge.title = lazyTitle(function (box) { tooltip(box, edgeLines(g), g.facts, 3); });
    }
    if (rank) {
      edge.smooth = { enabled: true, type: rank % 2 ? "curvedCW" : "curvedCCW",
                      roundness: 0.2 * Math.ceil(rank / 2) };
    }
    return edge;
  }

  function personLinks(shownNodes) {
    return data.edges.filter(function (e) {
      return !e.status && shownNodes[e.from] && shownNodes[e.to];
    }).map(function (e) {
      var c = data.styles.actsFor;
      return { id: e.id, from: e.from, to: e.to, dashes: true, value: 1,
               color: { color: c, highlight: c, hover: c, opacity: 0.9 }, kgFacts: [],
               title: lazyTitle(function (box) {
                 box.appendChild(txt("div", dataNodes[e.from].label + " acts for " +
                                     (data.labels[e.to] || e.to), "kg-line"));
               }) };
    });
  }

  function nodeLines(n, ids, partners, count) {
    if (n.group === "person") {
      return [n.label, "acts for " + (data.labels[n.country] || n.country) + " (" + n.country + ")",
              plural(ids.length, "fact")];
    }
    var lines = [n.label + " (" + n.id + ")",
                 plural(SAMPLED ? count : ids.length, "fact") + " with " +
                 plural(partners, "country", "countries"),
                 "Click to list its facts."];
    if (personsOf[n.id]) {
      lines.push("Double-click to " + (folded[n.id] ? "show" : "hide") + " its " +
                 plural(personsOf[n.id].length, "person") + ".");
    }
    return lines;
  }

  // --- the network -------------------------------------------------------------------------

  var nodes = new vis.DataSet();
  var edges = new vis.DataSet();
  state.nodes = nodes;
  state.edges = edges;
  var network = null;

  function positioned(id) {
    return nodes.get(id) !== null ? network.getPosition(id) : null;
  }

  // Where a node shown after the layout goes (physics is off by then): a person on a
  // ring round its country, a fact between its two countries, a country near a partner.
  function place(n, partners) {
    if (n.group === "person") {
      var ring = personsOf[n.country], at = positioned(n.country) || { x: 0, y: 0 };
      var k = ring.indexOf(n.id), r = 70 + 6 * ring.length, a = 2 * Math.PI * k / ring.length;
      return { x: at.x + r * Math.cos(a), y: at.y + r * Math.sin(a) };
    }
    if (n.group === "fact") {
      var f = facts[n.facts[0]], s = positioned(f.source), t = positioned(f.target);
      if (s && t) {
        var shift = 14 * (n.facts[0] % 9 - 4);
        return { x: (s.x + t.x) / 2 - shift * (t.y - s.y) / 400,
                 y: (s.y + t.y) / 2 + shift * (t.x - s.x) / 400 };
      }
    }
    var near = Object.keys(partners || {}).map(positioned).filter(Boolean)[0];
    return near ? { x: near.x + 120, y: near.y - 80 } : null;
  }

  function refresh() {
    visible = facts.map(passes);
    var groups = groupEdges();
    var shown = {}, partners = {}, rank = {}, counted = {};
    var newEdges = groups.map(function (g) {
      shown[g.from] = shown[g.to] = true;
      if (SAMPLED) {
        counted[g.from] = (counted[g.from] || 0) + edgeCount(g);
        counted[g.to] = (counted[g.to] || 0) + edgeCount(g);
      }
      (partners[g.from] = partners[g.from] || {})[g.to] = true;
      (partners[g.to] = partners[g.to] || {})[g.from] = true;
      var pair = g.from < g.to ? g.from + "\u0000" + g.to : g.to + "\u0000" + g.from;
      rank[pair] = (rank[pair] || 0) + 1;
      return visEdge(g, rank[pair] - 1);
    });
    // A person shown brings the country it acts for, even one with no fact of its own.
    Object.keys(shown).forEach(function (id) {
      if (personCountry[id]) shown[personCountry[id]] = true;
    });
    newEdges = newEdges.concat(personLinks(shown));
    var updates = [];
    data.nodes.forEach(function (n) {
      var on = !!shown[n.id];
      var present = nodes.get(n.id) !== null;
      if (!on && !present) return;
      var ids = n.facts.filter(function (i) { return visible[i]; });
      var count = Object.keys(partners[n.id] || {}).length;
      var node = { id: n.id, hidden: !on };
      if (!present) {
        node.label = n.label;
        node.color = n.color;
        node.shape = n.group === "person" ? "diamond" : "dot";
        if (n.group === "fact") node.size = 6;
        // Heavier countries at the facts level: many fact nodes would pull two hubs together.
        node.mass = data.level === "facts" && n.group === "country" ? 5 : 1;
        var at = network ? place(n, partners[n.id]) : null;
        if (at) {
          node.x = at.x;
          node.y = at.y;
        }
      }
      if (n.group !== "fact") {
        node.value = Math.max(1, count);
        node.title = lazyTitle(function (box) {
          tooltip(box, nodeLines(n, ids, count, counted[n.id] || 0), ids, 0);
        });
      } else {
        node.title = lazyTitle(function (box) { tooltip(box, [], ids, 1); });
      }
      node.kgFacts = ids;
      node.kgCount = SAMPLED ? counted[n.id] || 0 : ids.length;
      updates.push(node);
    });
    nodes.update(updates);
    var keep = {};
    newEdges.forEach(function (e) { keep[e.id] = true; });
    edges.remove(edges.getIds().filter(function (id) { return !keep[id]; }));
    edges.update(newEdges);
    report(groups);
  }

  function report(groups) {
    var n = visible.filter(Boolean).length;
    var words = filterWords();
    var line = n === facts.length ? "Showing all " + plural(n, "fact")
                                  : "Showing " + n + " of " + plural(facts.length, "fact");
    if (SAMPLED) {
      var all = groups.reduce(function (sum, g) { return sum + edgeCount(g); }, 0);
      line = "Edges count " + plural(all, "fact") + " (from the store's summaries); " +
             "showing " + n + " of " + plural(all, "fact") + " as evidence, a sample";
      state.counted = all;
      if (all && !n) n = all;  // the counts are what the page shows
    }
    if (words.length) line += " · on this page: " + words.join("; ");
    byId("kg-shown").textContent = line;
    var empty = byId("kg-empty");
    if (facts.length && !n) {
      var all = words.concat(data.filters);
      empty.textContent = "No facts match these filters: " + all.join("; ") + ".";
    } else if (!facts.length) {
      empty.textContent = "No facts match. " + byId("kg-filters").textContent;
    }
    empty.hidden = n > 0;
    state.shown = n;
  }

  // --- controls ----------------------------------------------------------------------------

  function checkbox(parent, label, checked, onChange, extra) {
    var wrap = el("label", "kg-check");
    var box = el("input");
    box.type = "checkbox";
    box.checked = checked;
    box.addEventListener("change", function () { onChange(box.checked); });
    wrap.appendChild(box);
    if (extra) wrap.appendChild(extra);
    wrap.appendChild(el("span", null, label));
    parent.appendChild(wrap);
    return box;
  }

  var boxes = [];
  function controls() {
    byId("kg-controls").hidden = false;
    var count = function (key, value) {
      if (SAMPLED && key === "status") {
        return data.edges.filter(function (e) { return e.status === value; })
          .reduce(function (sum, e) {
            return sum + e.counts.reduce(function (m, c) { return m + c.n; }, 0);
          }, 0);
      }
      return facts.filter(function (f) { return f[key] === value; }).length;
    };
    if (SAMPLED) {
      // Summaries count facts by kind and status only: the other filters need the facts.
      byId("kg-filter-attribution").hidden = true;
      document.querySelector(".kg-dates").hidden = true;
      document.querySelector(".kg-confidence").hidden = true;
      byId("kg-reset").before(el("p", "kg-hint", "Counted from the store's summaries: to " +
        "filter by date or confidence, run kg viz with --since, --until or --min-confidence."));
    }
    var status = byId("kg-filter-status");
    status.appendChild(el("span", "kg-key", "status "));
    data.statuses.forEach(function (s) {
      boxes.push([checkbox(status, STATUS_WORDS[s] + " (" + count("status", s) + ")",
                           filter.status[s], function (on) { filter.status[s] = on; refresh(); },
                           el("span", "kg-line-sample kg-sample-" + s)),
                  "status", s]);
    });
    var attribution = byId("kg-filter-attribution");
    attribution.appendChild(el("span", "kg-key", "attribution "));
    data.attributions.forEach(function (a) {
      boxes.push([checkbox(attribution, a + " (" + count("attribution", a) + ")",
                           filter.attribution[a],
                           function (on) { filter.attribution[a] = on; refresh(); },
                           el("span", "kg-line-sample kg-sample-" + a)),
                  "attribution", a]);
    });
    ["since", "until"].forEach(function (which) {
      var input = byId("kg-" + which);
      input.addEventListener("input", function () {
        var value = input.value.trim();
        var ok = !value || DATE.test(value);
        input.setAttribute("aria-invalid", ok ? "false" : "true");
        if (ok) { filter[which] = value; refresh(); }
      });
    });
    var slider = byId("kg-confidence");
    function showConfidence() {
      byId("kg-confidence-value").textContent = Number(slider.value).toFixed(2);
    }
    slider.addEventListener("input", function () {
      filter.confidence = Number(slider.value);
      showConfidence();
      refresh();
    });
    if (data.level === "actors" && Object.keys(personsOf).length) {
      var persons = byId("kg-persons");
      persons.hidden = false;
      state.personsBox = checkbox(persons, "show persons (" + Object.keys(personCountry).length +
                                  "); double-click a country for its own", !data.folded,
                                  function (on) {
                                    Object.keys(personsOf).forEach(function (c) { folded[c] = !on; });
                                    refresh();
                                  });
    }
    byId("kg-reset").addEventListener("click", function () {
      resetFilter();
      boxes.forEach(function (b) { b[0].checked = filter[b[1]][b[2]]; });
      byId("kg-since").value = byId("kg-until").value = "";
      slider.value = "0";
      showConfidence();
      refresh();
    });
  }

  function lineSample(parent, cls, text) {
    var line = el("div", "kg-legend-item");
    line.appendChild(el("span", "kg-line-sample " + cls));
    line.appendChild(el("span", null, text));
    parent.appendChild(line);
  }

  function legend() {
    var box = byId("kg-legend");
    if (!KG) {
      box.appendChild(el("p", "kg-hint", "A network made with pyvis, drawn by kg's page: " +
                         "titles are shown as plain text."));
      return;
    }
    var shapes = el("div", "kg-legend-group");
    [["kg-shape-dot", "country (size: partners shown)"],
     ["kg-shape-diamond", "person (actors view)"],
     ["kg-shape-small", "one fact (facts view)"]].forEach(function (s) {
      if (s[0] === "kg-shape-diamond" && data.level !== "actors") return;
      if (s[0] === "kg-shape-small" && data.level !== "facts") return;
      var line = el("div", "kg-legend-item");
      line.appendChild(el("span", "kg-shape " + s[0]));
      line.appendChild(el("span", null, s[1]));
      shapes.appendChild(line);
    });
    box.appendChild(shapes);
    var lines = el("div", "kg-legend-group");
    lineSample(lines, "kg-sample-occurred", "solid: it happened (reported)");
    lineSample(lines, "kg-sample-planned", "dashed: planned, announced or invited");
    lineSample(lines, "kg-sample-commentary", "faint: only commentary (the author's view)");
    lineSample(lines, "kg-sample-negated", "dotted, \"not …\": reported as not happening; " +
               "hidden unless ticked under Filters");
    if (data.level === "actors") lineSample(lines, "kg-sample-acts", "grey dashed: a person acts for a country");
    box.appendChild(lines);
    var colours = el("div", "kg-legend-group");
    if (data.level !== "facts") {
      colours.appendChild(el("div", "kg-key", data.level === "countries" ?
        "edge colour: balance of the facts shown" :
        "between folded countries, edge colour: balance of the facts shown"));
      data.balance.forEach(function (item) {
        var line = el("div", "kg-legend-item");
        line.appendChild(swatch(item.color));
        line.appendChild(el("span", null, item.label));
        colours.appendChild(line);
      });
    }
    colours.appendChild(el("div", "kg-key", data.level === "countries" ?
      "kinds (tick to show; weight from −10 conflict to +10 cooperation)" :
      "edge colour: kind (tick to show; weight from −10 conflict to +10 cooperation)"));
    data.kinds.forEach(function (k) {
      var n = SAMPLED ? data.edges.reduce(function (sum, e) {
        return sum + e.counts.reduce(function (m, c) { return m + (c.kind === k.name ? c.n : 0); }, 0);
      }, 0) : facts.filter(function (f) { return f.kind === k.name; }).length;
      if (!n) return;
      boxes.push([checkbox(colours, k.name + " (" + (k.weight > 0 ? "+" : "") + k.weight +
                           ") · " + n, filter.kinds[k.name],
                           function (on) { filter.kinds[k.name] = on; refresh(); },
                           data.level === "countries" ? null : swatch(k.color)),
                  "kinds", k.name]);
    });
    box.appendChild(colours);
    var notes = {
      countries: data.events
        ? "Edge label: how many events (the facts of many documents that report one happening " +
          "count once). Edge width and colour count only the events shown."
        : "Edge label: how many facts. Edge width and colour count only the facts shown.",
      actors: "Edge label: the kind (and how many). Persons fold into their country when " +
              "there are many, and edges between folded countries count their facts as in " +
              "the countries view: tick \"show persons\" or double-click a country.",
      facts: "Each small node is one fact, coloured by kind, between the two countries it links."
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

  // --- pyvis networks, drawn as given ------------------------------------------------------

  // A title becomes an element holding its text: never markup, whatever it holds.
  function plainTitle(item) {
    var copy = {};
    Object.keys(item).forEach(function (k) { copy[k] = item[k]; });
    if (copy.title !== undefined && copy.title !== null) {
      copy.title = txt("div", String(copy.title), "kg-plain");
    }
    return copy;
  }

  if (typeof vis === "undefined") {
    progress.textContent = "The graph library did not load.";
    return;
  }
  resetFilter();
  legend();
  var options = data.options;
  var container = byId("kg-network");
  if (KG) {
    controls();
    refresh();
  } else {
    nodes.add(data.nodes.map(plainTitle));
    edges.add(data.edges.map(plainTitle));
    if (options.configure && options.configure.enabled !== false) {
      var panel = byId("kg-panel").appendChild(el("div", "kg-configure"));
      options.configure.container = panel;
    }
  }
  network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  state.network = network;

  network.on("hoverNode", function (p) { fillTitle(nodes.get(p.node)); });
  network.on("hoverEdge", function (p) { fillTitle(edges.get(p.edge)); });
  network.on("stabilizationProgress", function (p) {
    progress.textContent = "Laying out the graph… " +
      Math.round(100 * p.iterations / Math.max(1, p.total)) + "%";
  });
  var physics = options.physics || {};
  var stabilizing = physics.enabled !== false && physics.stabilization !== false &&
                    !(physics.stabilization && physics.stabilization.enabled === false);
  if (KG) {
    network.once("stabilizationIterationsDone", function () {
      // Physics off once laid out: the same layout every time, nothing drifting.
      network.setOptions({ physics: { enabled: false } });
      network.once("afterDrawing", ready);
      network.redraw();
    });
  } else if (stabilizing) {
    network.once("stabilizationIterationsDone", function () {
      network.once("afterDrawing", ready);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", ready);
  }
  if (!nodes.length) ready();

  function itemOf(params) {
    if (params.nodes.length) return [nodes.get(params.nodes[0]), true];
    if (params.edges.length) return [edges.get(params.edges[0]), false];
    return [null, false];
  }

  function listItem(item, isNode) {
    if (!KG || !item || !item.kgFacts) return;
    if (!item.kgFacts.length && !(SAMPLED && item.kgCount)) return;
    var n = dataNodes[item.id];
    var title = isNode ? (n.group === "fact" ? n.label.split("\n")[0] : n.label)
                       : edgeLines({ from: item.from, to: item.to, facts: item.kgFacts,
                                     status: item.kgStatus, kind: item.kgKind,
                                     counts: item.kgCounts || [] })[0];
    showFacts(title, item.kgFacts, item.kgCount);
  }

  network.on("click", function (params) {
    var found = itemOf(params);
    listItem(found[0], found[1]);
  });

  network.on("doubleClick", function (params) {
    if (!params.nodes.length || !personsOf[params.nodes[0]]) return;
    var country = params.nodes[0];
    folded[country] = !folded[country];
    refresh();
  });

  // --- zoom and keyboard -------------------------------------------------------------------

  function shownIds() {
    return nodes.get({ filter: function (n) { return !n.hidden; } }).map(function (n) {
      return n.id;
    });
  }

  function zoom(factor) {
    network.moveTo({ scale: network.getScale() * factor });
  }

  function fit() {
    network.fit({ nodes: shownIds(), animation: false });
  }

  function pan(dx, dy) {
    var at = network.getViewPosition(), scale = network.getScale();
    network.moveTo({ position: { x: at.x + dx / scale, y: at.y + dy / scale } });
  }

  function step(delta) {
    var ids = nodes.get({ filter: function (n) { return !n.hidden; } })
                   .sort(function (a, b) { return String(a.label).localeCompare(String(b.label)); })
                   .map(function (n) { return n.id; });
    if (!ids.length) return;
    var current = network.getSelectedNodes()[0];
    var at = ids.indexOf(current);
    var next = ids[(at < 0 ? (delta > 0 ? 0 : ids.length - 1)
                           : (at + delta + ids.length) % ids.length)];
    network.selectNodes([next]);
    network.focus(next, { scale: Math.max(network.getScale(), 1), animation: false });
    byId("kg-found").textContent = String(nodes.get(next).label).split("\n")[0];
  }

  byId("kg-zoom-in").addEventListener("click", function () { zoom(1.25); });
  byId("kg-zoom-out").addEventListener("click", function () { zoom(0.8); });
  byId("kg-zoom-fit").addEventListener("click", fit);
  var KEYS = {
    "+": function () { zoom(1.25); }, "=": function () { zoom(1.25); },
    "-": function () { zoom(0.8); }, "0": fit,
    ArrowLeft: function () { pan(-80, 0); }, ArrowRight: function () { pan(80, 0); },
    ArrowUp: function () { pan(0, -80); }, ArrowDown: function () { pan(0, 80); },
    n: function () { step(1); }, p: function () { step(-1); },
    Enter: function () {
      var selected = network.getSelectedNodes();
      if (selected.length) listItem(nodes.get(selected[0]), true);
    }
  };
  container.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var action = KEYS[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
  state.zoom = zoom;
  state.fit = fit;

  var search = byId("kg-search");
  var found = byId("kg-found");
  search.addEventListener("input", function () {
    var query = search.value.trim().toLowerCase();
    if (!query) {
      network.unselectAll();
      found.textContent = "";
      return;
    }
    var hits = data.nodes.filter(function (n) {
      var text = KG ? n.search : String(n.label === undefined ? n.id : n.label).toLowerCase();
      return text.indexOf(query) >= 0 && nodes.get(n.id) && !nodes.get(n.id).hidden;
    }).map(function (n) { return n.id; });
    network.selectNodes(hits, false);
    found.textContent = hits.length === 1 ? "1 found" : hits.length + " found";
    if (hits.length) network.fit({ nodes: hits, animation: false, maxZoomLevel: 1.5 });
  });
}());
