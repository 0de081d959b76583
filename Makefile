# asaaudit: everything CI and developers run. Needs Go (and gcc for -race); "make test"
# installs Chromium for the HTML report's tests when it is missing.
GO       ?= go
PKGS     ?= ./...
BENCHTIME ?= 5x

.PHONY: build test fmt-check vet unit bench lint fuzz demo-live docs clean browser

build:
	$(GO) build -o bin/asaaudit ./cmd/asaaudit
	$(GO) build -o bin/asasim ./cmd/asasim

# The whole test suite: formatting, vet, staticcheck, and every test with the race detector.
# The HTML report is tested in Chromium, installed first when missing.
test: fmt-check vet lint browser unit

# Chromium for the HTML report's browser tests (report/htmlbrowser_test.go): installed with
# apt-get when missing (sudo when not root); a failure stops here, loudly, because those
# tests fail without it rather than skip.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing chromium for the HTML report's browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get install -y chromium || { $$SUDO apt-get update && $$SUDO apt-get install -y chromium; }; \
	}
	@command -v chromium >/dev/null 2>&1 || { echo "chromium could not be installed: the HTML report cannot be tested (apt-get install -y chromium)" >&2; exit 1; }

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

unit:
	$(GO) test -race -count=1 $(PKGS)

# Benchmarks: Scanner, Parse and check on generated 100k/1M-line configurations (MB/s,
# allocations), then the built binary against grep -c on 1M and 5M lines (time, peak RSS),
# with and without the path rules.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./bench/
	$(GO) run ./bench/cmd/compare -paths
	$(GO) run ./bench/cmd/capcompare

# Fuzzing: each target for FUZZTIME. New crashers land in testdata/fuzz/ and are replayed
# by every later go test. One worker by default, to leave the other cores alone. Every new
# input that adds coverage is minimized before it is counted, and the exec counter stands
# still meanwhile: a bound in runs (500x, about a second) rather than in time keeps the
# progress lines moving instead of freezing for the whole minimization time per input.
FUZZTIME  ?= 30s
FUZZFLAGS ?= -parallel 1 -fuzzminimizetime 500x
fuzz:
	@set -e; for t in FuzzScanner FuzzParse FuzzGrammar FuzzParseLine; do \
		echo "== $$t"; $(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./parser/; \
	done
	@echo "== FuzzCheck"; $(GO) test -run '^$$' -fuzz '^FuzzCheck$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./internal/cli/
	@echo "== evidence FuzzParse"; $(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./evidence/
	@echo "== FuzzReader"; $(GO) test -run '^$$' -fuzz '^FuzzReader$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./capture/

lint:
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PKGS)

# Command reference (docs/cli/*.md) generated from the cobra commands; a test fails when
# the committed files differ from what the commands would generate.
docs:
	$(GO) test ./internal/cli -run '^TestCLIDocs$$' -count=1 -update

clean:
	rm -rf bin

# Start the ASA emulator on loopback with a sample configuration and audit it with "live".
demo-live:
	bash scripts/demo-live.sh
