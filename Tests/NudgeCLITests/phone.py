#!/usr/bin/env python3
"""A phone's task app, played with the python `caldav` library against a test's CalDAV server.

    phone.py URL USER PASSWORD make              create the collection (a VTODO calendar)
    phone.py URL USER PASSWORD list              print every VTODO as one JSON object per line
    phone.py URL USER PASSWORD complete UID      tick it off, as a task app does
    phone.py URL USER PASSWORD cancel UID        cancel it
    phone.py URL USER PASSWORD reopen UID        tick it back (NEEDS-ACTION), as a task app does
    phone.py URL USER PASSWORD serve             the above, one JSON array of arguments a line on stdin,
                                                 each answered by one JSON line {"status", "out", "err"}
                                                 (loading caldav costs a third of a second: once a test)

URL is the collection's, e.g. http://127.0.0.1:5232/me/nudge/.
"""
import contextlib
import io
import json
import sys

import caldav


def act(url, user, password, verb, *rest):
    """Does one thing, as a person on the phone would; a new connection each time."""
    client = caldav.DAVClient(url=url, username=user, password=password)
    if verb == "make":
        base = url.rstrip("/").rsplit("/", 1)
        client.principal().make_calendar(
            name="nudge", cal_id=base[1], supported_calendar_component_set=["VTODO"])
        return
    calendar = client.calendar(url=url)
    todos = calendar.todos(include_completed=True)
    if verb == "list":
        for t in todos:
            c = t.icalendar_component
            alarms = [str(a.get("TRIGGER").to_ical(), "utf-8") for a in c.walk("VALARM")]
            print(json.dumps({
                "uid": str(c.get("UID")),
                "summary": str(c.get("SUMMARY")),
                "description": str(c.get("DESCRIPTION", "")),
                "status": str(c.get("STATUS", "")),
                "due": c.get("DUE").dt.isoformat() if c.get("DUE") else None,
                "alarms": alarms,
                "raw": t.data,
            }))
        return
    uid = rest[0]
    for t in todos:
        if str(t.icalendar_component.get("UID")) == uid:
            if verb == "complete":
                t.complete()
            elif verb == "cancel":
                t.icalendar_component["STATUS"] = "CANCELLED"
                t.save()
            elif verb == "reopen":
                t.uncomplete()
            return
    sys.exit("phone.py: no to-do " + uid)


def serve(url, user, password):
    for line in sys.stdin:
        out, err = io.StringIO(), io.StringIO()
        status = 0
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                act(url, user, password, *json.loads(line))
            except SystemExit as e:
                status = e.code if isinstance(e.code, int) else 1
                if isinstance(e.code, str):
                    print(e.code, file=sys.stderr)
            except Exception as e:  # what a one-off run would have died of
                status = 1
                print(f"phone.py: {type(e).__name__}: {e}", file=sys.stderr)
        print(json.dumps({"status": status, "out": out.getvalue(), "err": err.getvalue()}), flush=True)


def main():
    url, user, password = sys.argv[1:4]
    if sys.argv[4] == "serve":
        serve(url, user, password)
    else:
        act(url, user, password, *sys.argv[4:])


if __name__ == "__main__":
    main()
