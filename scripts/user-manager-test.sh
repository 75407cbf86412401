#!/usr/bin/env bash
# nudge under a real systemd user manager: `nudge install` starts the service (Type=notify: READY and
# STATUS reach systemd), a nudge arrives on time, a reload keeps it running, a SIGKILL is restarted
# without a second delivery, a stop is clean, `install --timer` swaps the service for the timer and
# `uninstall` leaves no unit. With --deb, the same for the package's own units after `dpkg -i`, and
# `dpkg --purge` leaves nothing behind.
#
#   scripts/user-manager-test.sh [BINARY]      the binary (default .build/release/nudge) and `nudge install`
#   scripts/user-manager-test.sh --deb FILE    the package
#
# The manager runs as an unprivileged user `nudgetest` in a cgroup subtree delegated to it (the recipe of
# ../shared/PEERS.md, what user@.service does), never as root: as root it would take over the machine's
# root cgroup. It adds a user, cgroups and /run/systemd/system, so it runs only as root on a throwaway
# machine (CI=true or NUDGE_THROWAWAY=1) and says why it skips otherwise; everything is undone in a trap.
# The marker /run/systemd/system never exists while dpkg runs. Delivery is counted through a command
# channel writing a file, since there is no journald for the unit's output.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "user-manager-test: $*"; }
fail() {
    say "FAIL: $*"
    exit 1
}
if [ "$(id -u)" != 0 ] || { [ -z "${CI:-}" ] && [ -z "${NUDGE_THROWAWAY:-}" ]; }; then
    say "skipped: needs root on a throwaway machine (CI=true or NUDGE_THROWAWAY=1): it adds a user and cgroups"
    exit 0
fi
command -v setpriv >/dev/null && [ -x /lib/systemd/systemd ] || fail "setpriv and /lib/systemd/systemd are needed"

deb=""
binary=.build/release/nudge
if [ "${1:-}" = --deb ]; then
    deb=$(readlink -f "${2:?--deb needs the .deb}")
else
    binary=${1:-$binary}
fi

user=nudgetest
home=$(mktemp -d /tmp/nudge-user-manager.XXXXXX)
made_user=false
made_marker=false
manager=""
cgroups=()
if [ -d /sys/fs/cgroup/unified ]; then
    cgroups=(/sys/fs/cgroup/systemd/nudge-test /sys/fs/cgroup/unified/nudge-test)
else
    cgroups=(/sys/fs/cgroup/nudge-test)
fi

stop_manager() {
    [ -n "$manager" ] || return 0
    kill -TERM "$manager" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$manager" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$manager" 2>/dev/null || true
    wait "$manager" 2>/dev/null || true
    manager=""
    # What the manager started (the daemon) goes with it: its cgroup empties.
    for c in "${cgroups[@]}"; do
        find "$c" -name cgroup.procs 2>/dev/null | while read -r procs; do
            while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$procs"
        done
    done
    sleep 0.3
    if $made_marker; then rmdir /run/systemd/system && made_marker=false; fi
}

cleanup() {
    status=$?
    stop_manager
    for c in "${cgroups[@]}"; do [ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} + 2>/dev/null || true; done
    if ! awk -F: '$3 != "/" { bad = 1 } END { exit bad }' /proc/1/cgroup; then
        say "FAIL: PID 1 left its root cgroup: $(cat /proc/1/cgroup | tr '\n' ' ')"
        status=1
    fi
    [ -n "$deb" ] && dpkg-query -W nudge >/dev/null 2>&1 && dpkg --purge nudge >/dev/null
    $made_user && userdel "$user"
    rm -rf "$home"
    exit "$status"
}
trap cleanup EXIT

id "$user" >/dev/null 2>&1 || { useradd -M -d "$home" -s /usr/sbin/nologin "$user" && made_user=true; }
if [ -n "$deb" ]; then
    dpkg -i "$deb" >/dev/null
    nudge=/usr/bin/nudge
else
    mkdir -p "$home/bin"
    cp "$binary" "$home/bin/nudge"
    nudge=$home/bin/nudge
fi
runtime=$home/run
mkdir -p "$runtime" "$home/.config/nudge"
chmod 0700 "$runtime"
told=$home/told
printf '#!/bin/sh\necho "$1 $2" >> %s\n' "$told" >"$home/hook"
chmod 0755 "$home/hook"
due=$(date -u -d "@$(($(date +%s) + 25))" '+%F %T')
cat >"$home/.config/nudge/config.toml" <<EOF
[settings]
timezone = "UTC"
channels = ["hook"]

[channel.hook]
kind = "command"
command = ["$home/hook", "{kind}", "{id}"]

[[commitment]]
id = "call-mom"
title = "Call Mom"
once = "$due"
follow_up = "1h"
EOF
chmod 0600 "$home/.config/nudge/config.toml"
chown -R "$user:" "$home"

for c in "${cgroups[@]}"; do
    mkdir -p "$c"
    chown -R "$user" "$c"
done
if [ ! -d /run/systemd/system ]; then mkdir /run/systemd/system && made_marker=true; fi

as_user() {
    setpriv --reuid "$user" --regid "$user" --init-groups env -i PATH=/usr/bin:/bin HOME="$home" \
        XDG_RUNTIME_DIR="$runtime" "$@"
}
procs=""
for c in "${cgroups[@]}"; do procs+="echo \$\$ > $c/cgroup.procs; "; done
bash -c "$procs exec setpriv --reuid $user --regid $user --init-groups env -i PATH=/usr/bin:/bin HOME=$home \
    XDG_RUNTIME_DIR=$runtime /lib/systemd/systemd --user" >"$home/manager.log" 2>&1 &
manager=$!
state=""
for _ in $(seq 150); do
    state=$(as_user systemctl --user is-system-running 2>/dev/null || true)
    [ "$state" = running ] || [ "$state" = degraded ] && break
    sleep 0.2
done
[ "$state" = running ] || [ "$state" = degraded ] || fail "the user manager did not start ($state): $(tail -5 "$home/manager.log")"
say "user manager $state (pid $manager)"

show() { as_user systemctl --user show "$1" -p "$2" --value; }
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
    local seconds=$1 what=$2
    shift 2
    for _ in $(seq $((seconds * 5))); do "$@" && return 0; sleep 0.2; done
    fail "$what"
}
deliveries() { [ -f "$told" ] && wc -l <"$told" || echo 0; }

if [ -n "$deb" ]; then
    as_user systemctl --user enable --now nudge.service >/dev/null 2>&1 || fail "enable --now nudge.service failed"
else
    as_user "$nudge" install >/dev/null || fail "nudge install failed"
fi
[ "$(as_user systemctl --user is-active nudge.service)" = active ] || fail "nudge.service is not active"
[ "$(show nudge.service Type)" = notify ] || fail "nudge.service is not Type=notify"
[ -n "$(show nudge.service StatusText)" ] || fail "no STATUS= reached systemd"
say "nudge.service active, status: $(show nudge.service StatusText)"

wait_for 60 "the due nudge did not arrive: $(cat "$told" 2>/dev/null)" grep -qs "^due call-mom" "$told"
[ "$(deliveries)" = 1 ] || fail "expected one delivery, got: $(cat "$told")"
say "the nudge arrived on time: $(cat "$told")"

pid=$(show nudge.service MainPID)
as_user systemctl --user reload nudge.service
sleep 1
[ "$(as_user systemctl --user is-active nudge.service)" = active ] || fail "reload stopped nudge.service"
[ "$(show nudge.service MainPID)" = "$pid" ] || fail "reload replaced the process"
say "reloaded, same process $pid"

kill -KILL "$pid"
wait_for 30 "nudge.service was not restarted after SIGKILL" \
    bash -c "[ \"\$(setpriv --reuid $user --regid $user --init-groups env -i PATH=/usr/bin:/bin HOME=$home XDG_RUNTIME_DIR=$runtime systemctl --user show nudge.service -p MainPID --value)\" != $pid ] && [ \"\$(setpriv --reuid $user --regid $user --init-groups env -i PATH=/usr/bin:/bin HOME=$home XDG_RUNTIME_DIR=$runtime systemctl --user is-active nudge.service)\" = active ]"
sleep 2
[ "$(deliveries)" = 1 ] || fail "the restart delivered again: $(cat "$told")"
say "restarted after SIGKILL as $(show nudge.service MainPID), no second delivery"

as_user systemctl --user stop nudge.service
[ "$(as_user systemctl --user is-active nudge.service || true)" = inactive ] || fail "stop left nudge.service $(as_user systemctl --user is-active nudge.service)"
[ "$(show nudge.service Result)" = success ] || fail "stop was not clean: $(show nudge.service Result)"
say "stopped cleanly"

if [ -z "$deb" ]; then
    as_user "$nudge" install --timer >/dev/null || fail "nudge install --timer failed"
    [ "$(as_user systemctl --user is-active nudge-tick.timer)" = active ] || fail "nudge-tick.timer is not active"
    [ "$(as_user systemctl --user is-enabled nudge.service 2>/dev/null || true)" != enabled ] || fail "nudge.service still enabled"
    say "install --timer: the timer runs instead of the service"
    as_user "$nudge" uninstall >/dev/null
    left=$(find "$home/.config/systemd" "$home/.local/share/systemd" -name 'nudge*' 2>/dev/null || true)
    [ -z "$left" ] || fail "uninstall left: $left"
    [ "$(as_user systemctl --user is-active nudge-tick.timer || true)" != active ] || fail "the timer still runs"
    say "uninstall left no unit"
else
    as_user systemctl --user disable nudge.service >/dev/null 2>&1
    stop_manager
    dpkg --purge nudge >/dev/null
    left=$(ls /usr/bin/nudge /usr/lib/systemd/user/nudge* /usr/share/doc/nudge /usr/share/man/man1/nudge.1.gz 2>/dev/null || true)
    [ -z "$left" ] || fail "dpkg --purge left: $left"
    ! dpkg-query -W nudge >/dev/null 2>&1 || fail "dpkg still knows nudge"
    say "dpkg --purge left nothing behind"
fi
say "passed"
