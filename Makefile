# asaaudit: everything CI and developers run. Needs only Go (and gcc for -race).
GO       ?= go
PKGS     ?= ./...
BENCHTIME ?= 5x

.PHONY: build test fmt-check vet unit bench lint fuzz demo-live docs clean

build:
	$(GO) build -o bin/asaaudit ./cmd/asaaudit
	$(GO) build -o bin/asasim ./cmd/asasim

# The whole test suite: formatting, vet, and every test with the race detector.
test: fmt-check vet unit

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

unit:
	$(GO) test -race -count=1 $(PKGS)

# Benchmarks: parser and check on generated 100k/1M-line configurations, compared with grep -c.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./bench/ ./parser/
	$(GO) run ./bench/cmd/compare

lint:
	$(GO) run honnef.co/go/tools/cmd/staticcheck@latest $(PKGS)

# Command reference (docs/cli/*.md) generated from the cobra commands; a test fails when
# the committed files differ from what the commands would generate.
docs:
	$(GO) test ./internal/cli -run '^TestCLIDocs$$' -count=1 -update

clean:
	rm -rf bin
