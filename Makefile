# carebridge: the README's test command is `make test`.
GO ?= go
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
PKGS := ./...

.PHONY: test lint unit build demo bench fmt salesforce

## test: everything CI runs: formatting, vet, staticcheck, the Salesforce console's tests, and all Go tests with the race detector.
test: lint salesforce
	$(GO) test -race -count=1 -timeout 30m $(PKGS)

## salesforce: the Lightning web component's Jest tests and the metadata check (Node.js and npm, packages from the lockfile).
salesforce:
	cd configs/salesforce && npm ci --no-audit --no-fund && npm run test:unit && npm run check:metadata

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
