"""Sentences and tokens, through spaCy's rule-based English tokenizer and sentencizer.

No trained model is needed (nor downloaded): the tokenizer's exceptions keep "U.S.", "Jan."
and "Mr." whole, and the sentencizer splits after sentence-final punctuation. Paragraph
breaks always end a sentence. Built once per process, on first use.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@functools.lru_cache(maxsize=1)
def _pipeline():  # type: ignore[no-untyped-def]
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


_PARAGRAPH = re.compile(r"[^\n]+")


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of `text` with their character offsets, paragraph by paragraph."""
    nlp = _pipeline()
    sentences: list[Sentence] = []
    for para in _PARAGRAPH.finditer(text):
        chunk = para.group(0)
        if not chunk.strip():
            continue
        for sent in nlp(chunk).sents:
            start = para.start() + sent.start_char
            end = para.start() + sent.end_char
            piece = text[start:end].strip()
            if not piece:
                continue
            offset = text.index(piece, start)
            sentences.append(Sentence(offset, offset + len(piece), piece))
    return _merge_fragments(text, sentences)


def _merge_fragments(text: str, sentences: list[Sentence]) -> list[Sentence]:
    """Rejoin pieces the sentencizer cut off inside a quotation (a lone closing quote)."""
    merged: list[Sentence] = []
    for sent in sentences:
        fragment = len(sent.text) <= 2 or sent.text[0] in ",;:)”’" or sent.text[0].islower()
        if merged and fragment and sent.start - merged[-1].end <= 1 \
                and "\n" not in text[merged[-1].end:sent.start]:
            prev = merged[-1]
            merged[-1] = Sentence(prev.start, sent.end, text[prev.start:sent.end])
        else:
            merged.append(sent)
    return merged
