# ALREA Flow — one command to run it, one to test it. Everything installs on first use.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
FRONT_STAMP := frontend/node_modules/.installed
export CDK_DISABLE_CLI_TELEMETRY := true
export CDK_DISABLE_VERSION_CHECK := 1
export AWS_EC2_METADATA_DISABLED := true
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 1

.PHONY: dev test install unit integration contract infra e2e synth layer frontend bench clean services

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PIP) install -q -U pip 2>&1 | grep -v '^WARNING: Location' || true
	@$(PIP) install -q -e '.[local,infra,test]' 2>&1 | grep -v '^WARNING: Location' || true
	@$(PY) -c "import alrea, moto, aio_pika, aws_cdk, cdk_nag, playwright" 
	@touch $(STAMP)

install: $(STAMP)

$(FRONT_STAMP): frontend/package.json
	@cd frontend && npm install --no-audit --no-fund --loglevel=error
	@touch $(FRONT_STAMP)

frontend/dist/index.html: $(FRONT_STAMP) $(shell find frontend/src -type f 2>/dev/null) frontend/index.html
	@cd frontend && npm run -s build

frontend: frontend/dist/index.html

services:
	@bash scripts/services.sh

dev: install frontend
	@$(PY) -m alrea.local.cli dev

# Two workers (tests wait on queues and sockets more than they compute), one file per worker at a time; then the
# test that stops RabbitMQ, alone.
test: install frontend services
	@$(PY) -m pytest -q -p no:cacheprovider -n 2 --dist loadfile -m "not broker_outage"
	@$(PY) -m pytest -q -p no:cacheprovider -m broker_outage

unit: install
	@$(PY) -m pytest -q tests/unit
integration: install services
	@$(PY) -m pytest -q tests/integration
contract: install services
	@$(PY) -m pytest -q tests/contract
infra: install
	@$(PY) -m pytest -q tests/infra
e2e: install frontend services
	@$(PY) -m pytest -q tests/e2e

# SITE_URL: the SPA's origin, the only origin the media bucket's CORS allows (required by the stack).
SITE_URL ?= https://app.example.com
synth: layer
	@npx --yes aws-cdk@2 synth --no-notices -q -c site_url=$(SITE_URL) -o cdk.out > /dev/null && echo "synthesized into cdk.out/ (template: cdk.out/AlreaFlow.template.json)"

layer: install
	@set -o pipefail; $(PY) -m infra.layer 2>&1 | grep -v '^WARNING: Location'

bench: install
	@for f in bench/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) cdk.out build frontend/node_modules frontend/dist
