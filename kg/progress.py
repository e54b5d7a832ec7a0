"""Progress of long work on stderr: a tqdm bar on a terminal, one summary line otherwise.

`Progress` counts items (documents, quads, bytes) and reports their rate. The library takes
a plain `progress` callable where work is long (`kg.pipeline.build`), so notebooks can pass
their own; the CLI passes `Progress.update`.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any, TextIO


def _human(n: float, unit: str) -> str:
    if unit == "B":
        for step in ("B", "kB", "MB", "GB"):
            if n < 1000 or step == "GB":
                return f"{n:.0f} {step}" if step == "B" else f"{n:.1f} {step}"
            n /= 1000
    return f"{n:,.0f} {unit}"


class Progress:
    """`with Progress("build", "documents") as bar: … bar.update(1)`.

    On a terminal (stderr a TTY) tqdm draws a bar with counts and rate; otherwise nothing
    is drawn and closing writes one line: `kg build: 10 documents in 1.2 s (8.3 documents/s)`.
    Nothing is written when the block fails: the error line says what happened.
    """

    def __init__(self, what: str, unit: str, *, total: float | None = None,
                 stream: TextIO | None = None, enabled: bool = True, summary: bool = True):
        self.what = what
        self.unit = unit
        self.count = 0.0
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.summary = summary  # off where the command prints a summary of its own
        self._start = time.monotonic()
        self._bar: Any = None
        if enabled and self.stream.isatty():
            from tqdm import tqdm

            scaled = unit == "B"
            short = {"documents": "doc", "quads": "quad"}.get(unit, unit)  # tqdm adds no space
            self._bar = tqdm(total=total, desc=f"kg {what}", unit=short, unit_scale=scaled,
                             unit_divisor=1000, file=self.stream, dynamic_ncols=True,
                             leave=True)

    def report_as(self, count: float, unit: str) -> None:
        """Say `count` `unit` in the summary line (the bar may count bytes, the line quads)."""
        self.count, self.unit = count, unit

    def update(self, n: float = 1) -> None:
        self.count += n
        if self._bar is not None:
            self._bar.update(n)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if self._bar is not None:
            self._bar.close()
            return
        if exc_type is None and self.enabled and self.summary:
            seconds = max(time.monotonic() - self._start, 1e-9)
            rate = _human(self.count / seconds, self.unit)
            self.stream.write(f"kg {self.what}: {_human(self.count, self.unit)} in "
                              f"{seconds:.1f} s ({rate}/s)\n")
            self.stream.flush()


class CountingWriter:
    """A binary output that reports each write's size to `progress` (for `kg export`)."""

    def __init__(self, out: IO[bytes], progress: Progress):
        self._out = out
        self._progress = progress

    def write(self, data: bytes) -> int:
        written = self._out.write(data)
        self._progress.update(len(data))
        return written

    def flush(self) -> None:
        self._out.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._out, name)
