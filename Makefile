# make demo: set up and build the graph of the bundled sample, then ask it questions.
# make test: set up with the test extras and run every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
KG     := $(BIN)/kg
DEV    ?= ../shared/eval/dev
PEERS  ?= ../shared/eval/peers

.PHONY: demo test eval confidence confidence-fit bench bench-scale bench-import lint clean install install-test parser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	KG=$(KG) bash scripts/demo.sh

# The browser tests drive Debian's Chromium through Playwright (never a browser download).
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-ipafont-gothic

test: install-test $(CHROMIUM)
	$(BIN)/ruff check kg tests
	$(BIN)/python -m pytest -q

eval: install
	$(BIN)/python -m kg.events.fusion tests/data/fusion
	@test -d $(DEV) || { echo "no dev set at $(DEV)"; exit 1; }
	mkdir -p .kg
	$(KG) extract $(DEV)/*.txt --format jsonl -o .kg/dev-facts.jsonl
	$(BIN)/python $(DEV)/../score.py $(DEV) .kg/dev-facts.jsonl

# The precision-coverage table of docs/facts.md: the 48 articles (as shipped and
# cross-validated), the peers' sentences and the dev set (read in place, reported only).
confidence: install
	@test -d $(DEV) || { echo "no dev set at $(DEV)"; exit 1; }
	@test -x $(PEERS)/run.sh || { echo "no peers yardstick at $(PEERS)"; exit 1; }
	rm -rf .kg/peers
	$(PEERS)/run.sh . .kg/peers
	$(BIN)/python scripts/confidence_table.py --articles --cross --peers .kg/peers --dev $(DEV)

# Refit kg/data/confidence.yaml on the 48 articles (after a change to triggers, rules or signals).
confidence-fit: install
	$(BIN)/python scripts/confidence_table.py --fit

bench: install-test $(CHROMIUM)
	$(BIN)/python -m kg.bench.extraction --dev $(DEV)

# kg import of 1,000,000 synthetic triples beside Oxigraph's own bulk load: triples/s, peak RSS.
# Builds of 1k, 10k and 100k synthetic articles (100k only if it fits in the budget); not in `make test`.
bench-scale: install-test
	$(BIN)/python -m kg.bench.scale

bench-import: install
	$(BIN)/python -m kg.bench.importing

# The dependency parser shipped in kg/models/parser, rebuilt from the committed treebank files
# (data/treebanks/en_ewt, see its SOURCES.md) with scripts/parser.cfg and its fixed seed.
# About 20 minutes on 2 cores; then the test split's scores go to build/parser/test-scores.json.
PARSER_BUILD := build/parser
PARSER_MODEL := kg/models/parser

parser: install
	rm -rf $(PARSER_BUILD)
	mkdir -p $(PARSER_BUILD)/conllu $(PARSER_BUILD)/corpus
	for split in train dev test; do \
		xz -dc data/treebanks/en_ewt/$$split.conllu.xz > $(PARSER_BUILD)/conllu/$$split.conllu || exit 1; \
	done
	$(BIN)/python -m spacy convert $(PARSER_BUILD)/conllu $(PARSER_BUILD)/corpus --converter conllu -n 10
	$(BIN)/python -m spacy train scripts/parser.cfg --output $(PARSER_BUILD)/training
	$(BIN)/python scripts/parser_meta.py $(PARSER_BUILD)/training/model-best
	rm -rf $(PARSER_MODEL)
	cp -r $(PARSER_BUILD)/training/model-best $(PARSER_MODEL)
	$(BIN)/python -m spacy evaluate $(PARSER_MODEL) $(PARSER_BUILD)/corpus/test.spacy \
		--output $(PARSER_BUILD)/test-scores.json

lint: install-test
	$(BIN)/ruff check kg tests

clean:
	rm -rf $(VENV) .kg *.egg-info .pytest_cache build
