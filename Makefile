# carebridge: the README's test command is `make test`.
GO ?= go
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
PKGS := ./...
# The Helm chart's tests: a Go module of their own, so that Helm's and
# Kubernetes' libraries stay out of the daemon's go.mod (./... above skips it).
# It imports the daemon's packages through a replace of ../..: after a change
# of the root go.mod run `cd configs/helm && go mod tidy`.
HELM := configs/helm

.PHONY: test lint unit build demo bench fmt salesforce helm helm-lint helm-files

## test: everything CI runs: formatting, vet, staticcheck, the Salesforce console's tests, the Helm chart's tests, and all Go tests with the race detector.
test: lint salesforce helm
	$(GO) test -race -count=1 -timeout 30m $(PKGS)

## salesforce: the Lightning web component's Jest tests and lint (@salesforce/eslint-config-lwc), and the metadata check: the source converted with @salesforce/source-deploy-retrieve and validated against the Metadata API's rules (Node.js and npm, packages from the lockfile).
salesforce:
	cd configs/salesforce && npm ci --no-audit --no-fund && npm run test:unit && npm run lint && npm run check:metadata

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
