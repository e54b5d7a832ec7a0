import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.extract.documents import commentary_start, read_documents

ARTICLE = """---
id: demo-1
url: https://example.org/a
date: 2025-03-02
title: A title
source: example.org
---
Japan and Canada signed a treaty.

Analysis: This is the author's view.
"""


def read(path: Path, **kw):  # type: ignore[no-untyped-def]
    return list(read_documents([path], **kw))


def test_front_matter_and_commentary(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    (doc,) = read(path)
    assert (doc.id, doc.url, doc.date, doc.title, doc.source) == (
        "demo-1", "https://example.org/a", "2025-03-02", "A title", "example.org")
    assert doc.text.startswith("Japan and Canada")
    assert doc.text[doc.commentary_start:].startswith("Analysis:")


def test_id_defaults_to_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "story-7.md"
    path.write_text("Plain text, no front matter.", encoding="utf-8")
    (doc,) = read(path)
    assert doc.id == "story-7" and doc.date is None


@pytest.mark.parametrize("head", [
    "Comments: what it means.", "Editor's note: opinion.", "Opinion - views.",
    "Statement: The article represents the personal views of the author.",
])
def test_commentary_headings(head: str) -> None:
    text = f"The report.\n\n{head}\n"
    assert commentary_start(text) == text.index(head.split()[0])


def test_no_commentary_in_plain_reporting() -> None:
    assert commentary_start("Officials commented on the analysis of trade.") is None


def test_newlines_bom_and_unicode_forms_do_not_change_the_text(tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    messy = tmp_path / "messy.txt"
    clean.write_text("Zoë met Tokyo officials.\nThen left.", encoding="utf-8")
    messy.write_bytes("\ufeffZoe\u0308 met Tokyo officials.\r\nThen left.".encode("utf-8"))
    assert read(clean)[0].text == read(messy)[0].text


def test_jsonl_streams_articles_and_names_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    good = json.dumps({"id": "x1", "text": "Hello.", "date": "2024-01-02"})
    path.write_text(good + "\n{not json}\n" + good.replace("x1", "x2") + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"corpus.jsonl:2: not valid JSON"):
        read(path)
    skipped: list[str] = []
    docs = read(path, keep_going=True, skipped=skipped)
    assert [d.id for d in docs] == ["x1", "x2"] and len(skipped) == 1


def test_html_main_text_without_scripts(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    body = " ".join(["Japan and Canada agreed to deepen cooperation on energy."] * 4)
    path.write_text(
        "<html><head><title>Talks</title><script>var x = 'Russia invaded';</script>"
        "<style>p{}</style></head><body><nav>Home | About</nav><article><h1>Talks</h1>"
        f"<p>{body}</p><p>{body}</p></article></body></html>", encoding="utf-8")
    (doc,) = read(path)
    assert "deepen cooperation" in doc.text
    assert "Russia invaded" not in doc.text and "p{}" not in doc.text


def test_folders_are_read_recursively_by_extension(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("B text.", encoding="utf-8")
    (tmp_path / "sub" / "a.md").write_text("A text.", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    assert sorted(d.id for d in read(tmp_path)) == ["a", "b"]


@pytest.mark.parametrize("name, content, message", [
    ("missing.txt", None, "no such file"),
    ("bad.txt", b"caf\xe9 au lait", "not valid UTF-8 at byte 3"),
    ("data.pdf", b"%PDF", "unknown extension '.pdf'"),
    ("front.txt", b"---\ndate: [unclosed\n---\nText.", "bad front matter"),
    ("open.txt", b"---\ndate: 2024-01-01\nText.", "never closed"),
    ("baddate.txt", b"---\ndate: next week\n---\nText.", "not an ISO date"),
])
def test_bad_inputs_raise_one_line_errors(tmp_path: Path, name: str, content: bytes | None,
                                          message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read(path)
    assert message in str(info.value) and str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_size_cap_refuses_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("x" * 5000, encoding="utf-8")
    with pytest.raises(InputError, match="over the size limit of 1000 bytes"):
        read(path, max_bytes=1000)


def test_an_empty_article_is_a_document_without_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"\xef\xbb\xbf  \r\n\n")
    (doc,) = read(path)
    assert (doc.id, doc.text) == ("empty", "")


def test_lone_surrogates_and_nul_never_reach_a_document(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "s", "title": "bad \\ud800 title", "text": "Chile\\u0000 and '
                    '\\udc00Peru signed a treaty."}\n', encoding="utf-8")
    (doc,) = read(path)
    assert doc.text == "Chile and \ufffdPeru signed a treaty."
    assert doc.title == "bad \ufffd title"
    doc.text.encode("utf-8")
