# wsbench: comparative benchmark of Go WebSocket libraries.
#
#   make test                          vet and race-test everything
#   make build                         binaries in bin/
#   make bench                         reference matrix (<= 15 min on 2 cores) -> results/<date-host>/
#   make bench-quick                   smoke pass (<= 2 min) -> results/quick/<date-host>/
#   make report RUN=results/<run>      rebuild REPORT.md, results.csv, charts from results.json
#
# Extra bench flags go in BENCH_FLAGS, e.g.
#   make bench BENCH_FLAGS='-libs gorilla,coder -trials 5 -budget 0'

GO          ?= go
BENCH_FLAGS ?=
RUN         ?=

.PHONY: test build bench bench-quick report

test:
	$(GO) vet ./...
	$(GO) test -race ./...

build:
	$(GO) build -o bin/ ./servers ./loadgen ./bench

bench:
	$(GO) run ./bench -budget 15m $(BENCH_FLAGS)

bench-quick:
	$(GO) run ./bench -quick -results results/quick -budget 2m $(BENCH_FLAGS)

report:
	@if [ -z "$(RUN)" ]; then echo "usage: make report RUN=results/<run>" >&2; exit 2; fi
	$(GO) run ./bench -report $(RUN)
