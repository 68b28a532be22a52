# xvnet: `make` builds ./xvnet, `make test` runs every test tier,
# `make demo` runs the hub-spoke demo. All three install missing Debian
# packages first (make deps).

CC      ?= gcc
CLANG   ?= clang
BPFTOOL ?= bpftool
BUILD   := build

CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Iuser -Ibpf -I$(BUILD)
LDLIBS  := -lyaml -ljansson -lmnl -lxdp -lbpf -lelf -lz
BPF_CFLAGS := -O2 -g -Wall -target bpf -Ibpf \
	-I/usr/include/$(shell $(CC) -dumpmachine)

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/%.bpf.o)
BPF_SKELS := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/%.skel.h)

USER_SRCS := $(wildcard user/*.c)
USER_OBJS := $(USER_SRCS:user/%.c=$(BUILD)/user/%.o)
LIB_OBJS  := $(filter-out $(BUILD)/user/main.o,$(USER_OBJS))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
BPFT_SRCS := $(wildcard tests/bpf/test_*.c)
BPFT_BINS := $(BPFT_SRCS:tests/bpf/%.c=$(BUILD)/tests/%)
TOOL_SRCS := $(wildcard tests/lib/*.c)
TOOL_BINS := $(TOOL_SRCS:tests/lib/%.c=$(BUILD)/tests/%)

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all deps test unit demo clean

all: deps xvnet

deps:
	@scripts/deps.sh

xvnet: $(USER_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@

$(BUILD)/user/%.o: user/%.c $(wildcard user/*.h bpf/*.h) $(BPF_SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) $(wildcard tests/unit/*.h tests/lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(LIB_OBJS) $(LDLIBS) -lcmocka

$(BUILD)/tests/%: tests/bpf/%.c $(LIB_OBJS) $(BPF_SKELS) $(wildcard tests/bpf/*.h tests/lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/bpf -o $@ $< $(LIB_OBJS) $(LDLIBS) -lcmocka

$(BUILD)/tests/%: tests/lib/%.c $(LIB_OBJS) $(BPF_SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)

tests: $(UNIT_BINS) $(BPFT_BINS) $(TOOL_BINS)

test: deps xvnet tests
	@tests/run.sh

unit: xvnet $(UNIT_BINS)
	@TIERS=unit tests/run.sh

demo: deps xvnet
	@scripts/demo.sh

# make test inside a Debian 12 VM (6.1 kernel, modules); not part of make test.
.PHONY: vm-test
vm-test:
	@vm/run.sh

clean:
	rm -rf $(BUILD) xvnet
