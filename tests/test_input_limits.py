"""Inputs that would exhaust memory or block for ever are refused, in real `kg` processes.

Each process runs under an address-space limit, so a read that grows without bound fails
the test (a MemoryError traceback) instead of taking the machine down.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from kg.extract.documents import _bounded_lines

KG = [sys.executable, "-m", "kg"]
MEMORY = 3 * 1024 ** 3  # far above what kg needs, far below what the attacks would take


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def kg(*args: str, timeout: float = 60, **kw) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=timeout,
                          preexec_fn=_limit_memory, **kw)


# --- front matter --------------------------------------------------------------------------

ALIAS_BOMB = """---
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
title: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
Chile criticised Peru.
"""


@pytest.mark.parametrize("header, message", [
    (ALIAS_BOMB.split("---\n")[1], "front matter uses YAML anchors or aliases"),
    ("title: &t Talks\nsource: *t\n", "front matter uses YAML anchors or aliases"),
    ("title: {a: {b: [1]}}\n", "front matter is nested too deeply"),
    ("tags: [[1]]\n", "front matter is nested too deeply"),
    ("".join(f"k{i}: v\n" for i in range(300)), "front matter has over 500 values"),
    ("title: " + "x" * 20_000 + "\n", "front matter is over 16384 bytes"),
])
def test_front_matter_is_a_small_flat_mapping(tmp_path: Path, header: str,
                                              message: str) -> None:
    path = tmp_path / "a.txt"
    path.write_text(f"---\n{header}---\nChile criticised Peru.\n", encoding="utf-8")
    result = kg("extract", str(path), "-w", "1")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(f"Error: {path}: {message}"), result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_plain_front_matter_and_a_short_list_still_read(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("---\nid: x\ndate: 2025-01-01\ntags: [a, b]\ntitle: 'T: t'\n---\n"
                    "Chile criticised Peru.\n", encoding="utf-8")
    result = kg("extract", str(path), "-w", "1")
    assert result.returncode == 0 and json.loads(result.stdout)["doc"] == "x"


# --- devices, FIFOs, endless lines ---------------------------------------------------------


def test_a_jsonl_symlink_to_dev_zero_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.jsonl"
    link.symlink_to("/dev/zero")
    for extra in ([], ["--keep-going"]):
        result = kg("--store", str(tmp_path / "store"), "build", str(link), *extra)
        message = f"{link}: not a regular file but a device"
        assert message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def test_a_fifo_named_as_input_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    result = kg("extract", str(fifo), timeout=30)
    assert result.returncode == 1
    assert result.stderr == f"Error: {fifo}: not a regular file but a FIFO\n"


def test_kg_import_refuses_a_fifo_and_a_device(tmp_path: Path) -> None:
    fifo = tmp_path / "extra.ttl"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.nt"
    zero.symlink_to("/dev/zero")
    for path, what in ((fifo, "a FIFO"), (zero, "a device")):
        result = kg("--store", str(tmp_path / "store"), "import", str(path), timeout=30)
        assert result.returncode == 1
        assert result.stderr == f"Error: {path}: not a regular file but {what}\n"


def test_an_endless_line_on_stdin_stops_at_the_limit() -> None:
    with subprocess.Popen(["cat", "/dev/zero"], stdout=subprocess.PIPE) as zeros:
        result = kg("extract", "-", "--max-bytes", "100000", stdin=zeros.stdout, timeout=60)
        zeros.kill()
    assert result.returncode == 1
    assert result.stderr == ("Error: <stdin>:1: line is over the size limit of 100000 "
                             "bytes\n")


def test_stdin_reads_json_lines_and_skips_a_long_line(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "a", "text": "Chile criticised Peru."}),
             json.dumps({"id": "b", "text": "x " * 200_000}),
             json.dumps({"id": "c", "text": "Kenya criticised Uganda."})]
    result = kg("extract", "-", "-w", "1", "--max-bytes", "1000", "--keep-going",
                input="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["doc"] for line in result.stdout.splitlines()] == ["a", "c"]
    assert result.stderr == "Skipped: <stdin>:2: line is over the size limit of 1000 bytes\n"


class _Recording(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.largest = 0

    def readline(self, size: int | None = -1) -> bytes:  # type: ignore[override]
        line = super().readline(size)
        self.largest = max(self.largest, len(line))
        return line


def test_a_long_line_is_never_held_whole() -> None:
    handle = _Recording(b'{"id": 1}\n' + b"x" * 5_000_000 + b'\n{"id": 2}\n')
    lines = list(_bounded_lines(handle, 1000))
    assert lines == [b'{"id": 1}\n', None, b'{"id": 2}\n']
    assert handle.largest <= 1 << 20
    exact = list(_bounded_lines(io.BytesIO(b"y" * 1000 + b"\n" + b"z" * 1000), 1000))
    assert exact == [b"y" * 1000 + b"\n", b"z" * 1000]
