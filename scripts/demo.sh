#!/usr/bin/env bash
# The demo of the README: build the graph of the bundled sample and ask it questions.
# Runs in the current folder (the store goes to .kg/ there); `make demo` runs it from the
# project's root. KG names the kg command (default: the one on PATH).
set -euo pipefail
KG=${KG:-kg}
EXAMPLES="$(realpath --relative-to=. "$(dirname "$0")/../examples")"
STORE=.kg/demo-store

# Echo each command as a user would type it (arguments with spaces quoted), then run it.
run() {
  local shown="\$ kg" arg
  for arg in "$@"; do
    case $arg in *" "*) shown+=" \"$arg\"" ;; *) shown+=" $arg" ;; esac
  done
  echo "$shown"
  "$KG" "$@"
}

rm -rf "$STORE"
run --store "$STORE" build "$EXAMPLES"
echo
run extract "$EXAMPLES/seed.txt" --format table
echo; echo "== Who invited whom, where, on what evidence"
run --store "$STORE" query --saved invitations-visits
echo; echo "== Partnerships and their labels"
run --store "$STORE" query --saved partnerships
echo; echo "== Timeline of Japan and the UK"
run --store "$STORE" query --saved pair-timeline --param a=JPN --param b=GBR
echo
run --store "$STORE" viz -o .kg/demo-graph.html
echo; echo "== Did Starmer visit China? (ASK)"
run --store "$STORE" query "ASK { country:GBR kg:visited country:CHN }"
echo
run --store "$STORE" stats
echo
run --store "$STORE" validate
