"""`make bench`, the graph page: size and time to interactive at 2,000 and 20,000 facts.

The facts are synthetic but shaped like news coverage: most of them between a few
countries, a few persons per country, some planned, negated or commentary, an evidence
sentence each. Each page is written by `kg.views.viz.write_html` and opened in headless
Chromium (Debian's, through Playwright, offline); time to interactive is the time from
navigation to the page's ready mark (laid out, drawn, controls live).
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from ..records import DIRECTED_KINDS, KINDS
from ..views.analysis import FactRow
from ..views.viz import write_html

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
SIZES = (2000, 20000)
LEVELS = ("countries", "actors")


def synthetic_facts(n: int, seed: int = 11) -> list[FactRow]:
    """`n` facts among 40 countries, weighted so that a dozen carry most of them."""
    rng = random.Random(seed)
    codes = [f"{chr(65 + i // 26)}{chr(65 + i % 26)}X" for i in range(40)]
    weights = [1 / (1 + i) ** 1.2 for i in range(len(codes))]
    facts = []
    for i in range(n):
        a, b = rng.choices(codes, weights, k=1)[0], rng.choices(codes, weights, k=1)[0]
        while b == a:
            b = rng.choices(codes, weights, k=1)[0]
        kind = rng.choice(KINDS)
        if kind not in DIRECTED_KINDS:
            a, b = sorted((a, b))
        doc = f"doc{i // 10:05d}"
        facts.append(FactRow(
            iri=f"https://w3id.org/kg-bilateral/id/fact/{doc}/{kind}-{a}-{b}-{i}", kind=kind,
            source=a, target=b, source_label=f"Country {a}", target_label=f"Country {b}",
            source_person=f"Minister {rng.randint(1, 4)} of {a}" if rng.random() < 0.6 else None,
            target_person=f"Minister {rng.randint(1, 4)} of {b}" if rng.random() < 0.4 else None,
            date=f"20{20 + i % 6}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            status=rng.choices(("occurred", "planned", "negated"), (80, 12, 8))[0],
            attribution=rng.choices(("reported", "commentary"), (85, 15))[0],
            label=None,
            evidence=(f"Sentence {i}: officials of {a} and {b} said on the record that the "
                      f"{kind} took place as described, according to the statement published "
                      "by the ministry on its website that afternoon."),
            doc=doc, url=f"https://example.org/news/{doc}", title=f"Report {doc}"))
    return facts


def _open(browser, path: Path) -> float:  # type: ignore[no-untyped-def]
    """Milliseconds from navigation to the page's ready mark."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
        ("file:", "data:", "about:")) else r.abort())
    page = context.new_page()
    try:
        page.goto(path.resolve().as_uri())
        deadline = time.monotonic() + 180
        while not page.evaluate("Boolean(window.kgGraph && window.kgGraph.ready)"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path.name} not interactive after 180 s")
            time.sleep(0.05)
        return float(page.evaluate("kgGraph.readyAt"))
    finally:
        context.close()


def main() -> None:
    browser = playwright = None
    if not Path(CHROMIUM).exists():
        print(f"viz: {CHROMIUM} is absent, so no time to interactive (apt-get install chromium)")
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            print("viz: playwright is not installed (pip install -e '.[test]'), "
                  "so no time to interactive")
        else:
            playwright = sync_playwright().start()
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    try:
        with tempfile.TemporaryDirectory() as folder:
            empty = write_html([], Path(folder) / "empty.html")
            print(f"viz page without facts (template and vis-network): "
                  f"{empty.bytes / 1e6:.2f} MB")
            for n in SIZES:
                facts = synthetic_facts(n)
                for level in LEVELS:
                    path = Path(folder) / f"{level}-{n}.html"
                    started = time.perf_counter()
                    report = write_html(facts, path, level=level)
                    written = time.perf_counter() - started
                    line = (f"viz {level:9} {n:>6} facts: {report.nodes} nodes, "
                            f"{report.edges} edges, {report.omitted} left out; "
                            f"{report.bytes / 1e6:.2f} MB written in {written:.2f} s")
                    if browser is not None:
                        line += f"; interactive after {_open(browser, path) / 1000:.2f} s"
                    print(line, flush=True)
    finally:
        if browser is not None:
            browser.close()
        if playwright is not None:
            playwright.stop()


if __name__ == "__main__":
    main()
