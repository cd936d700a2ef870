# Makefile - builds synlab's library, programs and tests; `make test` runs every test.
PREFIX ?= /usr/local
CC ?= cc
CFLAGS ?= -O2 -g
SANITIZE ?=
BUILD ?= build$(if $(SANITIZE),-san)

PKGS := libpcap jansson libsodium libedit
# `make V=1` shows the full commands.
Q := $(if $(V),,@)
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Icommon \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBNET_LIBS := $(shell libnet-config --libs 2>/dev/null || echo -lnet)
LDLIBS := $(LIBNET_LIBS) $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
ifneq ($(SANITIZE),)
# -fno-sanitize-recover: undefined behaviour fails the test instead of printing a line.
override CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

COMMON_SRC := $(wildcard common/*.c)
COMMON_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(COMMON_SRC))
LIB := $(BUILD)/libsynlab.a
# A program is a folder with a main; only those with sources are built.
PROG_DIRS := $(foreach d,client server explain,$(if $(wildcard $(d)/*.c),$(d)))
PROGS := $(foreach d,$(PROG_DIRS),$(BUILD)/synlab-$(d))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
TEST_HELPER_SRC := $(wildcard tests/unit/helper_*.c)
TEST_HELPER_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(TEST_HELPER_SRC))
# Small C tools the integration tests drive: tests/tools/NAME.c -> $(BUILD)/tools/NAME.
TOOLS := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(wildcard tests/tools/*.c))
# Fuzz targets tests/fuzz/fuzz_NAME.c: $(BUILD)/fuzz/replay_NAME (plain build, replays the
# corpus in `make test`) and, with `make fuzz`, build-fuzz/fuzz/fuzz_NAME (libFuzzer).
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY := $(patsubst %,$(BUILD)/fuzz/replay_%,$(FUZZ_NAMES))
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
# Benchmark tools: bench/NAME.c -> $(BUILD)/bench/NAME (`make bench` runs them).
BENCH_TOOLS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))

.PHONY: all build deps test unit integration install clean demo bench fuzz fuzz-bins
all: deps
	@$(MAKE) --no-print-directory build

build: $(PROGS) $(UNIT_BINS) $(TOOLS) $(BENCH_TOOLS) $(FUZZ_REPLAY)

deps:
	@bash scripts/deps

$(BUILD)/%.o: %.c $(wildcard common/*.h)
	@mkdir -p $(dir $@)
	$(if $(V),,@echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -MMD -c $< -o $@

$(LIB): $(COMMON_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

# One link rule per program folder (a pattern rule cannot glob the folder's sources).
define PROG_RULE
$(BUILD)/synlab-$(1): $(patsubst %.c,$(BUILD)/%.o,$(wildcard $(1)/*.c)) $(LIB)
	$$(if $$(V),,@echo "  LD      $$@")
	$$(Q)$$(CC) $$(LDFLAGS) -o $$@ $$(filter %.o,$$^) $$(LIB) $$(LDLIBS)
endef
$(foreach d,$(PROG_DIRS),$(eval $(call PROG_RULE,$(d))))

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(TEST_HELPER_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(if $(V),,@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(TEST_HELPER_OBJ) $(LIB) $(LDLIBS) $(shell pkg-config --libs cmocka 2>/dev/null)

$(BUILD)/tools/%: tests/tools/%.c $(LIB) $(wildcard common/*.h)
	@mkdir -p $(dir $@)
	$(if $(V),,@echo "  CCLD    $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(LIB)
	@mkdir -p $(dir $@)
	$(if $(V),,@echo "  CCLD    $@")
	$(Q)$(CC) $(CFLAGS) -Itests/fuzz $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(LIB) $(LDLIBS)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIB)
	@mkdir -p $(dir $@)
	$(if $(V),,@echo "  CCLD    $@")
	$(Q)$(CC) $(CFLAGS) -fsanitize=fuzzer -Itests/fuzz -o $@ $< $(LIB) $(LDLIBS)

fuzz-bins: $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_NAMES))

# `make fuzz`: every target under libFuzzer (clang, ASan, UBSan) for FUZZ_SECONDS each.
fuzz:
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang CFLAGS="$(FUZZ_CFLAGS)" fuzz-bins
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run build-fuzz $(FUZZ_NAMES)
$(BUILD)/bench/%: bench/%.c $(LIB) $(wildcard common/*.h)
	@mkdir -p $(dir $@)
	$(if $(V),,@echo "  CCLD    $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# `make bench`: the benchmarks side by side with the kernel, scapy and tshark (about
# 10 minutes, root); writes bench/results.json. Never part of `make test`.
bench: all
	@bash scripts/deps-bench
	@BUILD=$(BUILD) /usr/bin/python3 bench/bench.py $(BENCH_ARGS)

# `make test` builds and runs everything and ends with "N passed, N failed".
test: all
	@BUILD=$(BUILD) bash scripts/run-tests

unit: all
	@BUILD=$(BUILD) bash scripts/run-tests --unit

integration: all
	@BUILD=$(BUILD) bash scripts/run-tests --integration

# The first thing to try (as root): deps, build, then the handshake demo with a 1 s MSL
# so TIME-WAIT ends within seconds. `scripts/demo` lists the other demos.
demo: all
	@bash scripts/demo handshake --msl 1s

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	$(if $(PROGS),install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/)

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
