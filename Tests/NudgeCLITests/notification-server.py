#!/usr/bin/python3
"""A minimal org.freedesktop.Notifications server for tests: records every call as a JSON line.

Usage: notification-server.py LOGFILE  (on the bus named by DBUS_SESSION_BUS_ADDRESS)
"""
import json
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

LOG = sys.argv[1]


def record(**entry):
    with open(LOG, "a") as f:
        f.write(json.dumps(entry) + "\n")


class Server(dbus.service.Object):
    next_id = 1

    @dbus.service.method("org.freedesktop.Notifications", in_signature="", out_signature="as")
    def GetCapabilities(self):
        return ["body", "actions"]

    @dbus.service.method("org.freedesktop.Notifications", in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app, replaces, icon, summary, body, actions, hints, expire):
        nid = int(replaces) if replaces else Server.next_id
        if not replaces:
            Server.next_id += 1
        record(call="Notify", app=str(app), replaces=int(replaces), summary=str(summary), body=str(body),
               actions=[str(a) for a in actions], urgency=int(hints.get("urgency", -1)),
               category=str(hints.get("category", "")), expire=int(expire), id=nid)
        return dbus.UInt32(nid)

    @dbus.service.method("org.freedesktop.Notifications", in_signature="u", out_signature="")
    def CloseNotification(self, nid):
        record(call="CloseNotification", id=int(nid))

    @dbus.service.method("org.freedesktop.Notifications", in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("test-server", "nudge", "1", "1.2")


DBusGMainLoop(set_as_default=True)
bus = dbus.SessionBus()
name = dbus.service.BusName("org.freedesktop.Notifications", bus)
Server(bus, "/org/freedesktop/Notifications")
record(call="ready")
GLib.MainLoop().run()
