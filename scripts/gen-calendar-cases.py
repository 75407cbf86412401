#!/usr/bin/python3
"""Regenerate the calendar oracle fixture from the real `systemd-analyze calendar`.

Usage:
    scripts/gen-calendar-cases.py            # rewrite Tests/NudgeCoreTests/Fixtures/calendar-cases.json
    scripts/gen-calendar-cases.py --check    # regenerate in memory, exit 1 if the fixture differs
    scripts/gen-calendar-cases.py --list     # print the cases (zone, base, iterations, expression), run nothing

Every case is one (time zone, base time, expression, iteration count). For each, the script runs

    TZ=<zone> systemd-analyze calendar --iterations=<n> --base-time=<base> -- <expression>

with an otherwise minimal environment, and records the exit code and stdout with every "From now:"
line removed (those depend on the wall clock; everything else depends only on the case). An invalid
expression exits 1 and prints nothing on stdout; so does a valid one whose next elapse systemd gives
up on ("Infinite loop in calendar calculation", e.g. "02:45" on the Chatham spring-forward day).
`--` keeps expressions such as "-1:00" from being read as options; it changes nothing else.

The fixture is a pretty-printed JSON array in the order of the case list below, so regenerating with
the same systemd and tzdata gives an identical file. It was made with systemd 252 (Debian 12) and the
tzdata in /usr/share/zoneinfo (2025b); a newer tzdata may change DST-related cases in far-future
years (2026f ended Morocco's daylight saving time). So the script also copies the zone files the cases
read into Fixtures/zoneinfo, with the tzdata version in Fixtures/zoneinfo/VERSION: the tests replay the
recorded outputs under those files, and compare the same cases live with systemd-analyze under the
system's zone data.
years, a newer systemd may change formatting. Runs with /usr/bin/python3, standard library only.

The case list covers systemd.time(7) "Calendar Events": weekday names, lists, ranges and repetitions
in every field, "~" (end of month), fractional seconds, two- and four-digit years, "@epoch", every
keyword, trailing UTC / IANA zone / local zone abbreviation, expressions that never elapse, invalid
expressions; and base times right before, inside and right after DST transitions (gaps and folds,
2026, 2031 and 2040, the last one computed from the TZif POSIX footer), month ends, leap days and
year ends in a dozen zones.
"""

import argparse
import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE = os.path.join(REPO, "Tests", "NudgeCoreTests", "Fixtures", "calendar-cases.json")
SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze"

# ---------------------------------------------------------------------------------------------------
# Base times
# ---------------------------------------------------------------------------------------------------

ORDINARY = "2026-03-27 12:00:00 UTC"  # a Friday, two days before the European spring-forward

# Ordinary days, month ends, leap days, year ends, and a few @EPOCH forms (some with a fraction).
OTHER_BASES = [
    "2026-06-15 08:30:00 UTC",
    "2026-01-31 23:59:59 UTC",
    "2026-02-28 23:00:00 UTC",
    "2026-04-30 22:30:00 UTC",
    "2026-12-31 23:59:30 UTC",
    "2028-02-28 23:30:00 UTC",
    "2028-02-29 12:00:00 UTC",
    "2027-02-28 12:00:00 UTC",
    "2100-02-27 12:00:00 UTC",
    "1999-12-31 23:00:00 UTC",
    "2199-12-30 12:00:00 UTC",
    "@1774612800",
    "@1800000000",
    "@2147483647",
    "@1774612800.25",
    "@0",
]

# ---------------------------------------------------------------------------------------------------
# Expressions that exercise the grammar and the matcher (run in a few zones and bases each)
# ---------------------------------------------------------------------------------------------------

FEATURES = [
    # weekdays: short and long names, any case, ranges "..", legacy "-", lists, trailing comma
    "mon",
    "MONDAY",
    "Monday",
    "mOnDaY 9:00",
    "tue",
    "Wednesday 18:00",
    "THU",
    "friday",
    "sAt",
    "sunday 23:59",
    "Sat,Sun",
    "Sat,Sun,",
    "Mon,Tue,",
    "Mon,",
    "Mon..Fri",
    "Mon-Fri 09:00",
    "mon..fri 17:30",
    "Monday..Wednesday",
    "Mon..Wed,Fri",
    "Mon..Fri,Sat..Sun",
    "Sat..Sun",
    "Sun,Mon",
    "Wed..Wed",
    "Wed-Wed",
    "Mon,Mon",
    "MON-FRI",
    "Mon..Sun 12:00",
    "Tue,Thu 12:00",
    "Fri *-*-13",
    "Fri *-*-13 13:13",
    "Sat,Sun *-*-1..7",
    "Mon *-*-1..7 10:00",
    "Thu *-11-22..28",
    "Mon  12:00",
    "Fri..Sun",
    "Mon,Tue,Wed",
    "Mon,Tue,Thu,Fri,Sun",
    # "*" everywhere
    "*-*-*",
    "*-*",
    "*:*",
    "*:*:*",
    "*-*-* *:*:*",
    "*~*",
    "*-*~*",
    # lists in every field
    "2026,2028-02-29",
    "*-1,4,7,10-1",
    "*-*-1,15",
    "*-*-1,15,31",
    "8,12,18:00",
    "1,2,3:00",
    "*:0,20,40",
    "*:*:0,15,30,45",
    "12:00,13:00",
    "Mon,Fri 12:00,13:00",
    # ranges in every field
    "2026..2028-*-01",
    "26..28-01-01",
    "*-3..5-*",
    "*-*-10..12",
    "9..17:00",
    "*-*-* 8..11,13..17:00",
    "*:10..20/5",
    "*:*:10..20",
    "5..5:00",
    "1..2:00",
    "0..0/1:00",
    # repetition in every field
    "2020/2-*-*",
    "2020..2030/3-*-*",
    "2021/4-02-29",
    "2020/179-*-*",
    "1970/229-1-1",
    "*-1/2-1",
    "*-1/11-1",
    "*-1..12/3-1",
    "*-1..12/3-1..31/10",
    "*-*-1/7",
    "*-*-1/30",
    "*-*-2/5 12:00",
    "0/6:00",
    "*-*-* 0/23:00",
    "0/2:30",
    "*:0/15",
    "*:5/10",
    "*:0/59",
    "*:*:0/7.5",
    "*:*:0/20",
    "*:*:0/59",
    "*:*:0/59.999999",
    "1..31/31:00",
    "*:*:0..59/60",
    # "~": days counted from the end of the month
    "*-02~03",
    "*-*~1",
    "*-*~01",
    "*-*~07/1",
    "Mon *-05~07/1",
    "*-*~28",
    "*-*~28/7",
    "*-*~4/3",
    "*-*~1..3",
    "*-*~1..3/2",
    "*-*~7,1",
    "*-02~1",
    "2028-02~1",
    "Mon,Wed,Fri *-*~1..7",
    "Sat *-*~1..7 12:00",
    "Fri *-*~1..7 17:00",
    "*~1",
    "01~05",
    "*-*~1 23:59:59",
    "*-12~1 23:30",
    # fractional seconds
    "12:00:01.5",
    "*:*:0.25/0.5",
    "*:*:1.5..3.5",
    "*:*:1.5..3.5/0.5",
    "*:*:1.000001",
    "*:*:1.0000001",
    "*:*:59.999999",
    "23:59:59.999999",
    "00:00:00.000000",
    "*:*:0/0.000001",
    "*-*-* *:*:00.5",
    "*:*:0/1.5",
    "*:*:1.0000005",
    "*:*:1.0000004",
    "*:*:1.9999995",
    "*:*:0/0.0000005",
    # years: two digits (00-69 -> 20xx, 70-99 -> 19xx), four digits, limits
    "69-12-31",
    "70-01-01",
    "26-*-*",
    "99-01-01",
    "00-01-01",
    "2199-12-31",
    "2199-*-*",
    "1970-01-01",
    "2026-3-5",
    "002026-01-01",
    "2100-02-29",
    "2000-02-29",
    # date only, time only
    "2026-12-01",
    "2027-01-01",
    "12-25",
    "12-25 18:00",
    "*-12-25",
    "2028-02-29",
    "*-02-29",
    "9:5",
    "09:05",
    "9:5:3",
    "0002:00",
    "23:59",
    "0:0:0",
    # @EPOCH (always UTC)
    "@1700000000",
    "@0",
    "@1799999999",
    "@1893456000",
    "@7258118399",
    "@4102444800",
    "Mon @1700000000",
    "Fri @1799999999",
    "Mon @1799999999",
    "@1799999999 UTC",
    # keywords
    "minutely",
    "hourly",
    "Hourly",
    "daily",
    "DAILY",
    "weekly",
    "monthly",
    "yearly",
    "annually",
    "anually",
    "quarterly",
    "QUARTERLY",
    "semiannually",
    "biannually",
    "bi-annually",
    "semi-annually",
    "Semi-Annually",
    # trailing UTC in any case
    "daily UTC",
    "daily utc",
    "daily Utc",
    "hourly UTC",
    "Mon..Fri 9:00 UTC",
    "*-12-25 utC",
    "quarterly UTC",
    "minutely UTC",
    "*:0/30 UTC",
    "@1700000000 UTC",
    "*-*~1 UTC",
    # never (all matching times are in the past, or impossible dates)
    "2021-*-*",
    "2020..2025-*-*",
    "*-02-30",
    "*-04-31",
    "2026-02-29",
    "2026-01-01 12:00",
    "2026-01-01  12:00",
    "Mon 2026-03-31",
    "Tue 2026-03-31",
]

# Trailing IANA zone names (the computation runs in that zone, the output in the local one).
ZONE_SUFFIXED = [
    "Sun 19:00 America/Chicago",
    "*-*-* 09:00 Asia/Kolkata",
    "daily Pacific/Chatham",
    "weekly Asia/Tokyo",
    "daily Europe/Berlin",
    "daily GMT",
    "daily Etc/GMT+5",
    "daily Etc/GMT-14",
    "daily Etc/UTC",
    "hourly Australia/Lord_Howe",
    "*:0/30 Asia/Kathmandu",
    "Mon..Fri 08:00 Europe/London",
    "monthly America/Sao_Paulo",
    "*-*~1 18:00 Australia/Sydney",
    "*-*-* 02:30 Europe/Berlin",
    "01:30 America/New_York",
    "daily EST",
    "daily CET",
    "12:00 Africa/Casablanca",
    "@1700000000 Europe/Berlin",
]

INVALID = [
    "Fri..Mon",
    "Sun..Mon",
    "*-*-32",
    "*-13-01",
    "*-0-01",
    "*-*-0",
    "24:00",
    "12:60",
    "*:*:60",
    "Mon.",
    "Mon..",
    "Mon-",
    "Mon..Wed..Fri",
    "Mo",
    "Mond",
    "Tues",
    "Thurs",
    "Mon,,Tue",
    "Mon ..Fri",
    "Mon, Fri",
    "Mon/2",
    "Mon~",
    " Mon",
    "Mon 12:00 ",
    "",
    " ",
    "*",
    "1/0",
    "*:0/0",
    "00/0",
    "*-*-1/0",
    "*:*:0/0.0",
    "*:*:0/0.0000001",
    "*-*~29",
    "*-*~31",
    "*-*~3..1",
    "*-*-*~1",
    "*-*~1~1",
    "*~1-1",
    "2026~01-01",
    "foo",
    "semi annually",
    "hourly,daily",
    "daily 12:00",
    "Mon daily",
    "2200-01-01",
    "1969-01-01",
    "2199..2200-01-01",
    "@-1",
    "@99999999999",
    "@7258118400",
    "@1700000000.5",
    "@1700000000 12:00",
    "2026-01-01 @1",
    "12:00 foo",
    "2026-01-01 12:00:00 garbage",
    "daily UTC UTC",
    "daily America/Chicago UTC",
    "daily Mars/Olympus",
    "daily europe/berlin",
    "daily zone.tab",
    "daily PST",
    "4294967296:00",
    "99999999999:00",
    "4294967296-01-01",
    "2147483648:00",
    "2147483647:00",
    "*:*:2147",
    "*:*:2148",
    "5..3:00",
    "*-*-31..1",
    "*:*:.5",
    "*:*:5.",
    "*:*:5..",
    "*:*:*.5",
    "*:*:*/5",
    "*/2:00",
    "*-*/2-*",
    "1..5",
    "12",
    "12:",
    ":00",
    "-1:00",
    "+1:00",
    "1:+1",
    "0x10:00",
    "1e1:00",
    " 12:00",
    "12 :00",
    "12: 00",
    "12:00:00:00",
    "*-*-* *:*:*:*",
    "*:00.5",
    "12:00.5",
    "2026-01-01T12:00",
    "Mon 2026-01-01 12:00 12:00",
    "*-*-1,15,",
    "*-*-1,",
    "*-*-,1",
    "*:1,2,:00",
    "*:*:59.9999995",
    "2026-*",
    "2026",
    "2026-01",
    "Dec-25",
    "*-*-1/31",
    "*-1/12-1",
    "2020/180-*-*",
    "1970/230-1-1",
    "*-*-* 0/24:00",
    "*:0/60",
    "*:*:0/60",
    "*:*:1/59",
    "2026-02-29 25:00",
    "*:" + ",".join(["1"] * 242),
]

# The longest list systemd accepts (241 elements); it normalizes to a single value.
LONG_VALID = ["*:" + ",".join(["1"] * 241), "*:" + ",".join(str(i % 60) for i in range(241))]

# ---------------------------------------------------------------------------------------------------
# DST transitions: UTC instant, kind, and local wall-clock expressions aimed at the affected window
# ---------------------------------------------------------------------------------------------------

# (zone, UTC instant of the transition, "gap" (spring forward) or "fold" (fall back),
#  expressions at local times inside the skipped / repeated window)
TRANSITIONS_2026 = [
    ("Europe/Berlin", "2026-03-29 01:00:00", "gap", ["02:30", "*-*-* 02:00"]),
    ("Europe/Berlin", "2026-10-25 01:00:00", "fold", ["02:30", "*-*-* 02:00"]),
    ("America/New_York", "2026-03-08 07:00:00", "gap", ["02:30", "02:00"]),
    ("America/New_York", "2026-11-01 06:00:00", "fold", ["01:30", "01:00"]),
    ("Australia/Sydney", "2026-04-04 16:00:00", "fold", ["02:30", "02:00"]),
    ("Australia/Sydney", "2026-10-03 16:00:00", "gap", ["02:30", "02:00"]),
    ("Pacific/Chatham", "2026-04-04 14:00:00", "fold", ["03:15", "02:45"]),
    ("Pacific/Chatham", "2026-09-26 14:00:00", "gap", ["03:15", "02:45"]),
    ("Europe/London", "2026-03-29 01:00:00", "gap", ["01:30", "01:00"]),
    ("Europe/London", "2026-10-25 01:00:00", "fold", ["01:30", "01:00"]),
    ("Europe/Dublin", "2026-03-29 01:00:00", "gap", ["01:30", "01:00"]),
    ("Europe/Dublin", "2026-10-25 01:00:00", "fold", ["01:30", "01:00"]),
    ("Australia/Lord_Howe", "2026-04-04 15:00:00", "fold", ["01:45", "01:30"]),
    ("Australia/Lord_Howe", "2026-10-03 15:30:00", "gap", ["02:15", "02:00"]),
    ("Africa/Casablanca", "2026-02-15 02:00:00", "fold", ["02:30", "02:00"]),
    ("Africa/Casablanca", "2026-03-22 02:00:00", "gap", ["02:30", "02:00"]),
    # Brazil had DST until 2019, switching at midnight: "daily" itself falls into the gap.
    ("America/Sao_Paulo", "2018-11-04 03:00:00", "gap", ["00:30", "daily"]),
    ("America/Sao_Paulo", "2019-02-17 02:00:00", "fold", ["23:30", "23:00"]),
    # Nepal moved from +05:30 to +05:45 at midnight: a 15-minute gap without any DST flag.
    ("Asia/Kathmandu", "1985-12-31 18:30:00", "gap", ["00:10", "daily"]),
]

TRANSITIONS_LATER = [
    ("Europe/Berlin", "2031-03-30 01:00:00", "gap", "02:30"),
    ("Europe/Berlin", "2031-10-26 01:00:00", "fold", "02:30"),
    ("Europe/Berlin", "2040-03-25 01:00:00", "gap", "02:30"),
    ("Europe/Berlin", "2040-10-28 01:00:00", "fold", "02:30"),
    ("America/New_York", "2031-03-09 07:00:00", "gap", "02:30"),
    ("America/New_York", "2031-11-02 06:00:00", "fold", "01:30"),
    ("America/New_York", "2040-03-11 07:00:00", "gap", "02:30"),
    ("America/New_York", "2040-11-04 06:00:00", "fold", "01:30"),
    ("Australia/Sydney", "2031-04-05 16:00:00", "fold", "02:30"),
    ("Australia/Sydney", "2031-10-04 16:00:00", "gap", "02:30"),
    ("Australia/Sydney", "2040-03-31 16:00:00", "fold", "02:30"),
    ("Australia/Sydney", "2040-10-06 16:00:00", "gap", "02:30"),
    ("Pacific/Chatham", "2031-04-05 14:00:00", "fold", "03:15"),
    ("Pacific/Chatham", "2031-09-27 14:00:00", "gap", "03:15"),
    ("Pacific/Chatham", "2040-03-31 14:00:00", "fold", "03:15"),
    ("Pacific/Chatham", "2040-09-29 14:00:00", "gap", "03:15"),
    ("Europe/London", "2031-03-30 01:00:00", "gap", "01:30"),
    ("Europe/London", "2040-10-28 01:00:00", "fold", "01:30"),
    ("Europe/Dublin", "2031-10-26 01:00:00", "fold", "01:30"),
    ("Europe/Dublin", "2040-03-25 01:00:00", "gap", "01:30"),
    ("Australia/Lord_Howe", "2031-04-05 15:00:00", "fold", "01:45"),
    ("Australia/Lord_Howe", "2031-10-04 15:30:00", "gap", "02:15"),
    ("Australia/Lord_Howe", "2040-03-31 15:00:00", "fold", "01:45"),
    ("Australia/Lord_Howe", "2040-10-06 15:30:00", "gap", "02:15"),
    ("Africa/Casablanca", "2031-01-26 02:00:00", "gap", "02:30"),
    ("Africa/Casablanca", "2031-12-14 02:00:00", "fold", "02:30"),
    ("Africa/Casablanca", "2040-09-02 02:00:00", "fold", "02:30"),
    ("Africa/Casablanca", "2040-10-14 02:00:00", "gap", "02:30"),
]

# Zone-suffixed expressions whose own zone changes offset near the base, evaluated from another TZ.
FOREIGN_TRANSITIONS = [
    ("America/New_York", "*:0/30 Europe/Berlin", "2026-03-29 01:00:00"),
    ("America/New_York", "*:0/30 Europe/Berlin", "2026-10-25 01:00:00"),
    ("Asia/Kolkata", "02:30 Europe/Berlin", "2026-03-29 01:00:00"),
    ("Asia/Kolkata", "02:30 Europe/Berlin", "2026-10-25 01:00:00"),
    ("Europe/Berlin", "01:30 America/New_York", "2026-11-01 06:00:00"),
    ("Europe/Berlin", "hourly America/New_York", "2026-03-08 07:00:00"),
    ("UTC", "*:0/15 Australia/Lord_Howe", "2026-10-03 15:30:00"),
    ("UTC", "*:0/15 Australia/Lord_Howe", "2026-04-04 15:00:00"),
    ("Australia/Sydney", "*:0/20 Pacific/Chatham", "2040-09-29 14:00:00"),
    ("Pacific/Chatham", "hourly Australia/Sydney", "2040-03-31 16:00:00"),
    ("Europe/London", "daily America/Sao_Paulo", "2018-11-04 03:00:00"),
]

# Trailing local zone abbreviations (tzname[0] / tzname[1] of the TZ), checked in winter and summer.
ABBREVIATIONS = [
    ("Europe/Berlin", ["daily CET", "daily CEST", "hourly CET", "*:0/30 CEST", "12:00 cest", "02:30 CET"]),
    ("America/New_York", ["daily EST", "daily EDT", "hourly EDT", "01:30 EST"]),
    ("Europe/London", ["daily GMT", "daily BST", "hourly BST"]),
    ("Europe/Dublin", ["daily GMT", "daily IST"]),
    ("Asia/Kolkata", ["daily IST", "daily ist", "*:0/30 IST", "daily +0630"]),
    ("Australia/Sydney", ["daily AEST", "daily AEDT"]),
    ("Pacific/Chatham", ["daily +1245", "daily +1345"]),
    ("Asia/Kathmandu", ["daily +0545"]),
    ("America/Sao_Paulo", ["daily -03", "daily -02"]),
    ("Africa/Casablanca", ["daily +01", "daily +00"]),
    ("Australia/Lord_Howe", ["daily +1030", "daily +11"]),
    ("Atlantic/Reykjavik", ["daily GMT", "daily +00"]),
    ("Africa/Abidjan", ["daily GMT"]),
]

# Zones used for the feature expressions, rotated deterministically.
FEATURE_ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "UTC",
    "Asia/Kathmandu",
    "America/Sao_Paulo",
    "Europe/London",
    "Africa/Casablanca",
    "Australia/Lord_Howe",
]


def fmt_utc(seconds):
    """Formats epoch seconds as 'YYYY-MM-DD HH:MM:SS UTC' (proleptic Gregorian, no library zone data)."""
    days, rest = divmod(seconds, 86400)
    # Howard Hinnant's civil_from_days.
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    y = yoe + era * 400 + (1 if m <= 2 else 0)
    return "%04d-%02d-%02d %02d:%02d:%02d UTC" % (y, m, d, rest // 3600, rest // 60 % 60, rest % 60)


def parse_utc(text):
    """Epoch seconds of 'YYYY-MM-DD HH:MM:SS' read as UTC."""
    date, time = text.split(" ")
    y, m, d = (int(x) for x in date.split("-"))
    hh, mm, ss = (int(x) for x in time.split(":"))
    yy = y - 1 if m <= 2 else y
    era = yy // 400
    yoe = yy - era * 400
    doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146097 + doe - 719468
    return days * 86400 + hh * 3600 + mm * 60 + ss


def build_cases():
    """The ordered, de-duplicated list of (zone, base, expression, iterations)."""
    cases = []
    seen = set()

    def add(zone, base, expression, iterations):
        key = (zone, base, expression, iterations)
        if key not in seen:
            seen.add(key)
            cases.append(key)

    # 1. Features: once at the ordinary base in UTC or Berlin, once in a rotated zone and base.
    for i, expr in enumerate(FEATURES):
        add("UTC" if i % 2 == 0 else "Europe/Berlin", ORDINARY, expr, 1 + i % 4)
        if i % 3 == 2:
            continue
        zone = FEATURE_ZONES[(i * 7 + 3) % len(FEATURE_ZONES)]
        base = OTHER_BASES[(i * 5 + 1) % len(OTHER_BASES)]
        add(zone, base, expr, 12 if i % 10 == 0 else 2 + (i * 3) % 5)
    for expr in LONG_VALID:
        add("UTC", ORDINARY, expr, 2)

    # 2. Month ends, leap days and year ends with the expressions most sensitive to them.
    for j, base in enumerate(OTHER_BASES):
        for k, expr in enumerate(["*-*~1", "*-02-29", "*-*-31", "yearly", "*:*:0/20"]):
            zone = FEATURE_ZONES[(j + k) % len(FEATURE_ZONES)]
            add(zone, base, expr, 2 + (j + k) % 4)

    # 3. Invalid expressions: in UTC and in Berlin (zone abbreviations are parsed per TZ).
    for i, expr in enumerate(INVALID):
        add("UTC", ORDINARY, expr, 1)
        if i % 3 == 0:
            add("Europe/Berlin", "2026-07-01 00:00:00 UTC", expr, 2)

    # 4. Zone-suffixed expressions, seen from several local zones.
    local_zones = ["UTC", "Europe/Berlin", "Asia/Kolkata", "Atlantic/Reykjavik", "America/New_York"]
    for i, expr in enumerate(ZONE_SUFFIXED):
        add(local_zones[i % len(local_zones)], ORDINARY, expr, 3)
        add(local_zones[(i + 2) % len(local_zones)], OTHER_BASES[i % len(OTHER_BASES)], expr, 2 + i % 5)
    # Reykjavik prints "(in UTC)" only for some expressions; Abidjan never does.
    for expr in ["daily", "daily UTC", "daily America/Chicago", "hourly Europe/London", "@1800000000"]:
        add("Atlantic/Reykjavik", ORDINARY, expr, 2)
        add("Africa/Abidjan", ORDINARY, expr, 2)
    for zone, expr, instant in FOREIGN_TRANSITIONS:
        t = parse_utc(instant)
        add(zone, fmt_utc(t - 50 * 60), expr, 6)
        add(zone, fmt_utc(t + 10 * 60), expr, 6)

    # 5. Local zone abbreviations, in winter and in summer (and around a transition for Berlin).
    for zone, exprs in ABBREVIATIONS:
        for expr in exprs:
            add(zone, "2026-01-15 12:00:00 UTC", expr, 3)
            add(zone, "2026-07-15 12:00:00 UTC", expr, 3)
    for expr in ["hourly CET", "hourly CEST", "*:0/20 CET", "*:0/20 CEST"]:
        add("Europe/Berlin", "2026-03-28 23:00:00 UTC", expr, 6)
        add("Europe/Berlin", "2026-10-24 23:10:00 UTC", expr, 6)

    # 6. DST transitions of 2026 (and Brazil 2018/19, Nepal 1986): bases well before, right before,
    #    at / inside, and after; for a fold also inside the first occurrence of the repeated hour.
    n = 0
    for zone, instant, kind, window in TRANSITIONS_2026:
        t = parse_utc(instant)
        offsets = [-50 * 60, -5 * 60, 0, 10 * 60, 70 * 60] if kind == "gap" else [-50 * 60, -5 * 60, 10 * 60, 65 * 60]
        for off in offsets:
            exprs = ["hourly", "*:0/15", window[0]]
            if off in (-5 * 60, 10 * 60):
                exprs += ["*:0/30", window[1]]
            for expr in exprs:
                add(zone, fmt_utc(t + off), expr, 3 + n % 4)
                n += 1
        # Seconds-level repetition straddling the transition, and an @EPOCH base.
        add(zone, fmt_utc(t - 30), "*:*:0/10", 6)
        add(zone, "@%d" % (t - 20 * 60), "*:0/20", 5)
        add(zone, "@%d" % (t - 20 * 60), window[0], 4)

    # 7. Later years: 2031 from the TZif transition table, 2040 from its POSIX footer.
    for zone, instant, kind, wall in TRANSITIONS_LATER:
        t = parse_utc(instant)
        for off in ([-50 * 60, 10 * 60] if kind == "gap" else [-5 * 60, 10 * 60]):
            for expr in ["hourly", "*:0/15", wall]:
                add(zone, fmt_utc(t + off), expr, 3 + n % 4)
                n += 1

    # 8. Zones without DST, ordinary days (Kolkata, Kathmandu, UTC), with offset-sensitive expressions.
    for zone in ["Asia/Kolkata", "Asia/Kathmandu", "UTC", "Pacific/Chatham"]:
        for base in ["2026-03-27 18:29:59 UTC", "2026-12-31 18:15:00 UTC", "@1800000000"]:
            for expr in ["daily", "*:0/45", "*-*~1 23:45", "Mon..Fri 9:00", "*-*-* 5:45:00"]:
                add(zone, base, expr, 1 + n % 12)
                n += 1

    # 9. Quirks found while exploring: systemd gives up ("Infinite loop in calendar calculation") on
    #    wall times in Chatham's 02:45-03:45 gap, and a normalized gap time can jump past valid matches.
    for expr in ["02:45", "02:50", "*-*-* 02:45:30", "03:00", "03:45", "*:0/10"]:
        add("Pacific/Chatham", "2026-09-26 13:10:00 UTC", expr, 3)
    add("Pacific/Chatham", "2040-09-29 13:40:00 UTC", "*:0/10", 3)
    add("Pacific/Chatham", "2040-09-29 13:40:00 UTC", "*:0/20", 3)
    for expr in ["*:53", "*:45", "*:44"]:
        add("Pacific/Chatham", "2026-09-26 13:10:00 UTC", expr, 3)
    #    A forced DST flag (local abbreviation) next to a transition.
    for expr in ["*:0/30 +1030", "*:0/30 +11"]:
        add("Australia/Lord_Howe", "2026-10-03 15:05:00 UTC", expr, 3)
    for expr in ["hourly +00", "hourly +01", "*-02/2-* *:28,12:46 +00"]:
        add("Africa/Casablanca", "2026-02-15 01:30:00 UTC", expr, 4)

    return cases


def run_case(analyzer, zone, base, expression, iterations):
    """Runs systemd-analyze for one case and returns (exit code, stdout without 'From now:' lines)."""
    env = {"TZ": zone, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "SYSTEMD_COLORS": "0"}
    argv = [analyzer, "calendar", "--iterations=%d" % iterations, "--base-time=" + base, "--", expression]
    proc = subprocess.run(argv, env=env, capture_output=True, timeout=60)
    stdout = proc.stdout.decode("utf-8")
    stderr = proc.stderr.decode("utf-8", "replace")
    if proc.returncode not in (0, 1):
        sys.exit("unexpected exit %d for %r: %s" % (proc.returncode, argv, stderr))
    if proc.returncode == 1:
        # Make sure it was the expression that failed, not the base time or anything else: either it
        # did not parse, or systemd gave up computing it ("Infinite loop in calendar calculation",
        # EDEADLK, seen for wall times inside some DST gaps). Neither prints a table.
        known = "Failed to parse calendar specification" in stderr or "Failed to determine next elapse" in stderr
        if not known or stdout:
            sys.exit("unexpected failure for %r (TZ=%s): %s%s" % (argv, zone, stdout, stderr))
    lines = stdout.splitlines(keepends=True)
    kept = [line for line in lines if not line.lstrip().startswith("From now:")]
    return proc.returncode, "".join(kept)


def render(records):
    """Pretty-printed JSON with a fixed key order and a final newline."""
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


ZONEINFO = "/usr/share/zoneinfo"


def copy_zones(records, target):
    """Copies every zone file the cases name (their TZ, and words of expressions that are zone files)."""
    import shutil

    names = {r["zone"] for r in records if r["zone"] != "UTC"}
    for r in records:
        for word in r["expression"].split():
            if "." not in word and os.path.isfile(os.path.join(ZONEINFO, word)):
                names.add(word)
    shutil.rmtree(target, ignore_errors=True)
    for name in sorted(names):
        os.makedirs(os.path.dirname(os.path.join(target, name)), exist_ok=True)
        shutil.copyfile(os.path.join(ZONEINFO, name), os.path.join(target, name))
    version = "unknown"
    with open(os.path.join(ZONEINFO, "tzdata.zi"), encoding="utf-8") as f:
        first = f.readline().split()
        if first[:2] == ["#", "version"]:
            version = first[2]
    with open(os.path.join(target, "VERSION"), "w", encoding="utf-8") as f:
        f.write(version + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the fixture instead of writing it")
    parser.add_argument("--list", action="store_true", help="print the cases without running systemd-analyze")
    parser.add_argument("--output", default=FIXTURE, help="where to write the fixture (default: %(default)s)")
    parser.add_argument("--systemd-analyze", default=SYSTEMD_ANALYZE, help="binary to run (default: %(default)s)")
    args = parser.parse_args()

    cases = build_cases()
    if args.list:
        for zone, base, expression, iterations in cases:
            print("%-20s %-26s %2d  %s" % (zone, base, iterations, expression))
        print("%d cases" % len(cases), file=sys.stderr)
        return 0

    records = []
    for zone, base, expression, iterations in cases:
        code, output = run_case(args.systemd_analyze, zone, base, expression, iterations)
        records.append(
            {
                "zone": zone,
                "base": base,
                "expression": expression,
                "iterations": iterations,
                "exitCode": code,
                "output": output,
            }
        )
    text = render(records)

    if args.check:
        try:
            with open(args.output, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = ""
        if current != text:
            print("%s is out of date: run %s" % (args.output, sys.argv[0]), file=sys.stderr)
            return 1
        print("%s is up to date (%d cases)" % (args.output, len(records)))
        return 0

    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(text)
    copy_zones(records, os.path.join(os.path.dirname(args.output), "zoneinfo"))
    invalid = sum(1 for r in records if r["exitCode"] != 0)
    never = sum(1 for r in records if "Next elapse: never" in r["output"])
    zones = sorted({r["zone"] for r in records})
    print(
        "wrote %d cases (%d exit 1, %d never) in %d zones to %s"
        % (len(records), invalid, never, len(zones), args.output)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
