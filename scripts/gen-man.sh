#!/usr/bin/env bash
# Regenerates docs/man/nudge.1 from the command-line definitions in Sources/nudge.
#
# swift-argument-parser's generate-manual plugin builds the package (release) and turns
# `nudge --experimental-dump-help` into an mdoc page; this script replaces the page's generic EXIT
# STATUS with nudge's own statuses and adds FILES, ENVIRONMENT and SEE ALSO, which the definitions
# cannot say. docs/man/nudge.toml.5 is written by hand.
#
#   scripts/gen-man.sh           rewrite docs/man/nudge.1 (kept as is when only the date would change)
#   scripts/gen-man.sh --check   exit 1 when docs/man/nudge.1 is out of date
#
# SCRATCH_PATH=DIR builds there instead of .build; SOURCE_DATE_EPOCH fixes the page's date.
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
case "${1:-}" in
--check) check=true ;;
"") ;;
*) echo "usage: $0 [--check]" >&2 && exit 64 ;;
esac

scratch=${SCRATCH_PATH:-.build}
date=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%F)
swift package --scratch-path "$scratch" plugin generate-manual --date "$date" >&2
generated="$scratch/plugins/GenerateManual/outputs/nudge/nudge.1"

page=$(mktemp)
trap 'rm -f "$page"' EXIT
version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/NudgeCore/Version.swift)
{
    sed -e '/^\.Sh "EXIT STATUS"/,$d' -e "s/^\.Os\$/.Os nudge $version/" "$generated"
    cat <<'EOF'
.Sh "EXIT STATUS"
.Bl -tag -width 4n -compact
.It 0
Success.
.It 1
Nothing matched: no such commitment or channel, nothing pending to answer, or a refusal
(another daemon is running, a file exists).
.It 64
Usage error on the command line.
.It 65
Bad input on the command line (a time, span or title that cannot be read).
.It 69
A service is unavailable (no user manager, a channel that cannot work here).
.It 75
Temporary failure; trying again later may work.
.It 78
The config has errors; they are printed like compiler diagnostics.
.El
.Sh FILES
.Bl -tag -width 4n
.It Pa ~/.config/nudge/config.toml
The promises and channels, see
.Xr nudge.toml 5 .
.It Pa ~/.local/state/nudge/nudge.sqlite
The record of what happened to each promise.
.It Pa ~/.config/systemd/user/nudge.service , nudge-tick.service , nudge-tick.timer
The units
.Nm Cm install
writes.
.El
.Sh ENVIRONMENT
.Bl -tag -width 4n
.It Ev NUDGE_CONFIG
The config file, unless
.Fl -config
names one.
.It Ev XDG_CONFIG_HOME , XDG_STATE_HOME
Used in place of
.Pa ~/.config
and
.Pa ~/.local/state
when set to absolute paths.
.It Ev TZ
The zone times are read in, unless the config sets one.
.It Ev NO_COLOR
Turns off colour in the tables of
.Nm Cm report .
Without a terminal there is no colour either, and tables are cut to the terminal's width only on one.
.El
.Sh "SEE ALSO"
.Xr nudge.toml 5 ,
.Xr systemd.time 7 ,
.Xr systemctl 1 ,
.Xr systemd-analyze 1
EOF
} >"$page"

target=docs/man/nudge.1
# The .Dd line carries the date: a page that differs only there is current.
if [ -f "$target" ] && diff -q <(grep -v '^\.Dd ' "$target") <(grep -v '^\.Dd ' "$page") >/dev/null; then
    echo "$target is up to date" >&2
    exit 0
fi
if $check; then
    echo "$target is out of date; run scripts/gen-man.sh" >&2
    exit 1
fi
mkdir -p "$(dirname "$target")"
cp "$page" "$target"
chmod 644 "$target"
echo "wrote $target" >&2
