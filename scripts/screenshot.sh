#!/usr/bin/env bash
# Takes docs/dunst-popup.png: the daemon nudges through a real dunst on a private Xvfb screen and
# session bus (nothing of the user's session is touched). Needs: dbus xvfb dunst x11-apps imagemagick.
set -euo pipefail
cd "$(dirname "$0")/.."
nudge=${NUDGE:-.build/debug/nudge}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

export DBUS_SESSION_BUS_ADDRESS="unix:path=$work/bus" HOME="$work" TZ=Europe/Berlin
dbus-daemon --session --address="$DBUS_SESSION_BUS_ADDRESS" --nofork --nopidfile &
pids+=($!)
exec 3>"$work/display"
Xvfb -displayfd 3 -screen 0 800x300x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$work/display")"
cat >"$work/dunstrc" <<'RC'
[global]
    font = DejaVu Sans 11
    width = 360
    origin = top-right
    offset = 16x16
    frame_width = 2
    frame_color = "#7aa2f7"
    background = "#1a1b26"
    foreground = "#c0caf5"
    padding = 10
    horizontal_padding = 12
    format = "<b>%s</b>\n%b"
[urgency_normal]
    timeout = 0
    background = "#1a1b26"
    foreground = "#c0caf5"
RC
dunst -config "$work/dunstrc" >/dev/null 2>&1 &
pids+=($!)
sleep 1

at=$(date -d '+4 sec' +%H:%M:%S)
cat >"$work/config.toml" <<TOML
[settings]
timezone = "Europe/Berlin"
channels = ["desktop"]

[[commitment]]
id = "call-mom"
title = "Call Mom"
when = "*-*-* $at"
note = "Ask how the knee is"
TOML
chmod 600 "$work/config.toml"
NUDGE_CONFIG="$work/config.toml" XDG_STATE_HOME="$work/state" "$nudge" daemon --log-target stderr &
pids+=($!)
sleep 6
xwd -root -silent | convert xwd:- -crop 400x130+400+0 +repage docs/dunst-popup.png
echo "wrote docs/dunst-popup.png"
