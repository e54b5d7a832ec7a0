"""kg.views.viz without a browser: escaping, CSP, determinism, self-containment, size limits."""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import math
import random
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kg.errors import KgError
from kg.records import DIRECTED_KINDS, KINDS
from kg.views.analysis import FactRow
from kg.views.viz import (
    CARDS_PER_EDGE,
    KIND_COLORS,
    LEVELS,
    VIS_VERSION,
    InlineGraph,
    balance_color,
    build_view,
    render_html,
    script_json,
    show,
    write_html,
)

ROOT = Path(__file__).resolve().parent.parent

BREAKOUT = "</script><script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
COMMENT = "<!--<script>"
HOSTILE = [BREAKOUT, IMG, COMMENT, '"href"', "\u202eevil\u202c", "東京", "Zoë", "a\u2028b\u2029c",
           "</SCRIPT >", "&amp; &lt;"]


def row(kind: str, source: str, target: str, n: int = 0, **kw) -> FactRow:  # type: ignore[no-untyped-def]
    a, b = (source, target) if kind in DIRECTED_KINDS else sorted((source, target))
    values = {
        "iri": f"https://w3id.org/kg-bilateral/id/fact/d{n}/{kind}-{a}-{b}", "kind": kind,
        "source": a, "target": b, "source_label": f"Land {a}", "target_label": f"Land {b}",
        "source_person": None, "target_person": None, "date": "2026-01-31",
        "status": "occurred", "attribution": "reported", "label": None,
        "evidence": f"{a} and {b}: {kind}.", "doc": f"d{n}", "url": "https://example.org/a",
        "title": "A title"}
    values.update(kw)
    return FactRow(**values)


SAMPLE = [
    row("meeting", "GBR", "JPN", source_person="Keir Starmer",
        target_person="Hashimoto Sanae"),
    row("invitation", "GBR", "JPN", source_person="Keir Starmer", status="planned"),
    row("partnership", "GBR", "JPN", label="enhanced global strategic partnership", date=None),
    row("visit", "GBR", "CHN", source_person="Keir Starmer", attribution="commentary"),
    row("sanction", "CHN", "JPN", date="2025-05"),
]

HOSTILE_FACTS = [
    row("meeting", "GBR", "JPN", source_person=f"PM {BREAKOUT} Smith", target_person=IMG,
        evidence=" ".join(HOSTILE), label=COMMENT, title=f"{IMG} \"href\"",
        url="javascript:window.__pwned=1", source_label=f"UK {COMMENT}"),
    row("criticism", "ZZZ", "CHN", source_person="\u202eevil\u202c أحمد",
        source_label=IMG, target_person=BREAKOUT, evidence=BREAKOUT + "\u2028"),
]


def synthetic(n: int, countries: int = 60, seed: int = 1) -> list[FactRow]:
    rng = random.Random(seed)
    codes = [f"{chr(65 + i // 26)}{chr(65 + i % 26)}X" for i in range(countries)]
    return [row(rng.choice(KINDS), *rng.sample(codes[: rng.choice((6, 12, countries))], 2),
                n=i, source_person=f"Leader {i % 40}", date=f"2025-{1 + i % 12:02d}")
            for i in range(n)]


class Parts(HTMLParser):
    """The page's elements as the browser's tokenizer sees them."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self._open: tuple[str, dict[str, str | None]] | None = None
        self.text: dict[str, str] = {}
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append((tag, dict(attrs)))
        self._open = (tag, dict(attrs))

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._open is None:
            return
        tag, attrs = self._open
        if tag == "script":
            self.scripts.append((attrs, data))
        elif tag == "style":
            self.styles.append(data)
        else:
            self.text[tag] = self.text.get(tag, "") + data

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        self._open = None


def data_of(page: str) -> dict:
    (attrs, text), = [(a, t) for a, t in Parts(page).scripts if a.get("type")]
    assert attrs == {"type": "application/json", "id": "kg-data"}
    return json.loads(text)


FIELDS = ("kind", "source", "target", "source_person", "target_person", "date", "status",
          "attribution", "label", "doc", "evidence", "confidence")


def facts_of(data: dict) -> list[dict]:
    """The page's compact fact rows as records (as graph.js reads them)."""
    out = []
    for r in data["facts"]:
        fact = dict(zip(FIELDS, r, strict=True))
        fact["kind"] = data["kinds"][r[0]]["name"]
        fact["status"] = data["statuses"][r[6]]
        fact["attribution"] = data["attributions"][r[7]]
        fact["doc"], fact["title"], fact["url"] = data["docs"][r[9]]
        out.append(fact)
    return out


# --- escaping ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_script_json_cannot_break_out_and_round_trips(text: str) -> None:
    encoded = script_json({"k": text, "list": [text]})
    assert not set(encoded) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(encoded) == {"k": text, "list": [text]}


@pytest.mark.parametrize("level", LEVELS)
def test_hostile_text_is_data_never_markup(level: str) -> None:
    title = f"{BREAKOUT} {IMG} {COMMENT} \"href\" 東京"
    page = render_html(HOSTILE_FACTS, level=level, title=title)
    parts = Parts(page)
    # Exactly our three scripts and two styles, whatever the text held.
    assert [a for a, _ in parts.scripts] == [{"type": "application/json", "id": "kg-data"},
                                             {}, {}]
    assert len(parts.styles) == 2
    assert page.lower().count("<script") == 3 and page.lower().count("</script") == 3
    assert "<!--" not in page
    assert [t for t, _ in parts.tags if t in ("img", "a", "iframe", "object")] == []
    assert not any(k.startswith("on") for _, attrs in parts.tags for k in attrs)
    # The heading and the title carry the literal text.
    assert parts.text["h1"] == title and parts.text["title"] == title
    # The article's strings reach the page's script intact.
    data = data_of(page)
    facts = facts_of(data)
    assert sorted(f["evidence"] for f in facts) == sorted(f.evidence for f in HOSTILE_FACTS)
    assert "javascript:window.__pwned=1" in [f["url"] for f in facts]
    assert IMG in data["labels"].values()
    labels = {n["label"] for n in data["nodes"]}
    assert IMG in labels  # the country label of ZZZ
    if level == "actors":
        assert {f"PM {BREAKOUT} Smith", IMG, "\u202eevil\u202c أحمد", BREAKOUT} <= labels


def test_page_script_builds_text_with_text_content_only() -> None:
    script = (ROOT / "kg" / "templates" / "graph.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "setAttribute(\"on", "srcdoc"):
        assert sink not in script


# --- one self-contained, policed file ------------------------------------------------------


def test_page_is_self_contained() -> None:
    page = render_html(SAMPLE)
    parts = Parts(page)
    assert not [t for t, a in parts.tags if t == "link"]
    assert not [a for a, _ in parts.scripts if "src" in a]
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", page, re.I)
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)\s*=\s*['\"]?(https?:)?//",
                         page, re.I)
    assert f"vis-network {VIS_VERSION}" in page
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_csp_allows_exactly_the_inline_scripts_and_styles() -> None:
    page = render_html(HOSTILE_FACTS)
    parts = Parts(page)
    (csp,) = [a["content"] for t, a in parts.tags
              if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    policy = dict((d.split(" ", 1) + [""])[:2] for d in (p.strip() for p in csp.split(";")))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"].split() == [sha256(t) for a, t in parts.scripts if not a]
    assert policy["style-src"].split() == [sha256(t) for t in parts.styles]
    assert "unsafe" not in csp
    # The policy comes before any script or style.
    assert page.index("Content-Security-Policy") < page.index("<style")


def test_vendored_vis_network_is_pinned_and_licensed() -> None:
    folder = ROOT / "kg" / "vendor" / "vis-network"
    assert {p.name for p in folder.iterdir()} >= {
        "vis-network.min.js", "vis-network.min.css", "LICENSE-MIT", "LICENSE-APACHE-2.0",
        "README.md"}
    js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    assert f"@version {VIS_VERSION}" in js[:1000]
    assert VIS_VERSION in (folder / "README.md").read_text(encoding="utf-8")
    assert "sourceMappingURL" not in js
    css = (folder / "vis-network.min.css").read_text(encoding="utf-8")
    assert "div.vis-tooltip" in css and "url(" not in css


# --- determinism ---------------------------------------------------------------------------


def test_same_facts_give_the_same_bytes() -> None:
    first = render_html(SAMPLE, level="actors")
    assert render_html(list(reversed(SAMPLE)), level="actors") == first
    assert render_html(SAMPLE, level="actors", seed=8) != first
    assert data_of(first)["options"]["layout"]["randomSeed"] == 7


# --- the levels ----------------------------------------------------------------------------


def test_countries_level() -> None:
    view = build_view(SAMPLE)
    assert [(n.id, n.label, n.value) for n in view.nodes] == [
        ("CHN", "Land CHN", 2), ("GBR", "Land GBR", 2), ("JPN", "Land JPN", 2)]
    edges = {e.id: e for e in view.edges}
    # One edge per pair and status: what is planned is not drawn as what happened.
    assert set(edges) == {"e:GBR-JPN", "e:GBR-JPN~planned", "e:CHN-GBR", "e:CHN-JPN"}
    gbr_jpn = edges["e:GBR-JPN"]
    assert (gbr_jpn.label, gbr_jpn.value, len(gbr_jpn.facts)) == ("2", 2, 2)
    assert gbr_jpn.summary[1] == "GBR → JPN: 0 · JPN → GBR: 0 · together: 2"
    # Colour by balance: cooperative green, conflictual red.
    assert gbr_jpn.color == balance_color(gbr_jpn_score := (1 + 5) / 2) == "#749276"
    assert gbr_jpn.summary[2] == f"balance {gbr_jpn_score:+.1f} (2 cooperative, 0 conflictual)"
    planned = edges["e:GBR-JPN~planned"]
    assert (planned.label, planned.dashes, planned.status, planned.roundness) == (
        "1 planned", True, "planned", 0.15)
    assert planned.summary[0] == "Land GBR – Land JPN: 1 fact (planned)"
    assert not gbr_jpn.dashes and gbr_jpn.roundness == 0
    # The only CHN–GBR fact is commentary: a faint edge.
    assert edges["e:CHN-GBR"].faint and not gbr_jpn.faint
    assert edges["e:CHN-JPN"].color == balance_color(-5) == "#b75454"
    assert balance_color(-10) == "#c62828" and balance_color(0) == "#9e9e9e"
    assert view.omitted == 0 and view.omitted_note == ""


def test_negated_facts_get_edges_of_their_own_and_no_weight() -> None:
    facts = [*SAMPLE, row("meeting", "CHN", "JPN", n=1, status="negated"),
             row("agreement", "CHN", "JPN", n=2, status="negated", attribution="commentary")]
    view = build_view(facts)
    edges = {e.id: e for e in view.edges}
    negated = edges["e:CHN-JPN~negated"]
    assert (negated.label, negated.status, negated.dashes) == ("2 negated", "negated", False)
    assert negated.color == balance_color(0)  # a fact that did not happen weighs nothing
    assert negated.summary[0] == "Land CHN – Land JPN: 2 facts (did not happen)"
    assert not negated.faint  # one of the two is reported
    assert edges["e:CHN-JPN"].label == "1" and edges["e:CHN-JPN"].color == balance_color(-5)
    # Sizes leave out what the page hides at first.
    assert {n.id: n.value for n in view.nodes} == {"CHN": 2, "GBR": 2, "JPN": 2}
    actors = {e.id: e for e in build_view(facts, level="actors").edges}
    assert actors["k:CHN|JPN|meeting~negated"].label == "not meeting"
    fact_nodes = [n.label for n in build_view(facts, level="facts").nodes if n.group == "fact"]
    assert "not agreement\n2026-01-31" in fact_nodes


def test_actors_level() -> None:
    view = build_view(SAMPLE, level="actors")
    persons = [n for n in view.nodes if n.group == "person"]
    assert [(n.id, n.label, n.country) for n in persons] == [
        ("p:GBR/Keir Starmer", "Keir Starmer", "GBR"),
        ("p:JPN/Hashimoto Sanae", "Hashimoto Sanae", "JPN")]
    edges = {e.id: e for e in view.edges}
    assert edges["a:p:GBR/Keir Starmer"].dashes
    invitation = edges["k:p:GBR/Keir Starmer|JPN|invitation~planned"]
    assert (invitation.label, invitation.arrows, invitation.dashes) == (
        "planned invitation", "to", True)
    meeting = edges["k:p:GBR/Keir Starmer|p:JPN/Hashimoto Sanae|meeting"]
    assert meeting.arrows == "" and not meeting.dashes
    assert edges["k:p:GBR/Keir Starmer|CHN|visit"].faint
    assert [label for label, _ in view.legend] == [
        "meeting (+1)", "partnership (+5)", "visit (+1.9)", "invitation (+4)",
        "sanction (-5)"]


def test_facts_level() -> None:
    view = build_view(SAMPLE, level="facts")
    facts = [n for n in view.nodes if n.group == "fact"]
    assert len(facts) == len(SAMPLE) and len(view.edges) == 2 * len(SAMPLE)
    labels = {n.label for n in facts}
    assert "partnership" in labels and "sanction\n2025-05" in labels
    jpn = next(n for n in view.nodes if n.id == "JPN")
    assert jpn.value == 4  # degree: four facts touch Japan


def test_unknown_level_and_bad_limits() -> None:
    with pytest.raises(ValueError, match="unknown level"):
        build_view(SAMPLE, level="galaxies")
    with pytest.raises(ValueError):
        build_view(SAMPLE, max_nodes=1)


def test_no_facts_still_gives_a_page() -> None:
    page = render_html([])
    assert data_of(page)["nodes"] == [] and "0 facts" in page


def text_of(page: str, element_id: str) -> str:
    match = re.search(rf'<p[^>]* id="{element_id}"[^>]*>([^<]*)</p>', page)
    assert match, element_id
    return html.unescape(match.group(1))


def test_every_page_states_its_filters_and_an_empty_one_says_no_facts_match() -> None:
    filters = {"country": "JPN", "pair": None, "kinds": ("sanction", "protest"),
               "since": "2025-01-01", "until": None}
    page = render_html([], filters=filters)
    line = "Filters: country JPN; kinds protest, sanction; since 2025-01-01"
    assert text_of(page, "kg-filters") == line
    assert text_of(page, "kg-empty") == "No facts match. " + line
    assert data_of(page)["filters"] == ["country JPN", "kinds protest, sanction",
                                        "since 2025-01-01"]
    full = render_html(SAMPLE, filters={"pair": ("GBR", "JPN"), "until": "2026"})
    assert text_of(full, "kg-filters") == "Filters: pair GBR–JPN; until 2026"
    assert re.search(r'<p class="kg-empty" id="kg-empty" role="status" hidden>', full)
    assert text_of(render_html(SAMPLE), "kg-filters") == "Filters: none (every fact given)"
    with pytest.raises(ValueError, match="unknown filter 'colour'"):
        render_html(SAMPLE, filters={"colour": "red"})


def test_pages_embed_the_evidence_of_a_few_facts_per_edge() -> None:
    # Six hundred facts on one pair: the page carries the evidence of a few, the most
    # recent of each kind and attribution in turn, and lists the rest without it.
    sentence = "A long sentence of evidence, as articles have them. " * 10
    facts = [row(kind, "GBR", "JPN", n=i, date=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                 evidence=f"{i}: {sentence}", attribution=attribution)
             for i in range(300) for kind, attribution in (("meeting", "reported"),
                                                            ("visit", "commentary"))]
    page = render_html(facts)
    data = data_of(page)
    embedded = [f for f in facts_of(data) if f["evidence"]]
    assert len(embedded) == CARDS_PER_EDGE == 6
    assert Counter((f["kind"], f["attribution"]) for f in embedded) == {
        ("meeting", "reported"): 3, ("visit", "commentary"): 3}
    assert len(data["cut"]) == len(facts) - CARDS_PER_EDGE
    latest = max((f for f in facts if f.kind == "meeting"), key=lambda f: (f.date, f.iri))
    assert latest.evidence in {f["evidence"] for f in embedded}
    assert len(data["facts"]) == 600  # every fact is still listed
    # In proportion: the 600 facts add less than their evidence alone would weigh.
    assert len(page) - len(render_html([])) < 100_000 < sum(len(f.evidence) for f in facts)
    # Facts level: each fact is its own node and keeps its evidence.
    assert not data_of(render_html(SAMPLE, level="facts"))["cut"]


def srgb_to_lab(color: str, deficiency: str | None) -> tuple[float, float, float]:
    """CIELAB of a colour as seen with a colour vision deficiency (Machado et al. 2009,
    severity 1), for a palette test that does not depend on a library."""
    machado = {
        "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                         (-0.011820, 0.042940, 0.968881)),
        "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                       (-0.003882, -0.048116, 1.051998)),
    }
    rgb = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    if deficiency:
        lin = [max(0.0, min(1.0, sum(m * c for m, c in zip(line, lin, strict=True))))
               for line in machado[deficiency]]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.9505
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.089

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


@pytest.mark.parametrize("vision", [None, "deuteranopia", "protanopia"])
def test_kind_colours_stay_apart_for_colour_blind_readers(vision: str | None) -> None:
    assert set(KIND_COLORS) == set(KINDS)
    closest = min((math.dist(srgb_to_lab(KIND_COLORS[a], vision),
                             srgb_to_lab(KIND_COLORS[b], vision)), a, b)
                  for a, b in itertools.combinations(KINDS, 2))
    assert closest[0] >= 12, closest
    # Readable as lines on white: none as pale as the background.
    assert all(srgb_to_lab(c, None)[0] < 85 for c in KIND_COLORS.values())


# --- large graphs --------------------------------------------------------------------------


def test_large_graphs_keep_the_most_connected_part_and_say_so() -> None:
    facts = synthetic(2000)
    view = build_view(facts, level="facts")
    assert len(view.nodes) <= 500 and len(view.edges) <= 2000
    assert view.omitted == 2000 - len(view.facts) > 0
    page = render_html(facts, level="facts")
    assert f"{view.omitted} of 2000 facts left out" in page
    assert 'id="kg-omitted"' in page
    data = data_of(page)
    assert data["omitted"] == view.omitted and data["total"] == 2000
    # The busiest pairs come first: every pair kept is at least as busy as any left out.
    per_pair = Counter(f.pair for f in facts)
    kept = {f.pair for f in view.facts}
    dropped = {f.pair for f in facts} - kept
    assert min(per_pair[p] for p in kept) >= max(per_pair[p] for p in dropped)
    # Physics is shortened for large graphs.
    assert data["options"]["physics"]["stabilization"]["iterations"] == 300
    assert data["options"]["interaction"]["hideEdgesOnDrag"] is True


def test_countries_level_of_a_large_store_fits() -> None:
    view = build_view(synthetic(2000), level="countries")
    assert view.omitted == 0 and len(view.nodes) == 60


def test_limits_can_be_set() -> None:
    view = build_view(SAMPLE, level="facts", max_nodes=5, max_edges=100)
    assert len(view.nodes) <= 5 and view.omitted == len(SAMPLE) - len(view.facts) > 0


# --- files and notebooks -------------------------------------------------------------------


def test_write_html_reports_what_it_wrote(tmp_path: Path) -> None:
    path = tmp_path / "graph.html"
    report = write_html(SAMPLE, path, level="facts", title="Zoë 東京")
    content = path.read_bytes()
    assert report.bytes == len(content) and report.path == str(path)
    assert (report.level, report.facts, report.nodes, report.edges, report.omitted) == (
        "facts", 5, 8, 10, 0)
    assert content.decode("utf-8") == render_html(SAMPLE, level="facts", title="Zoë 東京")
    assert report.lines() == [f"Wrote {path} (facts: 8 nodes, 10 edges, 5 facts; "
                              f"{len(content) / 1024:.0f} KB)"]
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left


def test_write_html_into_a_missing_folder_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(KgError, match="does not exist"):
        write_html(SAMPLE, tmp_path / "nowhere" / "graph.html")


def test_show_gives_a_sandboxed_iframe_with_the_page_escaped() -> None:
    shown = show(HOSTILE_FACTS, height=420, level="actors")
    assert isinstance(shown, InlineGraph)
    frame = shown._repr_html_()
    match = re.fullmatch(r'<iframe srcdoc="([^"]*)" sandbox="([^"]*)" width="100%" '
                         r'height="420" frameborder="0" title="kg graph"></iframe>', frame)
    assert match
    assert html.unescape(match.group(1)) == shown.page == render_html(HOSTILE_FACTS,
                                                                        level="actors")
    assert "<" not in match.group(1)
    assert "allow-scripts" in match.group(2) and "allow-same-origin" not in match.group(2)


def test_kg_viz_states_its_filters_and_says_when_nothing_matches(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kg.cli import cli

    store = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", str(store), "build",
                               str(ROOT / "examples" / "seed.txt")]).exit_code == 0
    out = tmp_path / "none.html"
    result = runner.invoke(cli, ["--store", str(store), "viz", "--country", "JPN", "--kind",
                                 "sanction", "--since", "2025", "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    line = "Filters: country JPN; kind sanction; since 2025"
    assert text_of(page, "kg-filters") == line
    assert text_of(page, "kg-empty") == f"No facts match. {line}"
    out = tmp_path / "all.html"
    assert runner.invoke(cli, ["--store", str(store), "viz", "-o", str(out)]).exit_code == 0
    assert text_of(out.read_text(encoding="utf-8"), "kg-filters") == \
        "Filters: none (every fact given)"


# --- pyvis ---------------------------------------------------------------------------------


def test_to_pyvis_gives_a_pyvis_network_with_kg_styles_and_plain_titles() -> None:
    from pyvis.network import Network

    from kg.views.viz import to_pyvis

    facts = [*HOSTILE_FACTS, *SAMPLE, row("meeting", "CHN", "JPN", n=1, status="negated")]
    net = to_pyvis(facts, level="actors")
    assert isinstance(net, Network)
    # The network is the user's to customise, as any pyvis network.
    net.barnes_hut(spring_length=220)
    net.toggle_physics(True)
    net.show_buttons(filter_=["physics"])
    options = json.loads(net.get_network_data()[-1])
    assert options["physics"]["barnesHut"]["springLength"] == 220
    edges = {e["id"]: e for e in net.edges}
    assert "k:CHN|JPN|meeting~negated" not in edges  # not drawn by default
    planned = edges["k:p:GBR/Keir Starmer|JPN|invitation~planned"]
    assert (planned["dashes"], planned["arrows"], planned["label"]) == (
        [10, 6], "to", "planned invitation")
    assert edges["k:p:GBR/Keir Starmer|CHN|visit"]["color"]["opacity"] == 0.35
    assert all(isinstance(x["title"], str) for x in [*net.nodes, *net.edges])
    # Article text stays as it was: the title is text, for the page to show as text.
    meeting = next(e for e in net.edges if e["id"].endswith("|meeting")
                   and "Smith" in e["from"])
    assert BREAKOUT in meeting["title"] and IMG in meeting["title"]
    shown = {e["id"]: e for e in to_pyvis(facts, level="countries", show_negated=True).edges}
    assert shown["e:CHN-JPN~negated"]["dashes"] == [2, 9]
    assert shown["e:CHN-JPN~negated"]["label"] == "1 negated"


def test_render_writes_a_pyvis_network_through_our_page(tmp_path: Path) -> None:
    from kg.views.viz import render, to_pyvis

    net = to_pyvis(SAMPLE)
    net.add_node("mine", label=COMMENT, title=BREAKOUT)
    net.set_options('var options = {"physics": {"enabled": false}}')
    path = tmp_path / "net.html"
    shown = render(net, path, title=IMG)
    page = path.read_text(encoding="utf-8")
    assert shown.page == page and isinstance(shown, InlineGraph)
    parts = Parts(page)
    assert [a for a, _ in parts.scripts] == [{"type": "application/json", "id": "kg-data"},
                                             {}, {}]
    assert parts.text["h1"] == IMG and "<!--" not in page
    data = data_of(page)
    assert data["mode"] == "network" and data["options"] == {"physics": {"enabled": False}}
    assert {n["id"]: n["title"] for n in data["nodes"]}["mine"] == BREAKOUT
    assert text_of(page, "kg-filters") == "Filters: none (a pyvis network, drawn as given)"
    # The same policy and assets as kg's own pages: no CDN, no pyvis template.
    assert not re.search(r"(src|href)\s*=\s*['\"]?(https?:)?//", page)
    assert "cdnjs" not in page and "unpkg" not in page
    policy = [a["content"] for t, a in parts.tags if a.get("http-equiv")][0]
    assert policy == [a["content"] for t, a in Parts(render_html(SAMPLE)).tags
                      if a.get("http-equiv")][0]
    # Nothing is written without a path, and a missing folder fails cleanly.
    assert list(tmp_path.iterdir()) == [path]
    assert "<h1 dir=\"auto\">Bilateral relations</h1>" in render(net).page
    with pytest.raises(KgError, match="does not exist"):
        render(net, tmp_path / "nowhere" / "net.html")
