# Bench Strength: two commands do all set-up on a fresh machine with Python 3.11 and apt.
#   make run   - create .venv, install pinned requirements, start the app on the demo
#   make test  - install test requirements (and Debian's chromium when missing), run every test
#   make serve - N app processes behind Debian's HAProxy (N=2 by default), for a team (docs/DEPLOY.md)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
CHROMIUM := /usr/bin/chromium
HAPROXY := /usr/sbin/haproxy
N ?= 2

.PHONY: run serve test test-unit test-app test-e2e lint demo bench loadtest clean

# Debian's system Python ships venv separately (python3.11-venv): install it when missing.
$(VENV)/bin/activate:
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq python3.11-venv && \
	  $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# `make test` stamps the installed test requirements with their content, not their date: a fresh
# checkout beside a kept .venv has newer requirement files, which re-ran pip over every requirement
# (twice) before each run although nothing had changed.
REQ_STAMP := $(VENV)/.test-$(shell cat requirements.txt requirements-dev.txt 2>/dev/null | sha256sum | cut -c1-16)
$(REQ_STAMP): | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.test-*
	touch $@ $(VENV)/.runtime $(VENV)/.dev

run: $(VENV)/.runtime
	$(PY) -m streamlit run app.py --server.port $(PORT)

# A cluster on one machine: N identical app processes behind HAProxy (deploy/haproxy.cfg) on PORT,
# sticky sessions, health checks; tools/serve.py restarts a crashed process; Ctrl-C stops them all.
# BIND=0.0.0.0 serves other machines (put TLS in front: docs/DEPLOY.md).
BIND ?= 127.0.0.1
serve: $(VENV)/.runtime $(HAPROXY)
	$(PY) -m tools.serve --processes $(N) --port $(PORT) --bind $(BIND)

# The load balancer is Debian's HAProxy, installed like Chromium when missing.
$(HAPROXY):
	@if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq haproxy

# Browser tests drive Debian's Chromium (Playwright cannot download its own browsers here).
$(CHROMIUM):
	@if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium

# Two workers, one test file each at a time, the longest files first (tests/conftest.py, LONGEST_FILES);
# browser tests start their own server per worker.
test: $(REQ_STAMP) $(CHROMIUM) $(HAPROXY)
	$(PY) -m pytest -n 2 --dist loadfile

test-unit: $(VENV)/.dev
	$(PY) -m pytest tests/unit analytics

test-app: $(VENV)/.dev
	$(PY) -m pytest tests/app

test-e2e: $(VENV)/.dev $(CHROMIUM) $(HAPROXY)
	$(PY) -m pytest tests/e2e

lint: $(VENV)/.dev
	$(PY) -m ruff check .

# Regenerate the committed demo exports from the seeded generator.
demo: $(VENV)/.runtime
	$(PY) -m tools.demo

bench: $(VENV)/.dev $(CHROMIUM)
	$(PY) -m benchmarks.run

# Load test, not part of `make test`: SESSIONS real browser sessions for DURATION seconds per
# configuration, the results written into benchmarks/RESULTS.md (its loadtest section).
#   make loadtest                      1 plain process, then N (= cores, at least 2) behind HAProxy,
#                                      one of them killed after KILL_AFTER s (default 2/3 of DURATION)
#   make loadtest PROCESSES="1 4"      the process counts to compare, in order
#   make loadtest URL=http://host:port a server or balancer already running (PIDS="..." to watch its memory)
SESSIONS ?= 8
DURATION ?= 150
LOADTEST_ARGS = --sessions $(SESSIONS) --duration $(DURATION) --write-results \
  $(if $(URL),--url $(URL) $(if $(PIDS),--pids $(PIDS)),$(if $(PROCESSES),--processes "$(PROCESSES)") \
  $(if $(KILL_AFTER),--kill-after $(KILL_AFTER)))
loadtest: $(VENV)/.dev $(CHROMIUM) $(HAPROXY)
	$(PY) -m benchmarks.loadtest $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
