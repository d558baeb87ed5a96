# sipgate account lookup: Go -> WebAssembly browser module.
#   make build   the module (web/sipgate-account.wasm) and web/wasm_exec.js
#   make demo    build, then serve web/ with the fake API on http://localhost:8080
#   make serve   build, then serve web/ for use with the real sipgate API
#   make test    vet, unit tests and browser tests in headless Chromium
#   make bench   measure size, start-up, per-call overhead and memory in Chromium
#   make fuzz    run each fuzz target for FUZZTIME (default 30s)
#   make clean   remove build outputs

GO        ?= go
ADDR      ?= localhost:8080
GOROOT    := $(shell $(GO) env GOROOT)
WASM      := web/sipgate-account.wasm
WASM_EXEC := $(GOROOT)/lib/wasm/wasm_exec.js

FUZZTIME  ?= 30s

.PHONY: build demo serve test vet unit browser chromium bench fuzz clean

# Go's build cache makes a rebuild with no change cheap, so build always runs
# the compiler rather than second-guessing which files it depends on.
# -s -w drops the symbol table and DWARF; nethttpomithttp2 drops net/http's
# HTTP/2 client, which the Fetch transport never uses (the browser speaks
# HTTP/2 itself). Together: 10.49 MB -> 9.46 MB raw, 2.03 MB -> 1.87 MB brotli.
WASM_FLAGS := -trimpath -ldflags="-s -w" -tags=nethttpomithttp2

build:
	GOOS=js GOARCH=wasm $(GO) build $(WASM_FLAGS) -o $(WASM) ./wasm
	@# wasm_exec.js must come from the Go that compiled the .wasm.
	@cmp -s $(WASM_EXEC) web/wasm_exec.js || { cp $(WASM_EXEC) web/wasm_exec.js && echo "copied $(WASM_EXEC) to web/wasm_exec.js"; }
	@ls -l $(WASM) | awk '{printf "%s: %d bytes\n", $$NF, $$5}'

demo: build
	$(GO) run ./cmd/serve -mock -addr $(ADDR)

serve: build
	$(GO) run ./cmd/serve -addr $(ADDR)

test: build chromium vet unit browser

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/... ./sipgate/...

unit:
	$(GO) test -count=1 $$($(GO) list ./... | grep -v /e2e)

browser:
	$(GO) test -count=1 -v ./e2e/

# Browser tests need Debian's chromium. Installed here when missing and
# running as root; otherwise this fails and says what to install.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (Debian package)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is not installed: run 'sudo apt-get install chromium' (Debian) and make test again" >&2; exit 1; \
	  fi; }
	@chromium --version 2>/dev/null

# A benchmark, not a test: it prints figures and writes bench/out/bench.json.
bench: build chromium
	@command -v brotli >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq brotli >/dev/null; } || true
	$(GO) run ./cmd/bench

# Plain `go test` (make test) runs the seed corpora in sipgate/testdata/fuzz.
fuzz:
	@for target in $$($(GO) test -list '^Fuzz' ./sipgate/ | grep '^Fuzz'); do \
	  echo "== $$target"; \
	  $(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) ./sipgate/ || exit 1; \
	done

clean:
	rm -f web/*.wasm web/*.wasm.gz web/*.wasm.br
	rm -rf bin
