# wsbench: comparative benchmark of Go WebSocket libraries.
#
#   make test                          vet and race-test everything
#   make build                         binaries in bin/
#   make bench                         reference matrix (<= 25 min on 2 cores) -> results/<date-host>/
#   make bench-quick                   smoke pass (<= 2 min) -> results/quick/<date-host>/
#   make bench-compression             permessage-deflate matrix (< 10 min) -> results/compression/<date-host>/
#   make report RUN=results/<run>      rebuild findings.json, REPORT.md, REPORT.html, slides.html, results.csv, charts from results.json
#   make compare A=results/<a> B=results/<b>  B/A per cell with its confidence, rank agreement (JSON: JSON=file)
#   make slides RUN=results/<run>      slides.html + REPORT.html, checked in headless Chromium, slides/NN.png
#   make slides-check                  the browser check on a small fixture deck (CI; needs chromium)
#   make gobench                       go test -bench over every library, compared with benchstat
#   make gobench-smoke                 one short pass of every Go benchmark (CI)
#   make ablation                      each adapter's configurations compared -> results/tuning/ (about 10 min, needs strace)
#   make thirdparty                    check every server with npm's ws and sockjs-client (needs node, npm)
#   make conformance                   RFC 6455 + SockJS protocol cases, every library -> results/conformance/<date-host>/
#   make browser                       headless Chromium: WebSocket and sockjs-client against every server (needs chromium, npm)
#
# Extra bench flags go in BENCH_FLAGS, e.g.
#   make bench BENCH_FLAGS='-libs gorilla,coder -trials 5 -budget 0'

GO          ?= go
BENCH_FLAGS ?=
RUN         ?=
A           ?=
B           ?=
JSON        ?=
# gobench: which benchmarks, how long, how many repetitions.
GOBENCH       ?= Echo|Broadcast|Handshake
GOBENCH_TIME  ?= 1s
GOBENCH_COUNT ?= 6
GOBENCH_OUT   ?= results/gobench

.PHONY: test build bench bench-quick bench-compression report compare slides slides-check conformance browser gobench gobench-smoke ablation thirdparty

test:
	$(GO) vet ./...
	$(GO) test -race ./...

build:
	$(GO) build -o bin/ ./cmd/servers ./cmd/loadgen ./cmd/bench

bench:
	$(GO) run ./cmd/bench -budget 25m $(BENCH_FLAGS)

bench-quick:
	$(GO) run ./cmd/bench -quick -results results/quick -budget 2m $(BENCH_FLAGS)

bench-compression:
	$(GO) run ./cmd/bench -matrix compression -results results/compression -budget 15m $(BENCH_FLAGS)

report:
	@if [ -z "$(RUN)" ]; then echo "usage: make report RUN=results/<run>" >&2; exit 2; fi
	$(GO) run ./cmd/bench -report $(RUN)

compare:
	@if [ -z "$(A)" ] || [ -z "$(B)" ]; then echo "usage: make compare A=results/<run> B=results/<run> [JSON=file]" >&2; exit 2; fi
	$(GO) run ./cmd/bench -compare $(if $(JSON),-json $(JSON)) $(A) $(B)

slides:
	@if [ -z "$(RUN)" ]; then echo "usage: make slides RUN=results/<run>" >&2; exit 2; fi
	$(GO) run ./cmd/slides -run $(RUN)

slides-check:
	WSBENCH_BROWSER=1 $(GO) test -count=1 -run Browser ./bench/slides/check/

gobench:
	mkdir -p $(GOBENCH_OUT)
	{ echo "date: $$(date -u +%FT%TZ)"; echo "commit: $$(git rev-parse HEAD 2>/dev/null)"; $(GO) version; \
	  echo "kernel: $$(uname -sr)"; echo "cpus: $$(nproc)"; grep -m1 'model name' /proc/cpuinfo; \
	  echo "command: go test -run='^$$' -bench='$(GOBENCH)' -benchtime=$(GOBENCH_TIME) -count=$(GOBENCH_COUNT) ./servers/registry/"; } > $(GOBENCH_OUT)/environment.txt
	$(GO) test -run='^$$' -bench='$(GOBENCH)' -benchtime=$(GOBENCH_TIME) -count=$(GOBENCH_COUNT) ./servers/registry/ | tee $(GOBENCH_OUT)/bench.txt
	$(GO) tool benchstat -col /lib $(GOBENCH_OUT)/bench.txt | tee $(GOBENCH_OUT)/benchstat.txt

gobench-smoke:
	$(GO) test -run='^$$' -bench=. -benchtime=10x ./servers/...

ablation:
	scripts/tuning/ablation.sh

thirdparty:
	$(GO) build -o bin/ ./cmd/servers
	cd scripts/thirdparty && npm install --no-audit --no-fund --silent && node check.mjs ../../bin/servers

conformance:
	$(GO) run ./cmd/conformance $(CONFORMANCE_FLAGS)

browser:
	cd scripts/thirdparty && npm install --no-audit --no-fund --silent
	$(GO) run ./cmd/browser -sockjs-client scripts/thirdparty/node_modules/sockjs-client/dist/sockjs.min.js
