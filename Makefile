# kcache — the two commands a new user needs are `make demo` and `make test`.
SWIFT ?= swift
SYSTEM_PACKAGES := libcurl4-openssl-dev libsqlite3-dev
TEST_PACKAGES := curl
PIP_PACKAGES := kubernetes openapi-spec-validator schemathesis

.PHONY: all build release demo test deps test-deps bench bench-ci bench-tools soak clean

all: build

## deps: install the system libraries the build links against, when missing.
deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "installing:$$missing"; \
	    (apt-get install -y $$missing || (apt-get update && apt-get install -y $$missing)) >/dev/null; \
	  else echo "missing system packages:$$missing — run: sudo apt-get install -y$$missing"; exit 1; fi; \
	fi

## test-deps: what the tests use besides the build: curl, kubectl, the Python client,
## openapi-spec-validator and schemathesis.
test-deps: deps
	@missing=""; for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then (apt-get install -y $$missing || (apt-get update && apt-get install -y $$missing)) >/dev/null; \
	  else echo "missing packages:$$missing — run: sudo apt-get install -y$$missing"; exit 1; fi; \
	fi
	@python3 -c 'import kubernetes, openapi_spec_validator, schemathesis' 2>/dev/null || python3 -m pip install --quiet $(PIP_PACKAGES) \
	  || echo "note: could not install the Python packages ($(PIP_PACKAGES)); their tests will say they skip"
	@command -v kubectl >/dev/null || echo "note: kubectl is not installed; kubectl tests will say they skip (https://kubernetes.io/docs/tasks/tools/)"

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Test targets run one after another: the integration targets start servers and wait on
# events, and must not share two cores with another target's CPU-bound unit tests.
TEST_TARGETS := $(notdir $(wildcard Tests/*Tests))

## test: build everything in debug (no warnings allowed in our targets), run every test target, then
## kcache-bench's short form (small sizes, seconds; keeps the harness working, asserts no times).
test: test-deps bench-tools
	@$(SWIFT) build --build-tests 2>&1 | tee .build-test.log | grep -E "error|warning:" | grep -v "/.build/checkouts/" || true
	@if grep -E "error:" .build-test.log | grep -q .; then rm -f .build-test.log; exit 1; fi
	@if grep -E ": warning:" .build-test.log | grep -v "/.build/checkouts/" | grep -q .; then echo "warnings in our targets (see above)"; rm -f .build-test.log; exit 1; fi; rm -f .build-test.log
	@failed=""; for target in $(TEST_TARGETS); do \
	  echo "== $$target"; \
	  $(SWIFT) test --skip-build --filter "^$$target\." || failed="$$failed $$target"; \
	done; \
	if [ -n "$$failed" ]; then echo "failed:$$failed"; exit 1; fi; echo "all test targets passed"
	@echo "== kcache-bench --scenario ci"
	@.build/debug/kcache-bench --scenario ci

## soak: the randomized fault test's long form, 1,000 seeds (KCACHE_FAULT_SEEDS=N for another
## count, KCACHE_FAULT_SEED=N to replay one); `make test` runs its 50-seed CI form.
soak: deps
	$(SWIFT) build --build-tests
	KCACHE_FAULT_SEEDS=$${KCACHE_FAULT_SEEDS:-1000} $(SWIFT) test --skip-build --filter "EndToEndTests.RandomizedFaultTests"

## demo: a simulated cluster with kcache in front of it; prints what to try.
demo: deps
	$(SWIFT) build -c release --product kcache
	.build/release/kcache demo

## bench: every kcache-bench scenario at full size from a release build (tens of minutes; needs nginx,
## wrk, optionally kubectl). One scenario: .build-release/release/kcache-bench --scenario list-nginx
bench: deps bench-tools
	$(SWIFT) build -c release --product kcache --scratch-path .build-release
	$(SWIFT) build -c release --product kcache-bench --scratch-path .build-release
	.build-release/release/kcache-bench --scenario json
	.build-release/release/kcache-bench --scenario read-after-write
	.build-release/release/kcache-bench --scenario all

## bench-ci: every scenario at small sizes (seconds), from the debug build the tests use; checks that
## the harness runs, asserts no times.
bench-ci: deps bench-tools
	$(SWIFT) build --product kcache
	$(SWIFT) build --product kcache-bench
	.build/debug/kcache-bench --scenario ci

bench-tools:
	@missing=""; for p in nginx wrk; do command -v $$p >/dev/null 2>&1 || [ -x /usr/sbin/$$p ] || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then (apt-get install -y $$missing || (apt-get update && apt-get install -y $$missing)) >/dev/null; \
	  else echo "missing packages:$$missing — run: sudo apt-get install -y$$missing"; exit 1; fi; \
	fi

clean:
	rm -rf .build

## fuzz: run each libFuzzer target (Sources/FuzzTargets) for FUZZ_SECONDS under AddressSanitizer.
## New inputs accumulate in $(FUZZ_SCRATCH)/corpus/<target>; the committed Fuzz/corpora/<target> is
## then rebuilt as the seeds plus a set-cover of every edge reached (counters ignored), which keeps it
## at a few hundred files. Crashes land in fuzz-artifacts/. One target: `make fuzz FUZZ_TARGETS=protobuf`;
## more libFuzzer flags: `FUZZ_FLAGS=-runs=1000000`. Replay a crash without sanitizers:
## `swift build --product kcache-fuzz && .build/debug/kcache-fuzz <target> <file>`.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= request-info label-selector field-selector continue-token object-json list-body status-json protobuf watch-event cached-object
FUZZ_FLAGS ?=
FUZZ_SCRATCH ?= .build-fuzz
FUZZ_BUILD := $(SWIFT) build -c release --scratch-path $(FUZZ_SCRATCH) --product kcache-fuzz \
	-Xswiftc -DFUZZING -Xswiftc -sanitize=fuzzer,address -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld

.PHONY: fuzz
fuzz: deps
	$(FUZZ_BUILD)
	@bin="$$($(FUZZ_BUILD) --show-bin-path)/kcache-fuzz"; mkdir -p fuzz-artifacts; failed=""; \
	for target in $(FUZZ_TARGETS); do \
	  work="$(FUZZ_SCRATCH)/corpus/$$target"; corpus="Fuzz/corpora/$$target"; merged="$$work.merged"; \
	  mkdir -p "$$work" "$$corpus" "Fuzz/corpora/regressions/$$target"; \
	  echo "== $$target ($(FUZZ_SECONDS)s)"; \
	  export KCACHE_FUZZ_TARGET=$$target SWIFT_BACKTRACE=enable=no; \
	  "$$bin" -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -artifact_prefix="fuzz-artifacts/$$target-" $(FUZZ_FLAGS) \
	    "$$work" "$$corpus" "Fuzz/corpora/regressions/$$target" 2>"$$work.log" || failed="$$failed $$target"; \
	  grep -E "^stat::number_of_executed_units|^stat::new_units_added|ERROR|SUMMARY|Test unit written" "$$work.log"; \
	  rm -rf "$$merged"; mkdir -p "$$merged"; cp "$$corpus"/seed-* "$$merged"/ 2>/dev/null; \
	  if "$$bin" -set_cover_merge=1 -use_counters=0 "$$merged" "$$corpus" "$$work" >>"$$work.log" 2>&1; then \
	    find "$$corpus" -type f ! -name 'seed-*' -delete; cp "$$merged"/* "$$corpus"/; \
	  else echo "   merge failed (see $$work.log); $$corpus left as it was"; fi; \
	  echo "   corpus: $$(ls "$$corpus" | wc -l) files"; \
	done; \
	if [ -n "$$failed" ]; then echo "crashes in:$$failed; inputs in fuzz-artifacts/ (add each to Fuzz/corpora/regressions/<target>/)"; exit 1; fi
