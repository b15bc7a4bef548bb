.PHONY: run test lint bench bench-instructions

run:   ## install everything, load the demo property, chat with it
	scripts/run

test:  ## install everything and run the whole test suite (SQLite + PostgreSQL)
	scripts/test

lint:
	.venv/bin/ruff check access_core nlu actions bot concierge_catalog devices bench tests

bench: ## full-size benchmarks (slow; by hand)
	.venv/bin/python -m bench.core
	.venv/bin/python -m bench.nlu_eval
	.venv/bin/python -m bench.chat
	.venv/bin/python -m bench.devices
	.venv/bin/python -m bench.web

bench-instructions: ## instructions per chat message and per decision under callgrind (load-proof; REF=commit to compare)
	.venv/bin/python -m bench.instructions $(if $(REF),--ref $(REF))
