# wsbench: comparative benchmark of Go WebSocket libraries.
#
#   make test                          vet and race-test everything
#   make build                         binaries in bin/
#   make bench                         reference matrix with permessage-deflate cells, then the chat matrix (planned at most 47 min, 35-36 min measured, on 2 cores) -> results/<date-host>/ (chat in chat/)
#   make bench-chat                    chat matrix alone (<= 19 min on 2 cores) -> results/chat/<date-host>/ (capacity per shape, idle crowd, the claim for chat)
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
#   make browser                       headless Chromium: WebSocket and sockjs-client against every server, and the chat demo (needs chromium, npm)
#   make demo [LIB=gorilla] [ADDR=127.0.0.1:8080]  the live chat demo of a talk: open http://ADDR/ (LIB=sockjs needs npm)
#   make bench-cluster                 broadcast on 1, 2 and 4 nodes bridged by NATS, reconnect storms, 4 x 19,000 = 76,000 connections -> results/cluster/<date-host>/ (flags: CLUSTER_FLAGS)
#
# Extra bench flags go in BENCH_FLAGS, e.g.
#   make bench BENCH_FLAGS='-libs gorilla,coder -trials 5 -budget 0'
# and those of bench-chat in CHAT_FLAGS, e.g. CHAT_FLAGS='-libs gorilla,gws -no-crowd'

GO          ?= go
BENCH_FLAGS ?=
CHAT_FLAGS  ?=
RUN         ?=
CLUSTER_FLAGS ?=
A           ?=
B           ?=
JSON        ?=
# demo: which library's chat server, and where the page listens.
LIB         ?= gorilla
ADDR        ?= 127.0.0.1:8080
# gobench: which benchmarks, how long, how many repetitions.
GOBENCH       ?= Echo|Broadcast|Handshake
GOBENCH_TIME  ?= 1s
GOBENCH_COUNT ?= 6
GOBENCH_OUT   ?= results/gobench

.PHONY: test build bench bench-chat bench-quick report compare slides slides-check conformance browser gobench gobench-smoke ablation thirdparty demo bench-cluster bench-compression

test:
	$(GO) vet ./...
	$(GO) test -race ./...

build:
	$(GO) build -o bin/ ./cmd/servers ./cmd/loadgen ./cmd/bench

bench:
	$(GO) run ./cmd/bench -budget 50m $(BENCH_FLAGS)

bench-chat:
	$(GO) run ./cmd/benchchat -budget 19m $(CHAT_FLAGS)

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

demo:
	$(if $(filter sockjs,$(LIB)),cd scripts/thirdparty && npm install --no-audit --no-fund --silent)
	$(GO) run ./cmd/demo -lib $(LIB) -addr $(ADDR) -sockjs-client scripts/thirdparty/node_modules/sockjs-client/dist/sockjs.min.js

bench-cluster:
	$(GO) build -o bin/ ./cmd/servers ./cmd/loadgen ./cmd/clusterbench
	bin/clusterbench -bin bin -results results/cluster $(CLUSTER_FLAGS)
