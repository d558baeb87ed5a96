# sipgate account lookup: Go -> WebAssembly browser module.
#   make build   the module (web/sipgate-account.wasm, with .br and .gz copies)
#                and web/wasm_exec.js
#   make demo    build, then serve web/ with the fake API on http://localhost:8080
#   make serve   build, then serve web/ for use with the real sipgate API
#   make test    vet, unit tests, the TypeScript type check and browser tests
#                in headless Chromium, Firefox and WebKit
#   make bench   measure size, start-up, per-call overhead and memory in Chromium
#   make fuzz    run each fuzz target for FUZZTIME (default 30s)
#   make package the npm package: build/npm/sipgate-account-<version>.tgz
#   make screenshot  redraw docs/screenshot.png
#   make clean   remove build outputs

GO        ?= go
ADDR      ?= localhost:8080
GOROOT    := $(shell $(GO) env GOROOT)
WASM      := web/sipgate-account.wasm
WASM_EXEC := $(GOROOT)/lib/wasm/wasm_exec.js
# The files whose integrity values web/integrity.json holds: the module's
# files and the modules a page imports (the loader's parts among them).
LOADER    := web/sipgate-account.js web/sipgate-account-urls.js web/sipgate-account-errors.js web/sipgate-account-integrity.js \
             web/sipgate-account-start.js web/sipgate-account-calls.js
PINNED    := $(WASM) web/wasm_exec.js web/sipgate-account-host.js $(LOADER) web/sipgate-account-element.js web/account-view.js web/sipgate-signin.js
# The page's text files, which get compressed copies beside them too.
TEXT      := $(wildcard web/*.html web/*.js web/*.css web/*.d.ts web/*.svg)

FUZZTIME  ?= 30s

# The type check of web/sipgate-account.d.ts uses TypeScript from the npm
# registry, installed into build/ (not committed) by `make types`.
TS_VERSION := 7.0.2
TSC        := build/typescript/node_modules/.bin/tsc

# $(call need,COMMAND,PACKAGE) installs Debian's PACKAGE when COMMAND is
# missing and make runs as root; otherwise it fails and says what to install.
need = command -v $(1) >/dev/null 2>&1 || { \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
    echo "installing $(2) (Debian package)"; \
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
  else \
    echo "$(1) is not installed: run 'sudo apt-get install $(2)' (Debian) and try again" >&2; exit 1; \
  fi; }

# $(call npm-tool,PACKAGE,VERSION) installs PACKAGE@VERSION from the npm
# registry into build/PACKAGE (not committed) unless that version is there.
npm-tool = grep -qF '"version": "$(2)"' build/$(1)/node_modules/$(1)/package.json 2>/dev/null || { $(call need,npm,npm) && \
  echo "installing $(1)@$(2) (npm) into build/$(1)" && \
  npm install --prefix build/$(1) --no-save --no-audit --no-fund --loglevel=error $(1)@$(2); }

.PHONY: build demo serve test vet unit types edge workerd miniflare browser chromium engines servers lighthouse bench fuzz screenshot package bundlers clean

# Go's build cache makes a rebuild with no change cheap, so build always runs
# the compiler rather than second-guessing which files it depends on.
# Each flag was kept because it shrank the download (make bench; figures in
# docs/benchmarks.md):
# -s -w drops the symbol table and DWARF.
# nethttpomithttp2 drops net/http's HTTP/2 client, which the Fetch transport
#   never uses (the browser speaks HTTP/2 itself).
# crypto/...=-l builds the crypto packages without inlining. net/http links
#   them for TLS, which in a browser is the browser's job, so their code never
#   runs here; without inlining it is smaller and compresses far better.
WASM_FLAGS := -trimpath -ldflags="-s -w" -tags=nethttpomithttp2 -gcflags=crypto/...=-l

build:
	GOOS=js GOARCH=wasm $(GO) build $(WASM_FLAGS) -o $(WASM).new ./wasm
	@# Replaced only when it changed, so its time stamp says when it last did.
	@if cmp -s $(WASM).new $(WASM); then rm $(WASM).new; else mv $(WASM).new $(WASM); fi
	@# wasm_exec.js must come from the Go that compiled the .wasm.
	@cmp -s $(WASM_EXEC) web/wasm_exec.js || { cp $(WASM_EXEC) web/wasm_exec.js && echo "copied $(WASM_EXEC) to web/wasm_exec.js"; }
	@# Pre-compressed copies (brotli and gzip, by cmd/precompress, in Go) for
	@# servers that pick one by Accept-Encoding (cmd/serve does; see "Serving it
	@# fast" in docs/deploying.md). make build owns every .br and .gz in web/:
	@# a copy whose file is gone goes; the text files' copies are written anew
	@# every time (they take a moment); the module's whenever it changed.
	@for c in web/*.br web/*.gz; do [ ! -e "$$c" ] || [ -e "$${c%.*}" ] || rm -f "$$c"; done
	@if [ $(WASM).br -nt $(WASM) ] && [ $(WASM).gz -nt $(WASM) ]; then $(GO) run ./cmd/precompress $(TEXT); \
	  else echo "compressing the module (brotli -q 11 and gzip -9, in Go)"; $(GO) run ./cmd/precompress $(WASM) $(TEXT); fi
	@ls -l $(WASM) $(WASM).br $(WASM).gz | awk '{printf "%s: %d bytes\n", $$NF, $$5}'
	@# The files' Subresource Integrity values, for pages that pin them
	@# (docs/embedding.md); the npm package ships them.
	@$(GO) run ./cmd/integrity -o web/integrity.json $(PINNED)

demo: build
	$(GO) run ./cmd/serve -mock -addr $(ADDR)

serve: build
	$(GO) run ./cmd/serve -addr $(ADDR)

test: build chromium engines servers vet unit types edge workerd miniflare bundlers browser

vet:
	$(GO) vet -tags e2e ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/... ./sipgate/... ./bench/... ./internal/apiproxy/...
	cd edge && GOOS=js GOARCH=wasm $(GO) vet ./...

# The browser tests sit behind the build tag e2e: plain `go test ./...` runs
# everything else, with no build and no browser.
unit:
	$(GO) test -count=1 ./...

browser:
	$(GO) test -tags e2e -count=1 -v ./e2e/

# The same-origin proxy as a Cloudflare Worker (edge/, its own Go module):
# edge/build holds what wrangler deploys and what workerd runs in the tests:
# the Go side, Go's own wasm_exec.js (the one that matches the compiler) and
# the JS entry, edge/worker.mjs.
EDGE_FLAGS := -trimpath -ldflags="-s -w" -tags=nethttpomithttp2
edge:
	@mkdir -p edge/build
	cd edge && GOOS=js GOARCH=wasm $(GO) build $(EDGE_FLAGS) -o build/app.wasm .
	@cp $(WASM_EXEC) edge/build/wasm_exec.js
	@cp edge/worker.mjs edge/build/worker.mjs
	@ls -l edge/build/app.wasm | awk '{printf "%s: %d bytes\n", $$NF, $$5}'

# workerd, the Workers runtime, from the npm registry into build/ (not
# committed): the tests run the Worker in it.
WORKERD_VERSION := 1.20261117.1
WORKERD         := build/workerd/node_modules/.bin/workerd
workerd:
	@$(call npm-tool,workerd,$(WORKERD_VERSION))
	@$(WORKERD) --version

# miniflare, Cloudflare's local simulator, from the npm registry into build/:
# the tests run the Worker in it where workerd alone lacks a binding
# (Rate Limiting).
MINIFLARE_VERSION := 4.20260730.0
miniflare:
	@$(call npm-tool,miniflare,$(MINIFLARE_VERSION))

# Type-checks a usage example (e2e/typescript) against web/sipgate-account.d.ts.
types:
	@$(call npm-tool,typescript,$(TS_VERSION))
	$(TSC) -p e2e/typescript

# Browser tests need Debian's chromium.
chromium:
	@$(call need,chromium,chromium)
	@chromium --version 2>/dev/null

# The other engines: Debian's firefox-esr (headless), and WebKitGTK's
# MiniBrowser (webkit2gtk-driver brings it) on a virtual display (xvfb).
engines:
	@$(call need,firefox-esr,firefox-esr)
	@$(call need,WebKitWebDriver,webkit2gtk-driver)
	@$(call need,xvfb-run,xvfb)
	@firefox-esr --version 2>/dev/null; dpkg-query -W -f='WebKitGTK $${Version}\n' libwebkit2gtk-4.1-0 2>/dev/null || true

# The servers the recipes in deploy/ are tested in: Debian's nginx with its
# brotli module, and Caddy.
servers:
	@$(call need,nginx,nginx)
	@test -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so || { \
	  if [ "$$(id -u)" = 0 ]; then echo "installing libnginx-mod-http-brotli-static (Debian package)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libnginx-mod-http-brotli-static >/dev/null; \
	  else echo "run 'sudo apt-get install libnginx-mod-http-brotli-static' (Debian) and try again" >&2; exit 1; fi; }
	@$(call need,caddy,caddy)
	@nginx -v 2>&1; caddy version

# Lighthouse, for make bench's page scores: from the npm registry into
# build/lighthouse (not committed). 13 wants a newer Node than Debian's.
LIGHTHOUSE_VERSION := 12.2.3
LIGHTHOUSE         := build/lighthouse/node_modules/.bin/lighthouse
lighthouse:
	@$(call npm-tool,lighthouse,$(LIGHTHOUSE_VERSION))

# A benchmark, not a test: it prints figures and writes bench/out/bench.json.
bench: build chromium engines edge workerd lighthouse
	@# The floor it is compared with: the smallest Go net/http client, same flags.
	GOOS=js GOARCH=wasm $(GO) build $(WASM_FLAGS) -o bench/out/minimal.wasm.new ./bench/minimalclient
	@# Replaced only when it changed; its copies, as make build writes the module's.
	@if cmp -s bench/out/minimal.wasm.new bench/out/minimal.wasm; then rm bench/out/minimal.wasm.new; else mv bench/out/minimal.wasm.new bench/out/minimal.wasm; fi
	@[ bench/out/minimal.wasm.br -nt bench/out/minimal.wasm ] && [ bench/out/minimal.wasm.gz -nt bench/out/minimal.wasm ] || \
	  $(GO) run ./cmd/precompress bench/out/minimal.wasm
	$(GO) run ./cmd/bench

# Plain `go test` (make test) runs the seed corpora in sipgate/testdata/fuzz.
fuzz:
	@for target in $$($(GO) test -list '^Fuzz' ./sipgate/ | grep '^Fuzz'); do \
	  echo "== $$target"; \
	  $(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) ./sipgate/ || exit 1; \
	done

clean:
	rm -f web/*.wasm web/*.gz web/*.br web/*.new web/*.tmp
	rm -rf bin build edge/build

# The npm package of the browser side (web/package.json names its files
# and its version), packed as npm publishes it.
PKG_VERSION := $(shell sed -n 's/^  "version": "\(.*\)",$$/\1/p' web/package.json)
PACKAGE     := build/npm/sipgate-account-$(PKG_VERSION).tgz
package: build
	@$(call need,npm,npm)
	@mkdir -p build/npm
	cd web && npm pack --silent --pack-destination ../build/npm >/dev/null
	@ls -l $(PACKAGE) | awk '{printf "%s: %d bytes\n", $$NF, $$5}'
	@echo "integrity values (web/integrity.json, in the package):"; cat web/integrity.json

# The bundler test app (e2e/bundlers): its package.json pins Vite, webpack
# and TypeScript from the npm registry and takes the package from `make
# package`; installed into build/bundlers (not committed). The package is
# taken afresh each time, since it holds this build's module.
bundlers: package
	@mkdir -p build/bundlers
	@cp e2e/bundlers/package.json build/bundlers/package.json
	@rm -rf build/bundlers/node_modules/sipgate-account build/bundlers/package-lock.json
	npm install --prefix build/bundlers --no-audit --no-fund --loglevel=error

# Redraws docs/screenshot.png, the README's picture of the page answering.
screenshot: build chromium
	$(GO) run ./cmd/screenshot
