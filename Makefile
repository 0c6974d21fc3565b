# carebridge: the README's test command is `make test`.
GO ?= go
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
PKGS := ./...
# The Helm chart's tests: a Go module of their own, so that Helm's and
# Kubernetes' libraries stay out of the daemon's go.mod (./... above skips it).
# It imports the daemon's packages through a replace of ../..: after a change
# of the root go.mod run `cd configs/helm && go mod tidy`.
HELM := configs/helm

# The programs the tests need, each as program:Debian package. `make test`
# checks them before anything else and stops at once naming the missing ones
# and the command that installs them (.ci/run installs them on a fresh Debian
# machine). `make test ALLOW_SKIP=1` runs anyway for a quick local check: the
# tests that need a missing program are skipped, and make says so first and
# last, so a run that skipped is never mistaken for a full one.
TOOLS := redis-server:redis-server chromium:chromium promtool:prometheus node:nodejs npm:npm curl:curl
ALLOW_SKIP ?=
# Inside make test a missing program fails its tests instead of skipping them.
REQUIRE := CAREBRIDGE_REQUIRE_REDIS=1 CAREBRIDGE_REQUIRE_BROWSER=1 CAREBRIDGE_REQUIRE_PROMTOOL=1 CAREBRIDGE_REQUIRE_CURL=1
ifneq ($(ALLOW_SKIP),)
REQUIRE :=
endif
# find_missing sets $$missing to the programs not on the PATH and
# $$packages to the Debian packages that install them.
find_missing = missing=""; packages=""; \
	for pair in $(TOOLS); do \
	  tool=$${pair%%:*}; command -v $$tool >/dev/null 2>&1 || { missing="$$missing $$tool"; packages="$$packages $${pair\#*:}"; }; \
	done

.PHONY: test tools missing-packages lint unit build demo bench fmt salesforce helm helm-lint helm-files

## test: everything CI runs: the programs the tests need, formatting, vet, staticcheck, the Salesforce console's tests, the Helm chart's tests, and all Go tests with the race detector.
test: tools lint salesforce helm
	$(REQUIRE) $(GO) test -race -count=1 -timeout 30m $(PKGS)
	@$(find_missing); if [ -n "$$missing" ]; then echo "make test: passed WITHOUT the tests that need$$missing (ALLOW_SKIP=1): not a full run"; fi

## tools: check that the programs the tests need are installed; name the missing ones and the apt-get command that installs them.
tools:
	@$(find_missing); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ -n "$(ALLOW_SKIP)" ]; then \
	  echo "make test: ALLOW_SKIP=1: the tests that need$$missing will be SKIPPED: this is not a full run"; exit 0; \
	fi; \
	echo "make test: the tests need programs that are not installed:$$missing"; \
	echo "install them with:"; \
	echo "  sudo apt-get install -y$$packages"; \
	echo "(.ci/run installs them itself; make test ALLOW_SKIP=1 runs without them, skipping their tests)"; \
	exit 1

## missing-packages: the Debian packages of the missing programs, one line (for .ci/run).
missing-packages:
	@$(find_missing); echo $$packages

## salesforce: the Lightning web component's Jest tests and lint (@salesforce/eslint-config-lwc), the metadata check (the source converted with @salesforce/source-deploy-retrieve and validated against the Metadata API's rules), and the console check: the Salesforce sandbox's embedded console (connectors/salesforce/sfsim/console) is what the sources build (Node.js and npm, packages from the lockfile, offline after npm ci).
salesforce:
	@if [ -n "$(ALLOW_SKIP)" ] && ! command -v npm >/dev/null 2>&1; then \
	  echo "make salesforce: npm is not installed: the Salesforce console's tests are SKIPPED (ALLOW_SKIP=1)"; exit 0; fi; \
	cd configs/salesforce && npm ci --no-audit --no-fund && npm run test:unit && npm run lint && npm run check:metadata && npm run check:console

## helm: render the chart (configs/helm/carebridge) with Helm's library and check every object against the Kubernetes API types and the daemon's own config loader and routes.
helm: helm-lint
	cd $(HELM) && $(GO) test -count=1 ./...

helm-lint:
	cd $(HELM) && $(GO) vet ./...
	cd $(HELM) && $(STATICCHECK) ./...

## helm-files: copy the shipped alert rules and dashboard into the chart (Helm reads only files inside it); the helm tests fail while the copies differ.
helm-files:
	cp configs/prometheus/alerts.yaml $(HELM)/carebridge/files/alerts.yaml
	cp configs/grafana/carebridge-dashboard.json $(HELM)/carebridge/files/carebridge-dashboard.json

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(STATICCHECK) $(PKGS)

## unit: tests without the race detector (quicker while developing).
unit:
	$(GO) test -count=1 $(PKGS)

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/carebridge ./cmd/carebridge

demo:
	$(GO) run ./cmd/carebridge demo

bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')
