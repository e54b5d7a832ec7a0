"""Name the trained pipeline and state its provenance in its meta.json (called by `make parser`).

spaCy's trainer writes a generic meta ("pipeline", version 0.0.0); the shipped model says
what it is, which treebank files (by SHA-256) it was trained on, and under which licence.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

TREEBANK = Path("data/treebanks/en_ewt")


def main(model: str) -> None:
    path = Path(model) / "meta.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta.update({
        "name": "kg_parser_en_ewt",
        "version": "1.0.0",
        "description": "Tagger (PTB tags) and dependency parser (UD labels) trained by "
                       "`make parser` from UD_English-EWT r2.16 with scripts/parser.cfg",
        "license": "CC BY-SA 4.0",
        "sources": [{
            "name": "UD_English-EWT",
            "url": "https://github.com/UniversalDependencies/UD_English-EWT",
            "license": "CC BY-SA 4.0",
            "author": "The Board of Trustees of The Leland Stanford Junior University",
        }],
        "treebank_sha256": {
            f.name: hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(TREEBANK.glob("*.conllu.xz"))
        },
    })
    path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
