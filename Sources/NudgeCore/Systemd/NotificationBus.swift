import CSystemd
import Foundation

/// A negative sd-bus return, as an error with its errno and, when the bus sent one, its message.
public struct BusError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var message: String

    public var description: String { message.isEmpty ? String(cString: strerror(code)) : message }

    /// ENOMEDIUM (no DBUS_SESSION_BUS_ADDRESS, no $XDG_RUNTIME_DIR/bus) and friends: no desktop session.
    public var meansNoSession: Bool { [ENOMEDIUM, ENOENT, ECONNREFUSED, ENOTCONN, EHOSTUNREACH].contains(code) }
}

/// org.freedesktop.Notifications on the user's session bus, through libsystemd's sd-bus.
///
/// The only place that holds an `sd_bus`; calls carry a short timeout so a stuck server cannot hold
/// up the caller for long.
public final class NotificationBus {
    private var bus: OpaquePointer?
    private let timeout: UInt64

    /// Connects to the session bus; throws a `BusError` when there is none.
    public init(timeout: Span = .seconds(5)) throws {
        self.timeout = UInt64(max(timeout.microseconds, 1))
        var b: OpaquePointer?
        let r = sd_bus_open_user(&b)
        guard r >= 0, let b else { throw BusError(code: -r, message: "") }
        bus = b
    }

    deinit {
        if let bus { sd_bus_flush_close_unref(bus) }
    }

    private static let destination = "org.freedesktop.Notifications"
    private static let path = "/org/freedesktop/Notifications"
    private static let interface = "org.freedesktop.Notifications"

    private func check(_ r: Int32) throws {
        if r < 0 { throw BusError(code: -r, message: "") }
    }

    private func newCall(_ member: String) throws -> OpaquePointer {
        var m: OpaquePointer?
        try check(sd_bus_message_new_method_call(bus, &m, Self.destination, Self.path, Self.interface, member))
        guard let m else { throw BusError(code: ENOMEM, message: "") }
        return m
    }

    private func call(_ m: OpaquePointer) throws -> OpaquePointer {
        var error = sd_bus_error()
        var reply: OpaquePointer?
        let r = sd_bus_call(bus, m, timeout, &error, &reply)
        defer { sd_bus_error_free(&error) }
        if r < 0 {
            let text = error.message.map { String(cString: $0) } ?? ""
            throw BusError(code: -r, message: text)
        }
        guard let reply else { throw BusError(code: EIO, message: "no reply") }
        return reply
    }

    private func appendString(_ m: OpaquePointer, _ s: String) throws {
        try s.withCString { p in try check(sd_bus_message_append_basic(m, CChar(UInt8(ascii: "s")), p)) }
    }

    /// The server's capabilities ("actions", "body", …).
    public func capabilities() throws -> [String] {
        let m = try newCall("GetCapabilities")
        defer { sd_bus_message_unref(m) }
        let reply = try call(m)
        defer { sd_bus_message_unref(reply) }
        try check(sd_bus_message_enter_container(reply, CChar(UInt8(ascii: "a")), "s"))
        var out: [String] = []
        while true {
            var p: UnsafePointer<CChar>?
            let r = sd_bus_message_read_basic(reply, CChar(UInt8(ascii: "s")), &p)
            try check(r)
            if r == 0 { break }
            if let p { out.append(String(cString: p)) }
        }
        return out
    }

    /// Shows a notification (replacing `replaces` when not 0); returns its id.
    public func notify(
        summary: String, body: String, replaces: UInt32, actions: [(String, String)], urgency: UInt8,
        category: String, expire: Int32
    ) throws -> UInt32 {
        let m = try newCall("Notify")
        defer { sd_bus_message_unref(m) }
        try appendString(m, "nudge")
        var replacesID = replaces
        try check(sd_bus_message_append_basic(m, CChar(UInt8(ascii: "u")), &replacesID))
        try appendString(m, "")
        try appendString(m, summary)
        try appendString(m, body)
        try check(sd_bus_message_open_container(m, CChar(UInt8(ascii: "a")), "s"))
        for (key, label) in actions {
            try appendString(m, key)
            try appendString(m, label)
        }
        try check(sd_bus_message_close_container(m))
        try check(sd_bus_message_open_container(m, CChar(UInt8(ascii: "a")), "{sv}"))
        try check(sd_bus_message_open_container(m, CChar(UInt8(ascii: "e")), "sv"))
        try appendString(m, "urgency")
        try check(sd_bus_message_open_container(m, CChar(UInt8(ascii: "v")), "y"))
        var u = urgency
        try check(sd_bus_message_append_basic(m, CChar(UInt8(ascii: "y")), &u))
        try check(sd_bus_message_close_container(m))
        try check(sd_bus_message_close_container(m))
        try check(sd_bus_message_open_container(m, CChar(UInt8(ascii: "e")), "sv"))
        try appendString(m, "category")
        try check(sd_bus_message_open_container(m, CChar(UInt8(ascii: "v")), "s"))
        try appendString(m, category)
        try check(sd_bus_message_close_container(m))
        try check(sd_bus_message_close_container(m))
        try check(sd_bus_message_close_container(m))
        var e = expire
        try check(sd_bus_message_append_basic(m, CChar(UInt8(ascii: "i")), &e))
        let reply = try call(m)
        defer { sd_bus_message_unref(reply) }
        var id: UInt32 = 0
        try check(sd_bus_message_read_basic(reply, CChar(UInt8(ascii: "u")), &id))
        return id
    }

    /// Closes a notification.
    public func close(_ id: UInt32) throws {
        let m = try newCall("CloseNotification")
        defer { sd_bus_message_unref(m) }
        var i = id
        try check(sd_bus_message_append_basic(m, CChar(UInt8(ascii: "u")), &i))
        let reply = try call(m)
        sd_bus_message_unref(reply)
    }
}
