# Makefile - builds synlab's layer libraries, programs and tests; `make test` runs every test.
#
# The library is split into layers (README.md, "Layout"); each is its own static library
# compiled with only its own include folder and those of the layers below it, so a file
# that includes a higher layer's header does not compile (scripts/check-layers says the
# same in words, and `make test` runs it):
#
#   base  <  pkt, parts  <  tcp  <  impair   common/engine/  (libc + libsodium only)
#   base, pkt      <  io                      common/io/      (libnet, libpcap, kernel)
#   base, pkt, tcp <  xmodel  <  xrender      common/explain/ (records / words)
#   io, xrender    <  tui                     common/tui/     (the full-screen view, ncursesw)
#   base..impair   <  prog                    common/prog/    (option values, command words, apps)
#   everything     <  live                    common/live/    (a program's runtime)
#   everything     <  client/ server/ explain/ (the programs), tests/, bench/
PREFIX ?= /usr/local
CC ?= cc
CFLAGS ?= -O2 -g
SANITIZE ?=
BUILD ?= build$(if $(SANITIZE),-san)

# `make V=1` shows the full commands.
Q := $(if $(V),,@)

# Packages found with pkg-config. A missing one stops the build with pkg-config's own
# words and the command that installs it (nothing is silenced, nothing is installed here).
PKGS := libpcap jansson libsodium libedit libnftables
NEED_PKGS := $(filter-out clean deps,$(or $(MAKECMDGOALS),all))
ifneq ($(NEED_PKGS),)
PKG_ERR := $(shell pkg-config --print-errors --exists $(PKGS) ncursesw cmocka 2>&1)
ifneq ($(PKG_ERR),)
$(error pkg-config: $(PKG_ERR) -- install the packages with: bash scripts/deps)
endif
LIBNET_LIBS := $(shell libnet-config --libs 2>/dev/null)
ifeq ($(LIBNET_LIBS),)
$(error libnet-config not found (package libnet1-dev) -- install the packages with: bash scripts/deps)
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS := $(shell pkg-config --libs $(PKGS))
CMOCKA_LIBS := $(shell pkg-config --libs cmocka)
# ncursesw's flags only where it is used (common/tui/): its -D_XOPEN_SOURCE stays there.
CURSES_CFLAGS := $(shell pkg-config --cflags ncursesw)
CURSES_LIBS := $(shell pkg-config --libs ncursesw)
endif

override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror $(PKG_CFLAGS)
LDLIBS := $(LIBNET_LIBS) $(PKG_LIBS) $(CURSES_LIBS) -lm
ifneq ($(SANITIZE),)
# -fno-sanitize-recover: undefined behaviour fails the test instead of printing a line.
override CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

# --- the layers: folder, and the layers whose headers it may include (itself first) ---
LAYERS := base pkt parts tcp impair io xmodel xrender tui prog live
DIR_base    := common/engine/base
DIR_pkt     := common/engine/pkt
DIR_parts   := common/engine/parts
DIR_tcp     := common/engine/tcp
DIR_impair  := common/engine/impair
DIR_io      := common/io
DIR_xmodel  := common/explain/model
DIR_xrender := common/explain/render
DIR_tui     := common/tui
DIR_prog    := common/prog
DIR_live    := common/live
SEES_base    := base
SEES_pkt     := pkt base
SEES_parts   := parts base
SEES_tcp     := tcp parts pkt base
SEES_impair  := impair tcp parts pkt base
SEES_io      := io pkt base
SEES_xmodel  := xmodel tcp parts pkt base
SEES_xrender := xrender xmodel tcp parts pkt base
SEES_tui     := tui xrender xmodel io tcp parts pkt base
SEES_prog    := prog impair tcp parts pkt base
SEES_live    := $(LAYERS)
inc_of = $(foreach l,$(SEES_$(1)),-I$(DIR_$(l)))
ALL_INC := $(call inc_of,live)

define LAYER_RULES
SRC_$(1) := $$(wildcard $$(DIR_$(1))/*.c)
OBJ_$(1) := $$(patsubst %.c,$$(BUILD)/%.o,$$(SRC_$(1)))
LIB_$(1) := $$(BUILD)/lib/libsynlab_$(1).a
$$(OBJ_$(1)): LAYER_INC := $$(call inc_of,$(1))
$$(LIB_$(1)): $$(OBJ_$(1))
	@mkdir -p $$(dir $$@)
	@rm -f $$@
	$$(Q)ar rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call LAYER_RULES,$(l))))
$(OBJ_tui): LAYER_INC += $(CURSES_CFLAGS)

# Link order: a library before the ones it uses.
LIBS := $(foreach l,live prog tui xrender xmodel io impair tcp parts pkt base,$(LIB_$(l)))

# Everything above the library (programs, tests, tools, benchmarks) sees every layer.
LAYER_INC ?= $(ALL_INC)
# A program is a folder with a main; only those with sources are built.
PROG_DIRS := $(foreach d,client server explain duo,$(if $(wildcard $(d)/*.c),$(d)))
PROGS := $(foreach d,$(PROG_DIRS),$(BUILD)/synlab-$(d))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
TEST_HELPER_SRC := $(wildcard tests/unit/helper_*.c)
TEST_HELPER_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(TEST_HELPER_SRC))
$(TEST_HELPER_OBJ) $(patsubst %.c,$(BUILD)/%.o,$(UNIT_SRC)): LAYER_INC := $(ALL_INC) -Itests/unit
# Small C tools the integration tests drive: tests/tools/NAME.c -> $(BUILD)/tools/NAME
# (gen_explain and tui_drive also link the unit tests' record helpers).
TOOLS := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(wildcard tests/tools/*.c))
TOOL_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/tools/*.c))
$(TOOL_OBJ): LAYER_INC := $(ALL_INC) -Itests/unit
GEN_HELPERS := $(BUILD)/tests/unit/helper_explain_recs.o $(BUILD)/tests/unit/helper_explain_out.o
# Fuzz targets tests/fuzz/fuzz_NAME.c: $(BUILD)/fuzz/replay_NAME (plain build, replays the
# corpus in `make test`) and, with `make fuzz`, build-fuzz/fuzz/fuzz_NAME (libFuzzer).
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY := $(patsubst %,$(BUILD)/fuzz/replay_%,$(FUZZ_NAMES))
FUZZ_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/fuzz/*.c))
$(FUZZ_OBJ): LAYER_INC := $(ALL_INC) -Itests/fuzz
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
# Benchmark tools: bench/NAME.c -> $(BUILD)/bench/NAME (`make bench` runs them).
BENCH_TOOLS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))

.PHONY: all build deps test unit integration install clean demo bench fuzz fuzz-bins check-layers
all: build

build: $(PROGS) $(UNIT_BINS) $(TOOLS) $(BENCH_TOOLS) $(FUZZ_REPLAY)

# Installs the Debian packages (root); `make` itself never does.
deps:
	@bash scripts/deps

# Every object depends on the headers it really includes (-MMD -MP, the .d files below).
$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(V),,@echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) $(LAYER_INC) -MMD -MP -c $< -o $@

# One link rule per program folder (a pattern rule cannot glob the folder's sources).
define PROG_RULE
$(BUILD)/synlab-$(1): $(patsubst %.c,$(BUILD)/%.o,$(wildcard $(1)/*.c)) $(LIBS)
	$$(if $$(V),,@echo "  LD      $$@")
	$$(Q)$$(CC) $$(LDFLAGS) -o $$@ $$(filter %.o,$$^) $$(LIBS) $$(LDLIBS)
endef
$(foreach d,$(PROG_DIRS),$(eval $(call PROG_RULE,$(d))))

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(TEST_HELPER_OBJ) $(LIBS)
	@mkdir -p $(dir $@)
	$(if $(V),,@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(TEST_HELPER_OBJ) $(LIBS) $(LDLIBS) $(CMOCKA_LIBS)

$(BUILD)/tools/gen_explain: $(GEN_HELPERS)
$(BUILD)/tools/tui_drive: $(BUILD)/tests/unit/helper_explain_recs.o
$(BUILD)/tools/%: $(BUILD)/tests/tools/%.o $(LIBS)
	@mkdir -p $(dir $@)
	$(if $(V),,@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBS) $(LDLIBS)

$(BUILD)/fuzz/replay_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay.o $(LIBS)
	@mkdir -p $(dir $@)
	$(if $(V),,@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBS) $(LDLIBS)

$(BUILD)/fuzz/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(LIBS)
	@mkdir -p $(dir $@)
	$(if $(V),,@echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $(filter %.o,$^) $(LIBS) $(LDLIBS)

fuzz-bins: $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_NAMES))

# `make fuzz`: every target under libFuzzer (clang, ASan, UBSan) for FUZZ_SECONDS each.
fuzz:
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang CFLAGS="$(FUZZ_CFLAGS)" fuzz-bins
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run build-fuzz $(FUZZ_NAMES)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIBS)
	$(if $(V),,@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBS) $(LDLIBS)

# `make bench`: the benchmarks side by side with the kernel, scapy and tshark (about
# 10 minutes, root); writes bench/results.json. Never part of `make test`.
bench: all
	@bash scripts/deps-bench
	@BUILD=$(BUILD) /usr/bin/python3 bench/bench.py $(BENCH_ARGS)

# The layer rule in words: which folder may include which (make test runs it too).
check-layers:
	@bash scripts/check-layers

# `make test` builds and runs everything and ends with "N passed, N failed".
test: all
	@BUILD=$(BUILD) bash scripts/run-tests

unit: all
	@BUILD=$(BUILD) bash scripts/run-tests --unit

integration: all
	@BUILD=$(BUILD) bash scripts/run-tests --integration

# The first thing to try (as root): build, then the handshake demo with a 1 s MSL so
# TIME-WAIT ends within seconds. `scripts/demo` lists the other demos.
demo: all
	@bash scripts/demo handshake --msl 1s

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	$(if $(PROGS),install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/)

clean:
	rm -rf build build-san build-fuzz

.SECONDARY:
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
