"""Sentences: bounded in length, so that extraction is linear in the size of a document.

Speed itself is measured by `python -m kg.bench.extraction --unpunctuated`, not here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kg.bench.extraction import unpunctuated
from kg.extract.sentences import MAX_SENTENCE, split_sentences


def _check(text: str) -> list[str]:
    sentences = split_sentences(text)
    assert all(len(s.text) <= MAX_SENTENCE for s in sentences)
    assert all(text[s.start:s.end] == s.text for s in sentences)
    assert [s.start for s in sentences] == sorted(s.start for s in sentences)
    return [s.text for s in sentences]


def test_a_run_without_punctuation_is_cut_at_spaces() -> None:
    text = unpunctuated(50_000).text
    pieces = _check(text)
    assert len(pieces) >= 50
    assert " ".join(pieces).split() == text.split()  # no word lost or cut


def test_a_run_without_spaces_is_cut_at_the_limit() -> None:
    text = "Japan met Peru. " + "X" * (3 * MAX_SENTENCE) + " Chile met Peru."
    pieces = _check(text)
    assert pieces[0] == "Japan met Peru." and pieces[-1].endswith("Chile met Peru.")
    assert "".join(pieces[1:]) == "X" * (3 * MAX_SENTENCE) + "Chile met Peru."


def test_ordinary_sentences_are_untouched() -> None:
    text = ("Japan and the UK signed an agreement. " * 3 + "\n\n" + "Word " * 150).strip()
    pieces = _check(text)
    assert pieces[:3] == ["Japan and the UK signed an agreement."] * 3
    assert pieces[3] == ("Word " * 150).strip()


def test_a_paragraph_over_a_million_characters_is_read(tmp_path: Path) -> None:
    # spaCy refuses a text over 1,000,000 characters: one paragraph of 1.2 MB used to fail.
    path = tmp_path / "long.txt"
    path.write_text("word " * 240_000 + "Japan criticised Peru", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kg", "extract", str(path), "-w", "1"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert '"kind": "criticism"' in result.stdout and result.stderr == ""
