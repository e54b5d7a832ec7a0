"""kg.views.viz pages in a real browser: Debian's headless Chromium, driven by Playwright, offline.

Playwright never downloads a browser here: it launches /usr/bin/chromium (`make test`
installs it). Every request that is not file: or data: is aborted and recorded, and the
launch flags switch off Chromium's own background traffic. Screenshots go to
.kg/screenshots/ for people to look at.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kg.extract.actors import Country
from kg.extract.documents import make_document, read_documents
from kg.graph.rdf import country_quads, document_quads
from kg.graph.store import OxigraphStore
from kg.graph.vocab import graph_iri
from kg.pipeline import build, write_document
from kg.records import Document, Fact, Side
from kg.views.analysis import load_facts
from kg.views.viz import LEVELS, build_view, show, write_html

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / ".kg" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} is absent (make test installs Debian's chromium)"),
]

# --- a hostile article ---------------------------------------------------------------------

SCRIPT_NAME = "Prime Minister <script>window.__pwned=1</script> Smith"
IMG_NAME = '<img src=x onerror="window.__pwned=1">Zoë'
BREAKOUT = "</script><script>window.__pwned=1</script>"
COMMENT = "<!--<script>"
RLO_NAME = "\u202eevil\u202c Ahmed أحمد"
HREF_TITLE = '<a href="javascript:window.__pwned=1">"href" title</a>'
HOSTILE_TEXT = (
    f"{SCRIPT_NAME} of the United Kingdom met Japanese Prime Minister Zoë in 東京 on "
    "3 March 2026. "
    f'They said <img src=x onerror="window.__pwned=1"> and "href". '
    f"Japan protested to China over {BREAKOUT} and {COMMENT} the \u202eevil\u202c text. "
    'The United Kingdom imposed sanctions on China, says the "href" report.')
EVIDENCE = f'He said {BREAKOUT} {COMMENT} <img src=x onerror="window.__pwned=1"> "href" 東京'
# A country whose name is markup: country labels come from the store too.
EVIL_COUNTRY = Country("ZZZ", "ZZ", None, '<img src=x onerror="window.__pwned=1">Evilland')


def hostile_store() -> OxigraphStore:
    """The extractor's facts from a hostile article, plus facts whose names are markup."""
    store = OxigraphStore()
    doc = make_document(HOSTILE_TEXT, "hostile", {
        "title": HREF_TITLE, "url": "javascript:window.__pwned=1", "date": "2026-03-03"},
        where="test")
    # What the extractor finds in it (its evidence sentences carry the markup); the facts
    # below make sure of names, labels and titles whatever the extractor finds.
    build([doc], store, workers=1)
    direct = Document("hostile-direct", EVIDENCE, url="https://example.org/a?x=<b>&y=\"href\"",
                      title=f"{BREAKOUT} 東京 \"href\"", date="2026-03-04")
    facts = [
        Fact(direct.id, "meeting", Side("GBR", SCRIPT_NAME, "Prime Minister"),
             Side("JPN", IMG_NAME, "Prime Minister"), EVIDENCE, (0, len(EVIDENCE)),
             date="2026-03-04", label=f"{COMMENT} partnership"),
        Fact(direct.id, "criticism", Side("ZZZ", RLO_NAME, "Foreign Minister"),
             Side("CHN", BREAKOUT), EVIDENCE, (0, len(EVIDENCE)), date="2026-03"),
    ]
    store.replace_graph(graph_iri(direct.id), document_quads(direct, facts))
    store.add(country_quads([EVIL_COUNTRY]))
    return store


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        # launch() gives every run a fresh temporary profile (its own --user-data-dir).
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def wait_for(target, expression: str, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    """Poll `expression` from outside the page: Playwright's wait_for_function evaluates
    strings inside the page, which the page's CSP (rightly) refuses."""
    deadline = time.monotonic() + seconds
    while not target.evaluate(f"Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {expression}")
        time.sleep(0.02)


class Page:
    """A page opened offline, with what it logged and what it tried to fetch."""

    def __init__(self, browser, path: Path):  # type: ignore[no-untyped-def]
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        started = time.perf_counter()
        self.page.goto(path.resolve().as_uri())
        wait_for(self.page, "window.kgGraph && window.kgGraph.ready")
        self.seconds = time.perf_counter() - started

    def _route(self, route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if url.startswith(("file:", "data:", "about:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def eval(self, script: str):  # type: ignore[no-untyped-def]
        return self.page.evaluate(script)

    def nodes(self) -> dict[str, str]:
        return self.eval("Object.fromEntries(kgGraph.nodes.get().map(n => [n.id, n.label]))")

    def edges(self) -> dict[str, str]:
        return self.eval("Object.fromEntries(kgGraph.edges.get().map(e => [e.id, e.label]))")

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / name
        self.page.screenshot(path=str(path))
        print(f"screenshot: {path}")
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def sample_facts():
    store = OxigraphStore()
    build(read_documents([ROOT / "examples" / "seed.txt"]), store, workers=1)
    return load_facts(store)


@pytest.fixture(scope="module")
def hostile_facts():
    return load_facts(hostile_store())


def open_page(browser, facts, tmp_path: Path, level: str = "countries", **kw) -> Page:  # type: ignore[no-untyped-def]
    path = tmp_path / f"{level}.html"
    write_html(facts, path, level=level, **kw)
    return Page(browser, path)


def test_sample_countries_page_renders_offline(browser, sample_facts, tmp_path) -> None:
    page = open_page(browser, sample_facts, tmp_path)
    try:
        assert page.errors == []
        assert page.requests == []
        assert page.nodes() == {"CHN": "China", "GBR": "United Kingdom", "JPN": "Japan"}
        # What happened and what is planned are drawn apart.
        assert page.edges() == {"e:CHN-GBR": "2", "e:GBR-JPN": "7",
                                "e:GBR-JPN~planned": "1 planned"}
        assert page.eval("document.querySelector('#kg-network canvas') !== null")
        # Click the GBR–JPN edge: the panel lists the seven facts behind it, six with
        # their evidence (as many as the page embeds per edge) and one as a table row.
        page.eval("kgGraph.network.emit('click', {nodes: [], edges: ['e:GBR-JPN']})")
        assert page.eval("document.querySelectorAll('#kg-facts .kg-fact').length") == 6
        assert page.eval("document.querySelectorAll('#kg-facts .kg-table tbody tr').length") \
            == 1
        text = page.eval("document.getElementById('kg-facts').textContent")
        assert "enhanced global strategic partnership" in text
        assert "reached a consensus" in text
        print(f"\nsample: interactive after {page.eval('kgGraph.readyAt') / 1000:.2f} s")
        page.screenshot("sample-countries.png")
    finally:
        page.close()


@pytest.mark.parametrize("level", [lv for lv in LEVELS if lv != "countries"])
def test_sample_other_levels_render(browser, sample_facts, tmp_path, level: str) -> None:
    page = open_page(browser, sample_facts, tmp_path, level=level)
    try:
        assert page.errors == [] and page.requests == []
        nodes = page.nodes()
        assert {"GBR", "JPN", "CHN"} <= set(nodes)
        if level == "actors":
            assert {"Keir Starmer", "Hashimoto Sanae"} <= set(nodes.values())
        else:
            # "planned visit": the kind, after what marks its status.
            kinds = {label.split("\n")[0].split(" ")[-1] for node, label in nodes.items()
                     if node.startswith("f:")}
            assert kinds == {f.kind for f in sample_facts}
            assert sum(1 for n in nodes if n.startswith("f:")) == len(sample_facts)
        page.screenshot(f"sample-{level}.png")
    finally:
        page.close()


def test_layout_is_the_same_on_every_load(browser, sample_facts, tmp_path) -> None:
    positions = []
    for _ in range(2):
        page = open_page(browser, sample_facts, tmp_path, level="facts")
        try:
            positions.append(page.eval("kgGraph.network.getPositions()"))
            # Physics is off once laid out: nothing drifts afterwards.
            page.page.wait_for_timeout(300)
            assert page.eval("kgGraph.network.getPositions()") == positions[-1]
        finally:
            page.close()
    assert positions[0] == positions[1]


def test_search_box_selects_matching_nodes(browser, sample_facts, tmp_path) -> None:
    page = open_page(browser, sample_facts, tmp_path, level="actors")
    try:
        page.page.fill("#kg-search", "starmer")
        assert page.eval("kgGraph.network.getSelectedNodes()") == ["p:GBR/Keir Starmer"]
        assert page.eval("document.getElementById('kg-found').textContent") == "1 found"
    finally:
        page.close()


def test_hover_shows_the_fact_as_text(browser, sample_facts, tmp_path) -> None:
    page = open_page(browser, sample_facts, tmp_path, level="facts")
    try:
        node = page.eval("kgGraph.data.nodes.find(n => n.group === 'fact' && "
                         "kgGraph.facts[n.facts[0]].kind === 'partnership').id")
        hover_node(page, node)
        tip = page.eval("document.querySelector('div.vis-tooltip').textContent")
        assert "partnership" in tip and "enhanced global strategic partnership" in tip
        assert "status" in tip and "attribution" in tip and "toutiao.com" in tip
    finally:
        page.close()


def hover_node(page: Page, node: str) -> None:
    x, y = page.eval(f"""(() => {{
        const net = kgGraph.network, pos = net.getPositions([{node!r}])[{node!r}];
        const dom = net.canvasToDOM(pos);
        const box = document.getElementById('kg-network').getBoundingClientRect();
        return [box.left + dom.x, box.top + dom.y];
    }})()""")
    page.page.mouse.move(x - 40, y - 40)
    page.page.mouse.move(x, y, steps=4)
    wait_for(page.page, "(() => { const t = document.querySelector('div.vis-tooltip');"
                        " return t && t.style.visibility === 'visible'; })()", 5)


@pytest.mark.parametrize("level", LEVELS)
def test_hostile_article_runs_no_script_and_shows_literal_text(
        browser, hostile_facts, tmp_path, level: str) -> None:
    page = open_page(browser, hostile_facts, tmp_path, level=level,
                     title=f"{BREAKOUT} {IMG_NAME} {COMMENT} \"href\"")
    try:
        assert page.eval("window.__pwned") is None
        assert page.errors == [] and page.requests == []
        # The heading and the window title show the literal text.
        title = f"{BREAKOUT} {IMG_NAME} {COMMENT} \"href\""
        assert page.eval("document.querySelector('h1').textContent") == title
        assert page.eval("document.title") == title
        assert page.eval("document.querySelector('h1').children.length") == 0
        labels = set(page.nodes().values())
        assert EVIL_COUNTRY.name in labels
        if level == "actors":
            assert {SCRIPT_NAME, IMG_NAME, RLO_NAME, BREAKOUT} <= labels
        # Open every fact in the panel, and hover over a node: still only text.
        page.eval("kgGraph.network.emit('click', {nodes: ['CHN'], edges: []})")
        page.eval("kgGraph.network.emit('click', {nodes: ['GBR'], edges: []})")
        panel = page.eval("document.getElementById('kg-facts').textContent")
        assert BREAKOUT in panel and COMMENT in panel and SCRIPT_NAME in panel
        assert '<img src=x onerror="window.__pwned=1">' in panel and '"href"' in panel
        hover_node(page, "JPN" if level != "facts" else "f:0")
        # No element came from article text: no script, img or iframe in the text areas,
        # and every link is http(s).
        assert page.eval("document.querySelectorAll('h1 *, #kg-side script, #kg-side img, "
                         "div.vis-tooltip script, div.vis-tooltip img, iframe').length") == 0
        assert page.eval("[...document.querySelectorAll('a')].every("
                         "a => a.protocol === 'http:' || a.protocol === 'https:')")
        assert page.eval("document.scripts.length") == 3
        assert page.eval("window.__pwned") is None
        page.screenshot(f"hostile-{level}.png")
    finally:
        page.close()


def test_csp_blocks_an_injected_handler_while_the_graph_draws(
        browser, sample_facts, tmp_path) -> None:
    page = open_page(browser, sample_facts, tmp_path)
    try:
        page.eval("""document.body.insertAdjacentHTML('beforeend',
            '<img src="data:," onerror="window.__pwned=1"><div onclick="window.__pwned=1">x</div>');
            const s = document.createElement('script');
            s.textContent = 'window.__pwned = 2'; document.body.appendChild(s);
            document.querySelector('body > div:last-of-type').click();""")
        page.page.wait_for_timeout(300)
        assert page.eval("window.__pwned") is None
        assert any("Content Security Policy" in e for e in page.errors)
        assert page.eval("kgGraph.ready") and len(page.nodes()) == 3
    finally:
        page.close()


def test_inline_iframe_draws_the_graph(browser, hostile_facts, tmp_path) -> None:
    parent = tmp_path / "notebook.html"
    parent.write_text("<!DOCTYPE html><meta charset=utf-8><title>notebook</title>"
                      + show(hostile_facts, height=500)._repr_html_(), encoding="utf-8")
    context = browser.new_context()
    blocked: list[str] = []
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
        ("file:", "data:", "about:")) else (blocked.append(r.request.url), r.abort()))
    page = context.new_page()
    try:
        page.goto(parent.as_uri())
        frame = page.frames[1]
        wait_for(frame, "window.kgGraph && window.kgGraph.ready")
        labels = frame.evaluate("kgGraph.nodes.get().map(n => n.label)")
        assert EVIL_COUNTRY.name in labels
        assert frame.evaluate("window.__pwned") is None
        assert page.evaluate("window.__pwned") is None
        assert blocked == []
    finally:
        context.close()


def synthetic_facts(n: int):  # type: ignore[no-untyped-def]
    """`n` facts among 60 countries, through the store, as for a large corpus."""
    import random

    from kg.records import KINDS

    rng = random.Random(3)
    codes = [f"{chr(65 + i // 26)}{chr(65 + i % 26)}X" for i in range(60)]
    store = OxigraphStore()
    per_doc = 20
    for d in range(n // per_doc):
        doc = Document(f"doc{d:04d}", "…", url=f"https://example.org/{d}", title=f"Doc {d}",
                       date="2025-01-01")
        facts, keys = [], set()
        for i in range(per_doc):
            while True:  # one fact per kind and pair in a document, as the extractor gives
                # Most facts among a few countries, as in real coverage.
                a, b = rng.sample(codes[: rng.choice((6, 12, 30, 60))], 2)
                kind = rng.choice(KINDS)
                if (kind, a, b) not in keys and (kind, b, a) not in keys:
                    keys.add((kind, a, b))
                    break
            facts.append(Fact(doc.id, kind, Side(a, f"Leader {a}", "Prime Minister"),
                              Side(b), f"Sentence {i} of doc {d}.", (i * 10, i * 10 + 9),
                              date=f"2025-{1 + i % 12:02d}-{1 + d % 28:02d}"))
        write_document(store, doc, facts)
    return load_facts(store)


@pytest.mark.parametrize("level", LEVELS)
def test_two_thousand_facts_become_interactive(browser, tmp_path, level: str) -> None:
    facts = synthetic_facts(2000)
    assert len(facts) == 2000
    started = time.perf_counter()
    path = tmp_path / f"big-{level}.html"
    report = write_html(facts, path, level=level)
    written = time.perf_counter() - started
    page = Page(browser, path)
    try:
        assert page.errors == [] and page.requests == []
        # Actors: the persons start folded into their countries.
        assert len(page.nodes()) == (60 if level == "actors" else report.nodes) <= 500
        if report.omitted:
            note = page.eval("document.getElementById('kg-omitted').textContent")
            assert f"{report.omitted} of 2000 facts left out" in note
        ready_ms = page.eval("kgGraph.readyAt")
        print(f"\n{level}: {len(facts)} facts → {report.nodes} nodes, {report.edges} edges, "
              f"{report.omitted} left out; written in {written:.2f} s, "
              f"{report.bytes / 1024:.0f} KB; interactive after {ready_ms / 1000:.2f} s "
              f"(load to ready {page.seconds:.2f} s)")
        assert ready_ms < 30_000
        if level != "facts":  # the main nodes are labelled readably at the first fit
            assert all(px >= 10 for _, px in label_pixels(page)[:5])
        page.screenshot(f"synthetic-2000-{level}.png")
    finally:
        page.close()


# --- what happened, what is planned, what did not happen, what is commentary ---------------

MIXED = """---
id: mixed
date: 2026-02-10
title: Three capitals, one week
url: https://example.org/mixed
---
Japanese Prime Minister Hashimoto Sanae did not meet Chinese President Xi Jinping in Beijing \
on 9 February.

China refused to sign a trade agreement with Japan, the ministry said.

British Prime Minister Keir Starmer will visit Japan in March.

Japan and the United Kingdom signed a defence agreement on 9 February.

Comments: After Starmer's visit to China, he immediately visited Japan. The United Kingdom \
and China cooperate on trade.
"""
DOCS_IMG = ROOT / "docs" / "img" / "countries-view.png"


@pytest.fixture(scope="module")
def mixed_facts(tmp_path_factory):
    """Negated, planned and commentary facts, as the real extractor reads them."""
    path = tmp_path_factory.mktemp("mixed") / "mixed.txt"
    path.write_text(MIXED, encoding="utf-8")
    store = OxigraphStore()
    build(read_documents([path]), store, workers=1)
    facts = load_facts(store)
    assert {(f.kind, f.pair, f.status, f.attribution) for f in facts} >= {
        ("meeting", ("CHN", "JPN"), "negated", "reported"),
        ("agreement", ("CHN", "JPN"), "negated", "reported"),
        ("visit", ("GBR", "JPN"), "planned", "reported"),
        ("agreement", ("GBR", "JPN"), "occurred", "reported"),
        ("visit", ("CHN", "GBR"), "occurred", "commentary")}
    return facts


def edge_styles(page: Page) -> dict[str, list]:
    return page.eval("Object.fromEntries(kgGraph.edges.get().map(e => [e.id, "
                     "[e.label, e.dashes, e.color && e.color.opacity, e.value]]))")


def click_label(page: Page, container: str, text: str) -> None:
    page.page.locator(f"{container} label", has_text=text).first.click()


def test_negated_planned_and_commentary_are_drawn_apart(browser, mixed_facts, tmp_path):
    page = open_page(browser, mixed_facts, tmp_path)
    try:
        assert page.errors == [] and page.requests == []
        # "did not meet", "refused to sign": no meeting nor agreement drawn between China and
        # Japan; the refusal itself is drawn (a rejection, as CAMEO codes a refusal).
        assert edge_styles(page) == {
            "e:CHN-JPN": ["1", False, 0.9, 1],
            "e:GBR-JPN": ["1", False, 0.9, 1],
            "e:GBR-JPN~planned": ["1 planned", [10, 6], 0.9, 1],  # dashed
            "e:CHN-GBR": ["2", False, 0.35, 2],  # commentary only: faint
        }
        shown = page.eval("document.getElementById('kg-shown').textContent")
        assert shown == (f"Showing 5 of {len(mixed_facts)} facts · on this page: "
                         "negated facts hidden")
        legend = page.eval("document.getElementById('kg-legend').textContent")
        for words in ("dashed: planned", "faint: only commentary", "dotted, \"not …\"",
                      "country (size: partners shown)"):
            assert words in legend
        # The toggle shows them, dotted and marked, and counts them apart.
        click_label(page, "#kg-filter-status", "did not happen")
        styles = edge_styles(page)
        assert styles["e:CHN-JPN~negated"] == ["3 negated", [2, 9], 0.9, 3]
        assert styles["e:GBR-JPN"] == ["1", False, 0.9, 1]
        assert page.eval("document.getElementById('kg-shown').textContent") == (
            f"Showing all {len(mixed_facts)} facts")
        # Colours and labels as kg.views.viz computes them for the same facts.
        view = {e.id: e for e in build_view(mixed_facts).edges}
        colours = page.eval("Object.fromEntries(kgGraph.edges.get().map(e => "
                            "[e.id, e.color.color]))")
        assert colours == {k: view[k].color for k in colours}
        page.eval("kgGraph.network.emit('click', {nodes: [], edges: ['e:CHN-JPN~negated']})")
        panel = page.eval("document.getElementById('kg-facts').textContent")
        assert "did not meet" in panel and "not meeting" in panel
        page.eval("kgGraph.network.fit({animation: false, maxZoomLevel: 1.8})")
        page.page.mouse.move(0, 0)  # no tooltip over the picture
        shot = page.screenshot("countries-view.png")
        DOCS_IMG.parent.mkdir(parents=True, exist_ok=True)
        DOCS_IMG.write_bytes(shot.read_bytes())
    finally:
        page.close()


def test_actors_and_facts_views_mark_status_too(browser, mixed_facts, tmp_path):
    page = open_page(browser, mixed_facts, tmp_path, level="actors")
    try:
        labels = page.edges()
        assert "k:p:GBR/Keir Starmer|JPN|visit~planned" in labels
        assert not any("negated" in k for k in labels)
        click_label(page, "#kg-filter-status", "did not happen")
        styles = edge_styles(page)
        meeting = "k:p:CHN/Xi Jinping|p:JPN/Hashimoto Sanae|meeting~negated"
        assert styles[meeting][:2] == ["not meeting", [2, 9]]
    finally:
        page.close()
    page = open_page(browser, mixed_facts, tmp_path, level="facts")
    try:
        shown = "kgGraph.nodes.get().filter(n => !n.hidden).map(n => n.label.split('\\n')[0])"
        assert not [label for label in page.eval(shown) if label.startswith("not ")]
        click_label(page, "#kg-filter-status", "did not happen")
        assert sorted(label for label in page.eval(shown) if label.startswith("not ")) == [
            "not agreement", "not meeting", "not visit"]
        # Drawn between their two countries, not wherever.
        x = page.eval("(() => { const p = kgGraph.network.getPositions(); const n = "
                      "kgGraph.nodes.get().find(n => n.label.startsWith('not meeting')); "
                      "return [p[n.id].x, p.CHN.x, p.JPN.x]; })()")
        assert min(x[1:]) - 100 <= x[0] <= max(x[1:]) + 100
    finally:
        page.close()


def test_filters_work_in_the_page_and_say_what_they_hide(browser, mixed_facts, tmp_path):
    page = open_page(browser, mixed_facts, tmp_path)
    try:
        click_label(page, "#kg-filter-attribution", "commentary")
        assert set(page.edges()) == {"e:GBR-JPN", "e:GBR-JPN~planned", "e:CHN-JPN"}
        assert page.eval("kgGraph.nodes.get('CHN').hidden") is False
        click_label(page, "#kg-legend", "rejection")
        # China's only fact left shown is gone: so is China.
        assert page.eval("kgGraph.nodes.get('CHN').hidden") is True
        click_label(page, "#kg-legend", "agreement")
        assert page.edges() == {"e:GBR-JPN~planned": "1 planned"}
        shown = page.eval("document.getElementById('kg-shown').textContent")
        assert shown.endswith("on this page: negated facts hidden; commentary facts hidden; "
                              "without agreement, rejection")
        page.page.fill("#kg-since", "2026-03")
        assert page.edges() == {"e:GBR-JPN~planned": "1 planned"}
        page.page.fill("#kg-until", "2026-02-28")
        assert page.edges() == {}
        empty = page.eval("document.getElementById('kg-empty')")
        assert page.eval("!document.getElementById('kg-empty').hidden")
        text = page.eval("document.getElementById('kg-empty').textContent")
        assert text == ("No facts match these filters: negated facts hidden; commentary facts "
                        "hidden; without agreement, rejection; since 2026-03; until 2026-02-28.")
        del empty
        page.page.fill("#kg-until", "2026-1")  # not a date: marked, ignored
        assert page.eval("document.getElementById('kg-until').getAttribute('aria-invalid')") \
            == "true"
        page.page.click("#kg-reset")
        assert set(page.edges()) == {"e:GBR-JPN", "e:GBR-JPN~planned", "e:CHN-GBR", "e:CHN-JPN"}
        assert page.eval("document.getElementById('kg-empty').hidden")
        assert page.errors == []
    finally:
        page.close()


def test_an_empty_selection_says_no_facts_match_and_which_filters(browser, tmp_path):
    path = tmp_path / "empty.html"
    write_html([], path, filters={"country": "JPN", "kinds": ("sanction",)})
    page = Page(browser, path)
    try:
        assert page.eval("document.getElementById('kg-empty').hidden") is False
        assert page.eval("document.getElementById('kg-empty').textContent") == (
            "No facts match. Filters: country JPN; kind sanction")
        assert page.errors == [] and page.requests == []
    finally:
        page.close()


def test_zoom_buttons_and_keyboard(browser, sample_facts, tmp_path):
    page = open_page(browser, sample_facts, tmp_path, level="actors")
    try:
        scale = page.eval("kgGraph.network.getScale()")
        page.page.click("#kg-zoom-in")
        assert page.eval("kgGraph.network.getScale()") == pytest.approx(scale * 1.25)
        page.page.click("#kg-zoom-out")
        assert page.eval("kgGraph.network.getScale()") == pytest.approx(scale)
        page.page.focus("#kg-network")
        page.page.keyboard.press("+")
        assert page.eval("kgGraph.network.getScale()") == pytest.approx(scale * 1.25)
        x = page.eval("kgGraph.network.getViewPosition().x")
        page.page.keyboard.press("ArrowRight")
        assert page.eval("kgGraph.network.getViewPosition().x") > x
        page.page.keyboard.press("0")
        assert page.eval("kgGraph.network.getScale()") == pytest.approx(scale, rel=0.05)
        # N steps through the nodes in name order; Enter lists the facts of the one chosen.
        page.page.keyboard.press("n")
        assert page.eval("kgGraph.network.getSelectedNodes()") == ["CHN"]
        page.page.keyboard.press("n")
        assert page.eval("kgGraph.network.getSelectedNodes()") == ["p:JPN/Hashimoto Sanae"]
        page.page.keyboard.press("Enter")
        assert page.eval("document.getElementById('kg-panel-title').textContent") == \
            "Hashimoto Sanae"
        assert page.eval("document.querySelectorAll('#kg-facts .kg-fact').length") >= 1
        assert page.errors == []
    finally:
        page.close()


def label_pixels(page: Page) -> list[tuple[float, float]]:
    """(value, label height on screen in pixels) of the nodes shown, biggest first."""
    sizes = page.eval("""(() => { const s = kgGraph.network.getScale();
        return Object.values(kgGraph.network.body.nodes).filter(n => !n.options.hidden
          && kgGraph.nodes.get(n.id)).map(n => [n.options.value, n.options.font.size * s]);
        })()""")
    return sorted(sizes, reverse=True)


def test_fifty_documents_of_actors_fold_persons_and_label_the_main_nodes(browser, tmp_path):
    facts = synthetic_facts(1000)  # 50 documents
    assert len({f.doc for f in facts}) == 50
    page = open_page(browser, facts, tmp_path, level="actors")
    try:
        nodes = page.eval("kgGraph.nodes.get().filter(n => !n.hidden).map(n => n.id)")
        countries = {f.source for f in facts} | {f.target for f in facts}
        # Persons start folded into their countries: one node per country, and one edge
        # per pair and status between them, no hairball.
        assert set(nodes) == countries
        edges = page.edges()
        assert all(e.startswith("c:") for e in edges)
        assert len(edges) == len({f.pair for f in facts if f.status != "negated"})
        # Labels grow with importance and the biggest are readable at the first fit
        # (vis-network leaves out labels under drawThreshold pixels until one zooms in).
        sizes = label_pixels(page)
        assert all(px >= 10 for _, px in sizes[:5]), sizes[:5]
        assert sizes[0][1] > sizes[-1][1]
        page.screenshot("actors-50-documents.png")
        # Persons on demand: all at once, or one country's by double-click.
        page.eval("void kgGraph.network.emit('doubleClick', {nodes: ['AAX'], edges: []})")
        persons = page.eval("kgGraph.nodes.get().filter(n => !n.hidden && "
                            "n.id.startsWith('p:')).map(n => n.id)")
        assert persons == ["p:AAX/Leader AAX"]
        edges = page.edges()
        assert "a:p:AAX/Leader AAX" in edges
        # The person's facts are drawn by kind again.
        assert any(e.startswith("k:p:AAX/Leader AAX|") for e in edges)
        assert not any(e.startswith("c:AAX-") for e in edges)
        page.page.locator("#kg-persons label").click()
        persons = page.eval("kgGraph.nodes.get().filter(n => !n.hidden && "
                            "n.id.startsWith('p:')).length")
        assert persons == sum(n.group == "person" for n in build_view(facts, level="actors").nodes)
        assert page.errors == []
    finally:
        page.close()


# --- pyvis ---------------------------------------------------------------------------------

PYVIS_TITLE = "<img src=x onerror=window.__pwned=1>"


def test_pyvis_round_trip_keeps_our_page_and_plain_titles(browser, mixed_facts, tmp_path):
    pyvis = pytest.importorskip("pyvis.network")
    from kg.views.viz import render, to_pyvis

    net = to_pyvis(mixed_facts, level="actors", title="Mixed")
    assert isinstance(net, pyvis.Network)
    # What a pyvis user does: options, physics, the option buttons, nodes of their own.
    net.toggle_physics(True)
    net.show_buttons(filter_=["physics"])
    net.add_node("mine", label="My node", title=PYVIS_TITLE, color="#ff00ff", shape="box")
    net.add_edge("mine", "JPN", title=f"</script>{PYVIS_TITLE}", label="my edge")
    path = tmp_path / "pyvis.html"
    shown = render(net, path, title=f"Mixed {PYVIS_TITLE}")
    assert shown.page == path.read_text(encoding="utf-8")
    assert "<iframe srcdoc=" in shown._repr_html_()
    page = Page(browser, path)
    try:
        assert page.errors == [] and page.requests == []
        assert page.eval("window.__pwned") is None
        assert page.eval("document.querySelector('h1').textContent") == f"Mixed {PYVIS_TITLE}"
        ids = set(page.nodes())
        assert {"mine", "JPN", "p:GBR/Keir Starmer"} <= ids
        # kg's styles came along: planned dashed, commentary faint, negated left out.
        styles = edge_styles(page)
        assert styles["k:p:GBR/Keir Starmer|JPN|visit~planned"][1] == [10, 6]
        assert styles["k:p:GBR/Keir Starmer|CHN|visit"][2] == 0.35
        assert not any("negated" in k for k in styles)
        colours = page.eval("Object.fromEntries(kgGraph.nodes.get().map(n => [n.id, n.color]))")
        assert colours["JPN"] == {"background": "#e3f2fd", "border": "#1565c0"}
        assert colours["mine"] == "#ff00ff"
        hover_node(page, "mine")
        tip = page.eval("document.querySelector('div.vis-tooltip').textContent")
        assert tip == PYVIS_TITLE
        assert page.eval("document.querySelectorAll('div.vis-tooltip *:not(div)').length") == 0
        assert page.eval("document.querySelectorAll('img').length") == 0
        # The option buttons pyvis users know, in our page.
        assert page.eval("document.querySelector('.kg-configure .vis-configuration') "
                         "!== null")
        assert page.eval("window.__pwned") is None
        page.screenshot("pyvis-round-trip.png")
    finally:
        page.close()
    # set_options replaces pyvis's options: ours are passed as data, physics off is kept.
    net.set_options('var options = {"physics": {"enabled": false}, '
                    '"nodes": {"font": {"face": "</script><script>window.__pwned=1//"}}}')
    render(net, tmp_path / "options.html")
    page = Page(browser, tmp_path / "options.html")
    try:
        assert page.errors == [] and page.requests == []
        assert page.eval("window.__pwned") is None
        assert page.eval("kgGraph.network.physics.options.enabled") is False
    finally:
        page.close()


def test_pyvis_network_of_a_hostile_article_stays_text(browser, hostile_facts, tmp_path):
    pytest.importorskip("pyvis.network")
    from kg.views.viz import render, to_pyvis

    path = tmp_path / "hostile-pyvis.html"
    render(to_pyvis(hostile_facts, level="actors"), path)
    page = Page(browser, path)
    try:
        assert page.errors == [] and page.requests == []
        assert {SCRIPT_NAME, IMG_NAME, RLO_NAME, BREAKOUT} <= set(page.nodes().values())
        hover_node(page, "p:GBR/" + SCRIPT_NAME)
        tip = page.eval("document.querySelector('div.vis-tooltip').textContent")
        assert SCRIPT_NAME in tip
        assert page.eval("document.querySelectorAll('div.vis-tooltip script, img').length") == 0
        assert page.eval("document.scripts.length") == 3
        assert page.eval("window.__pwned") is None
    finally:
        page.close()


def test_edge_weights_count_only_the_facts_shown(browser, sample_facts, tmp_path):
    page = open_page(browser, sample_facts, tmp_path)
    try:
        click_label(page, "#kg-legend", "invitation")
        shown = [f for f in sample_facts if f.kind != "invitation"]
        expected = {e.id: e for e in build_view(shown).edges}
        styles = page.eval("Object.fromEntries(kgGraph.edges.get().map(e => [e.id, "
                           "[e.label, e.value, e.color.color]]))")
        assert styles == {k: [e.label, e.value, e.color] for k, e in expected.items()}
        assert styles["e:GBR-JPN"][:2] == ["5", 5]
        page.eval("kgGraph.network.emit('click', {nodes: ['JPN'], edges: []})")
        kinds = page.eval("[...document.querySelectorAll('#kg-facts .kg-fact-head strong, "
                          "#kg-facts .kg-table td:nth-child(2)')].map(e => e.textContent)")
        assert kinds and not [k for k in kinds if k.endswith("invitation")]
    finally:
        page.close()


def test_confidence_slider_hides_less_trusted_facts_and_cards_show_it(browser, tmp_path):
    text = "Evidence."
    doc = Document("rated", text, date="2026-02-01")
    facts = [Fact(doc.id, "meeting", Side("GBR"), Side("JPN"), text, (0, len(text)),
                  date="2026-02-01", confidence=0.92),
             Fact(doc.id, "criticism", Side("CHN"), Side("JPN"), text, (0, len(text)),
                  date="2026-02-01", confidence=0.41)]
    store = OxigraphStore()
    write_document(store, doc, facts)
    page = open_page(browser, load_facts(store), tmp_path)
    try:
        assert set(page.edges()) == {"e:GBR-JPN", "e:CHN-JPN"}
        page.page.fill("#kg-confidence", "0.5")
        assert set(page.edges()) == {"e:GBR-JPN"}
        assert page.eval("document.getElementById('kg-confidence-value').textContent") == "0.50"
        shown = page.eval("document.getElementById('kg-shown').textContent")
        assert shown.endswith("confidence at least 0.50"), shown
        page.eval("kgGraph.network.emit('click', {nodes: [], edges: ['e:GBR-JPN']})")
        panel = page.eval("document.getElementById('kg-facts').textContent")
        assert "confidence0.92" in panel
        page.page.fill("#kg-confidence", "0.95")
        assert page.edges() == {}
        page.page.click("#kg-reset")
        assert set(page.edges()) == {"e:GBR-JPN", "e:CHN-JPN"}
        assert page.eval("document.getElementById('kg-confidence').value") == "0"
        assert page.errors == [] and page.requests == []
    finally:
        page.close()


# --- the countries view from summaries (kg viz on a large store) ---------------------------


def sampled_page(browser, store: OxigraphStore, tmp_path: Path, name: str) -> Page:  # type: ignore[no-untyped-def]
    from kg.graph.summaries import refresh_summaries
    from kg.views.viz import summary_view_of, write_view

    refresh_summaries(store)
    view = summary_view_of(store, title=f"{BREAKOUT} sampled")
    assert view is not None and view.sampled
    path = tmp_path / f"{name}.html"
    write_view(view, path)
    return Page(browser, path)


def test_page_from_summaries_counts_every_fact_and_says_the_evidence_is_a_sample(
        browser, tmp_path):
    from kg.bench.extraction import corpus

    store = OxigraphStore()
    build([*corpus(40), *read_documents([ROOT / "examples" / "seed.txt"])], store, workers=1)
    facts = load_facts(store)
    page = sampled_page(browser, store, tmp_path, "sampled")
    try:
        assert page.errors == [] and page.requests == []
        styles = page.eval("Object.fromEntries(kgGraph.edges.get().map(e => [e.id, "
                           "[e.label, e.value, e.color.color]]))")

        def drawn(shown):  # type: ignore[no-untyped-def]
            # As the page first shows them: negated facts hidden.
            return {e.id: [e.label, e.value, e.color] for e in build_view(shown).edges
                    if e.status != "negated"}

        assert styles == drawn(facts)
        shown = page.eval("document.getElementById('kg-shown').textContent")
        sample = page.eval("kgGraph.data.facts.length")
        assert sample < len(facts)
        # The page first hides negated facts, so its count is of the others.
        counted = sum(1 for f in facts if f.status != "negated")
        assert "as evidence, a sample" in shown and f" of {counted} facts" in shown
        # Kinds filter the counts themselves.
        click_label(page, "#kg-legend", "meeting")
        styles = page.eval("Object.fromEntries(kgGraph.edges.get().map(e => [e.id, "
                           "[e.label, e.value, e.color.color]]))")
        assert styles == drawn([f for f in facts if f.kind != "meeting"])
        # The panel says how much of an edge it lists.
        edge = max(build_view(facts).edges, key=lambda e: e.value)
        page.eval(f"kgGraph.network.emit('click', {{nodes: [], edges: ['{edge.id}']}})")
        panel = page.eval("document.getElementById('kg-facts').textContent")
        assert "a sample of the evidence" in panel
        # Date and confidence filters need the facts: hidden, and the page says why.
        assert page.eval("document.querySelector('.kg-dates').hidden")
        assert "--since" in page.eval("document.getElementById('kg-controls').textContent")
    finally:
        page.close()


def test_page_from_summaries_of_a_hostile_article_stays_text(browser, tmp_path):
    page = sampled_page(browser, hostile_store(), tmp_path, "hostile-sampled")
    try:
        assert page.eval("window.__pwned") is None
        assert page.errors == [] and page.requests == []
        assert page.eval("document.querySelector('h1').textContent") == f"{BREAKOUT} sampled"
        assert EVIL_COUNTRY.name in set(page.nodes().values())
        page.eval("kgGraph.network.emit('click', {nodes: ['CHN'], edges: []})")
        page.eval("kgGraph.network.emit('click', {nodes: ['GBR'], edges: []})")
        panel = page.eval("document.getElementById('kg-facts').textContent")
        assert BREAKOUT in panel and SCRIPT_NAME in panel
        assert page.eval("document.querySelectorAll('h1 *, #kg-side script, #kg-side img, "
                         "div.vis-tooltip script, div.vis-tooltip img, iframe').length") == 0
        assert page.eval("document.scripts.length") == 3
        assert page.eval("window.__pwned") is None
    finally:
        page.close()
