# xvnet: `make` builds ./xvnet; `make test` runs every test tier and
# `make demo` the hub-spoke demo lab, both after installing missing Debian
# packages (`make deps`, also a target of its own). `make asan` runs the
# unit and cli tiers built with ASan and UBSan, `make fuzz` fuzzes the
# topology loader (FUZZ_SECONDS=60), `make lint` runs the static checks.
# `make install PREFIX=/usr/local` installs xvnet, its man page and shell
# completion; `make graph` redraws the README's picture.

CC      ?= gcc
CLANG   ?= clang
BPFTOOL ?= bpftool
BUILD   ?= build
BIN     ?= xvnet

# CFLAGS is the user's (make CFLAGS=-O0 works); what the code needs is apart.
CFLAGS   ?= -O2 -g
XCFLAGS  := -std=gnu11 -Wall -Wextra -Wno-unused-parameter
# user/ is grouped by concern, in pipeline order: lib (shared helpers), topo
# (the file), route (the engine), fabric (compiler, loader), lab, azure, cli.
USER_DIRS := lib topo route fabric lab azure cli
INCLUDES := $(USER_DIRS:%=-Iuser/%) -Ibpf -I$(BUILD)
DEPFLAGS  = -MMD -MP -MF $@.d
SAN      ?=
LDLIBS   := -lyaml -ljansson -lmnl -lxdp -lbpf -lelf -lz
BPF_CFLAGS := -O2 -g -Wall -target bpf -Ibpf \
	-I/usr/include/$(shell $(CLANG) -print-multiarch)

COMPILE = $(CC) $(INCLUDES) $(CPPFLAGS) $(XCFLAGS) $(CFLAGS) $(SAN) $(DEPFLAGS)
LINK    = $(LDFLAGS) $(SAN)

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/%.bpf.o)
BPF_SKELS := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/%.skel.h)

USER_SRCS := $(wildcard $(USER_DIRS:%=user/%/*.c))
USER_OBJS := $(USER_SRCS:user/%.c=$(BUILD)/user/%.o)
LIB_OBJS  := $(filter-out $(BUILD)/user/cli/main.o,$(USER_OBJS))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
BPFT_SRCS := $(wildcard tests/bpf/test_*.c)
BPFT_BINS := $(BPFT_SRCS:tests/bpf/%.c=$(BUILD)/tests/%)
TOOL_SRCS := $(wildcard tests/lib/*.c)
TOOL_BINS := $(TOOL_SRCS:tests/lib/%.c=$(BUILD)/tests/%)
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)

# The sanitizer build: its own directory, clang (libFuzzer needs it), every
# report fatal. The objects carry the fuzzer's coverage hooks too, so the
# fuzz targets link against the same objects the asan tier tests.
ASAN_BUILD := build-asan
ASAN_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
ASAN_MAKE  := $(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) \
	BIN=$(ASAN_BUILD)/xvnet CC=$(CLANG) CFLAGS="-O1 -g" \
	SAN="$(ASAN_SAN) -fsanitize=fuzzer-no-link"
FUZZ_SECONDS ?= 60

.DELETE_ON_ERROR:
.SECONDARY: $(BPF_OBJS)
.PHONY: all deps tests test unit demo clean asan asan-build fuzz \
	fuzz-build lint vm-test graph install uninstall FORCE

all: $(BIN)

deps:
	@scripts/deps.sh

# What `xvnet --version` prints: git describe when built; the header is
# rewritten only when that changes, so only main.o is rebuilt then.
XVNET_VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
$(BUILD)/version.h: FORCE
	@mkdir -p $(@D)
	@echo '#define XVNET_VERSION "$(XVNET_VERSION)"' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(BUILD)/user/cli/main.o: $(BUILD)/version.h
FORCE:

$(BIN): $(USER_OBJS)
	$(CC) $(XCFLAGS) $(CFLAGS) $(LINK) -o $@ $^ $(LDLIBS)

$(BUILD)/%.bpf.o: bpf/%.bpf.c Makefile
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@

# Skeletons are made first (order only); -MMD then records which of them,
# and which headers, each object really includes. An object built by an older
# Makefile has no such record: a Makefile change rebuilds every object.
$(BUILD)/user/%.o: user/%.c Makefile | $(BPF_SKELS)
	@mkdir -p $(@D)
	$(COMPILE) -c $< -o $@

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(BPF_SKELS)
	@mkdir -p $(@D)
	$(COMPILE) -Itests/unit $(LINK) -o $@ $< $(LIB_OBJS) $(LDLIBS) -lcmocka

$(BUILD)/tests/%: tests/bpf/%.c $(LIB_OBJS) | $(BPF_SKELS)
	@mkdir -p $(@D)
	$(COMPILE) -Itests/bpf $(LINK) -o $@ $< $(LIB_OBJS) $(LDLIBS) -lcmocka

$(BUILD)/tests/%: tests/lib/%.c $(LIB_OBJS) | $(BPF_SKELS)
	@mkdir -p $(@D)
	$(COMPILE) $(LINK) -o $@ $< $(LIB_OBJS) $(LDLIBS)

$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB_OBJS) | $(BPF_SKELS)
	@mkdir -p $(@D)
	$(COMPILE) -fsanitize=fuzzer $(LINK) -o $@ $< $(LIB_OBJS) $(LDLIBS)

-include $(addsuffix .d,$(BPF_OBJS) $(USER_OBJS) $(UNIT_BINS) $(BPFT_BINS) \
	$(TOOL_BINS) $(FUZZ_BINS))

# A phony target: a directory called tests/ must not stand in for it.
tests: $(UNIT_BINS) $(BPFT_BINS) $(TOOL_BINS)

test: deps
	@$(MAKE) --no-print-directory $(BIN) tests
	@$(ASAN_MAKE) $(ASAN_BUILD)/xvnet asan-tests fuzz-build
	@$(MAKE) --no-print-directory -s lint
	@tests/run.sh

unit: $(BIN) $(UNIT_BINS)
	@TIERS=unit tests/run.sh

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary, its man page
# (made by the binary from its own option tables) and shell completion.
PREFIX ?= /usr/local
install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/xvnet
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	./$(BIN) help --man > $(DESTDIR)$(PREFIX)/share/man/man1/xvnet.1
	install -D -m 0644 completion/xvnet.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/xvnet
	install -D -m 0644 completion/_xvnet $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_xvnet

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/xvnet $(DESTDIR)$(PREFIX)/share/man/man1/xvnet.1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/xvnet \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_xvnet

# The README's picture (tests/cli/graph.bats checks it is current).
graph: $(BIN)
	./$(BIN) graph -t examples/hub-spoke.yaml -o svg > docs/img/hub-spoke.svg

demo: deps
	@$(MAKE) --no-print-directory $(BIN)
	@scripts/demo.sh

# Only for the sanitizer build (BUILD=build-asan): what the asan tier runs.
.PHONY: asan-tests
asan-tests: $(UNIT_BINS)

asan-build:
	@$(ASAN_MAKE) $(ASAN_BUILD)/xvnet asan-tests

asan: asan-build
	@TIERS=asan tests/run.sh

fuzz-build:
	@$(ASAN_MAKE) $(FUZZ_SRCS:tests/fuzz/%.c=$(ASAN_BUILD)/fuzz/%)

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) TIERS=fuzz tests/run.sh

# Static checks, each clean: cppcheck and clang-tidy (checks in .clang-tidy)
# over the program and the fuzz targets, -Wshadow over every C file; make
# test runs it first (about 10 s). Suppressed cppcheck ids:
# variableScope and clarifyCalculation are style, selfAssignment misreads
# GNU `x = f() ?: x`, constParameter asks for const T *const[] parameters
# that T ** arguments do not convert to.
LINT_SRCS := $(USER_SRCS) $(FUZZ_SRCS)
CPPCHECK_FLAGS := --quiet --error-exitcode=1 --std=c11 --library=scripts/cppcheck.cfg \
	--enable=warning,performance,portability,style --suppress=missingIncludeSystem \
	--suppress=variableScope --suppress=clarifyCalculation \
	--suppress=selfAssignment --suppress=constParameter
lint: $(BPF_SKELS) $(BUILD)/version.h
	scripts/check-layers.sh
	cppcheck $(CPPCHECK_FLAGS) $(INCLUDES) $(LINT_SRCS)
	clang-tidy --quiet $(LINT_SRCS) -- $(INCLUDES) -std=gnu11
	$(CC) $(INCLUDES) $(XCFLAGS) -Itests/unit -Itests/bpf -Wshadow -Werror \
		-fsyntax-only $(USER_SRCS)
	for f in $(UNIT_SRCS) $(BPFT_SRCS) $(TOOL_SRCS) $(FUZZ_SRCS); do \
		$(CC) $(INCLUDES) $(XCFLAGS) -Itests/unit -Itests/bpf -Wshadow -Werror \
			-fsyntax-only $$f || exit 1; done

# make test inside a Debian 12 VM (6.1 kernel, modules); not part of make test.
vm-test:
	@vm/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) xvnet
