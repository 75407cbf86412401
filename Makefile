# Builds and installs nudge: the binary, its systemd user units, man pages, shell completions and docs.
#
#   make                                   release build (swift build -c release --static-swift-stdlib --product nudge)
#   make run                               build, write a starter config if there is none, check it, run the daemon
#   make deps                              install the Debian packages the build needs (scripts/deps)
#   make install PREFIX=~/.local           install for yourself, no root needed
#   make && sudo make install              install under /usr/local
#   make install DESTDIR=pkg PREFIX=/usr   stage the files for a package
#   make uninstall PREFIX=...              remove exactly what install wrote (same PREFIX, DESTDIR)
#   make check                             what CI runs: apt packages, build, every test
#   make deb                               the Debian package, .build/deb/nudge_VERSION_ARCH.deb
#
# NUDGE_BIN=PATH installs a binary built elsewhere instead of building .build/release/nudge;
# SCRATCH_PATH=DIR builds in DIR instead of .build.
# USERUNITDIR=DIR puts the units somewhere else (they must be where `systemctl --user` looks).

PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
INSTALL ?= install
SCRATCH_PATH ?= .build
BUILT_BIN = $(SCRATCH_PATH)/release/nudge
# The Swift runtime and Foundation are linked in: the installed binary needs no Swift toolchain, and the
# daemon maps only the parts it uses (an idle daemon's resident memory is 4 MB smaller than with the
# shared libraries).
SWIFT_BUILD = $(SWIFT) build -c release --static-swift-stdlib --product nudge \
	$(if $(filter-out .build,$(SCRATCH_PATH)),--scratch-path $(SCRATCH_PATH))
NUDGE_BIN ?= $(BUILT_BIN)

# Some shells pass `PREFIX=~/.local` on without expanding the tilde.
override PREFIX := $(patsubst ~/%,$(HOME)/%,$(patsubst ~,$(HOME),$(PREFIX)))

BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
DOCDIR = $(PREFIX)/share/doc/nudge
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR = $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR = $(PREFIX)/share/fish/vendor_completions.d

# The user manager reads /usr/lib/systemd/user and /usr/local/lib/systemd/user system-wide, and
# ~/.local/share/systemd/user ($XDG_DATA_HOME) for one user: see systemd.unit(5), "User Unit Search Path".
ifneq ($(and $(HOME),$(filter $(HOME)/%,$(PREFIX))),)
USERUNITDIR = $(PREFIX)/share/systemd/user
else
USERUNITDIR = $(PREFIX)/lib/systemd/user
endif

UNITS = nudge.service nudge-tick.service nudge-tick.timer

# Every file install writes, without DESTDIR: uninstall removes exactly these.
INSTALLED = \
	$(BINDIR)/nudge \
	$(addprefix $(USERUNITDIR)/,$(UNITS)) \
	$(MANDIR)/man1/nudge.1 \
	$(MANDIR)/man5/nudge.toml.5 \
	$(BASHCOMPDIR)/nudge \
	$(ZSHCOMPDIR)/_nudge \
	$(FISHCOMPDIR)/nudge.fish \
	$(DOCDIR)/nudge.example.toml \
	$(DOCDIR)/README.md

# bash, so that a failing generator in a pipe fails the recipe.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

.PHONY: all build deps run install uninstall check deb

all: build

# The Debian packages the build needs, installed when missing (through sudo when not root).
deps:
	scripts/deps

build: deps
	$(SWIFT_BUILD)

# The README's run command: the daemon in the foreground with the user's own config (Ctrl-C stops it).
run: build
	$(BUILT_BIN) init --if-missing
	$(BUILT_BIN) check
	exec $(BUILT_BIN) daemon

# Rebuilt only when a source is newer, so `sudo make install` after `make` does not build as root.
$(BUILT_BIN): Package.swift $(shell find Sources -type f)
	scripts/deps
	$(SWIFT_BUILD)

install: $(NUDGE_BIN)
	$(INSTALL) -Dm755 -s $(NUDGE_BIN) $(DESTDIR)$(BINDIR)/nudge
	for unit in $(UNITS); do \
		sed 's|^ExecStart=[^ ]*/nudge |ExecStart=$(BINDIR)/nudge |' systemd/$$unit \
			| $(INSTALL) -Dm644 /dev/stdin $(DESTDIR)$(USERUNITDIR)/$$unit; \
	done
	$(INSTALL) -Dm644 docs/man/nudge.1 $(DESTDIR)$(MANDIR)/man1/nudge.1
	$(INSTALL) -Dm644 docs/man/nudge.toml.5 $(DESTDIR)$(MANDIR)/man5/nudge.toml.5
	$(NUDGE_BIN) --generate-completion-script bash | $(INSTALL) -Dm644 /dev/stdin $(DESTDIR)$(BASHCOMPDIR)/nudge
	$(NUDGE_BIN) --generate-completion-script zsh | $(INSTALL) -Dm644 /dev/stdin $(DESTDIR)$(ZSHCOMPDIR)/_nudge
	$(NUDGE_BIN) --generate-completion-script fish | $(INSTALL) -Dm644 /dev/stdin $(DESTDIR)$(FISHCOMPDIR)/nudge.fish
	$(INSTALL) -Dm644 Config/nudge.example.toml $(DESTDIR)$(DOCDIR)/nudge.example.toml
	$(INSTALL) -Dm644 README.md $(DESTDIR)$(DOCDIR)/README.md

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	if [ -d $(DESTDIR)$(DOCDIR) ]; then rmdir --ignore-fail-on-non-empty $(DESTDIR)$(DOCDIR); fi

check:
	bash .ci/run

# nudge_VERSION_ARCH.deb in .build/deb (scripts/deb.sh says how); `lintian` checks it.
# (`build` always: a binary left by a plain `swift build -c release`, such as scripts/gen-man.sh makes, is
# not linked statically.)
deb: $(if $(filter $(BUILT_BIN),$(NUDGE_BIN)),build,$(NUDGE_BIN))
	scripts/deps --deb
	NUDGE_BIN=$(NUDGE_BIN) scripts/deb.sh
