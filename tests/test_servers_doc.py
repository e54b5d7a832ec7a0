"""docs/servers.md: its Oxigraph commands, run as written against a real `oxigraph serve` on
loopback, and what it says of a build on a server (incremental, summaries kept exact)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import oxigraph_server

from kg.graph.remote import RemoteStore
from kg.graph.summaries import compute_summaries, read_summaries

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "servers.md"
DOC_ENDPOINT = "http://127.0.0.1:7878/query"


def _section(title: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def _kg_lines(section: str) -> list[str]:
    blocks = re.findall(r"```\n(.*?)```", section, flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.startswith("kg ")]


def test_the_oxigraph_commands_run_as_written(tmp_path: Path) -> None:
    lines = [line for line in _kg_lines(_section("Oxigraph server")) if DOC_ENDPOINT in line]
    assert any(" build " in line for line in lines) and any(" remove " in line for line in lines)
    with oxigraph_server(tmp_path / "served") as endpoint:
        for line in lines:
            args = [endpoint if a == DOC_ENDPOINT else a for a in shlex.split(line)[1:]]
            # The doc's corpus and file names stand for the reader's own.
            args = [str(ROOT / "examples") if a == "news/" else "seed" if a == "doc-17"
                    else str(tmp_path / a) if a.endswith(".html") else a for a in args]
            done = subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True,
                                  text=True, timeout=180)
            assert done.returncode == 0, f"{line}: {done.stderr}"
            assert "Traceback" not in done.stderr


def test_a_build_on_a_server_is_incremental_and_keeps_its_summaries(tmp_path: Path) -> None:
    with oxigraph_server(tmp_path / "served") as endpoint:
        def build() -> str:
            done = subprocess.run([sys.executable, "-m", "kg", "--endpoint", endpoint, "build",
                                   str(ROOT / "examples")], capture_output=True, text=True,
                                  timeout=180)
            assert done.returncode == 0, done.stderr
            return done.stdout + done.stderr

        first, again = build(), build()
        assert "Built 2 documents" in first
        assert "Built 2 documents" not in again and "unchanged" in again
        with RemoteStore(endpoint) as store:
            rows = read_summaries(store)
            assert rows and rows == compute_summaries(store)
