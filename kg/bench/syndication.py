"""Syndicated copies: a corpus of many articles made from a few stories, and what `kg` counts.

`syndicated_corpus(n, stories)` gives `n` articles, each a copy of one of the `STORIES` as an
outlet would reprint it: its own id, publisher, date (the day of the story or the next two),
headline and boilerplate line, and now and then a changed case or spacing. Every fact of a
story is one event, told by one report (one text), carried by every copy.

    python -m kg.bench.syndication 2000     # builds it, prints stats before and after fusion
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from typing import Any

# Each story: its date, its original publisher, its text (written for kg).
STORIES: tuple[dict[str, str], ...] = (
    {"date": "2026-03-04", "source": "Southern Wire",
     "text": "President Luiz Inácio Lula da Silva met Argentine President Javier Milei in "
             "Brasília on 4 March 2026. The two presidents discussed trade and energy."},
    {"date": "2026-05-12", "source": "Rhine Courier",
     "text": "President Emmanuel Macron spoke by phone with German Chancellor Friedrich Merz "
             "on 12 May 2026 about the defence budget."},
    {"date": "2026-06-03", "source": "Pacific Wire",
     "text": "China summoned the Philippine ambassador on 3 June 2026 to protest the landing "
             "of supplies on the shoal."},
    {"date": "2026-02-17", "source": "Border Dispatch",
     "text": "The United States and Mexico signed an agreement on border security in Mexico "
             "City on 17 February 2026."},
    {"date": "2026-01-13", "source": "Seoul Herald",
     "text": "President Lee Jae-myung arrived in Tokyo on 13 January 2026 for a state visit "
             "to Japan."},
)


def syndicated_corpus(n: int, stories: tuple[dict[str, str], ...] = STORIES
                      ) -> list[dict[str, Any]]:
    """`n` articles, copies of `stories` in turn, as JSON Lines records."""
    articles = []
    for i in range(n):
        story = stories[i % len(stories)]
        outlet = f"Outlet {i % 97}"
        day = dt.date.fromisoformat(story["date"]) + dt.timedelta(days=i % 3)
        text = story["text"]
        if i % 7 == 3:
            text = text.replace(". ", ".\n\n")  # a reprint's paragraphs
        elif i % 7 == 5:
            text = text.replace("2026", "2026 ").rstrip()  # a reprint's stray spaces
        articles.append({
            "id": f"syn-{i}", "date": day.isoformat(), "source": outlet,
            "title": f"{outlet}: from the wires ({i})",
            "text": f"{text}\n\nReprinted by {outlet} with permission, item {i}.",
        })
    return articles


def main(argv: list[str] | None = None) -> None:
    import kg
    from kg.events.records import event_counts
    from kg.views.stats import store_stats

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=2000)
    args = parser.parse_args(argv)
    graph = kg.connect()
    start = time.perf_counter()
    graph.build(syndicated_corpus(args.n), workers=None)
    seconds = time.perf_counter() - start
    stats, counts = store_stats(graph.store), event_counts(graph.store)
    assert counts is not None
    print(f"{args.n} articles from {len(STORIES)} stories built in {seconds:.1f} s")
    print(f"facts {stats.facts} ({dict(stats.by_kind)})")
    print(f"events {counts.events} ({dict(counts.by_kind)}), reports {counts.reports}")


if __name__ == "__main__":
    main()
