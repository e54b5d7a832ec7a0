"""Parsing speed of the shipped parser over `kg.bench.extraction`'s corpus (2,000 articles by default):
all sentences, and only candidate sentences (a trigger and at least one actor).

A sentence is a candidate here by a cheap estimate of extraction's own rule: one of
kg/data/triggers.yaml's patterns matches it (lower-cased) and the gazetteer finds at least one
country, capital, demonym, office or person in it. Times are CPU seconds of this process (one
core; the machine is shared, so wall time would measure the neighbours too), with spaCy's and
numpy's own threads limited to one.

Usage: .venv/bin/python scripts/parser_speed.py [--articles N] [--model PATH]
                                                [--without-tagger]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--model", default=None)
    ap.add_argument("--without-tagger", action="store_true",
                    help="disable the tagger (side assignment needs only the parse)")
    args = ap.parse_args()

    import spacy

    from kg.extract.actors import load_actors
    from kg.bench.extraction import corpus
    from kg.extract.gazetteer import Gazetteer
    from kg.extract.sentences import parser, split_sentences
    from kg.extract.triggers import load_triggers

    docs = corpus(args.articles)
    words = sum(len(d.text.split()) for d in docs)
    sentences = [s.text for d in docs for s in split_sentences(d.text)]
    gazetteer = Gazetteer(load_actors(None))
    triggers = load_triggers()
    start = time.process_time()
    candidates = [s for s in sentences
                  if any(t.pattern.search(s.lower()) for t in triggers)
                  and any(True for _ in gazetteer.find(s))]
    select = time.process_time() - start
    nlp = spacy.load(args.model) if args.model else parser()
    if args.without_tagger:
        nlp.disable_pipe("tagger")
    list(nlp.pipe(sentences[:200]))  # warm up
    print(f"corpus: {len(docs)} articles, {words} words, {len(sentences)} sentences; "
          f"candidates: {len(candidates)} ({len(candidates) / len(sentences):.0%}), "
          f"selected in {select:.2f} s CPU")
    for name, texts in (("all sentences", sentences), ("candidates only", candidates)):
        start = time.process_time()
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=256))
        seconds = time.process_time() - start
        print(f"{name:16} {len(texts):6} sentences {tokens:7} tokens  {seconds:6.2f} s CPU  "
              f"{len(texts) / seconds:6.0f} sentences/s  {tokens / seconds:6.0f} tokens/s  "
              f"{len(docs) / seconds:5.0f} articles/s per core")


if __name__ == "__main__":
    main()
