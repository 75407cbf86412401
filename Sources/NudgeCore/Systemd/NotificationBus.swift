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
    /// What `subscribe` hands each signal to; kept alive as long as the bus.
    private var listener: Listener?

    /// A signal from the notification server.
    public enum Signal: Equatable, Sendable {
        /// A button (or, with key "default", the popup itself) was clicked.
        case actionInvoked(id: UInt32, key: String)
        /// The popup went away: 1 expired, 2 dismissed by the user, 3 closed by a call, 4 other.
        case closed(id: UInt32, reason: UInt32)
    }

    private final class Listener {
        let handle: (Signal) -> Void
        init(_ handle: @escaping (Signal) -> Void) { self.handle = handle }
    }

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

    /// The connection's file descriptor: readable when `process()` has something to do.
    public var fileDescriptor: Int32 { sd_bus_get_fd(bus) }

    /// Hears ActionInvoked and NotificationClosed from then on; signals are handed over by `process()`.
    public func subscribe(_ handle: @escaping (Signal) -> Void) throws {
        let listener = Listener(handle)
        self.listener = listener
        let userdata = Unmanaged.passUnretained(listener).toOpaque()
        for member in ["ActionInvoked", "NotificationClosed"] {
            try check(
                sd_bus_match_signal(bus, nil, nil, Self.path, Self.interface, member, Self.heard, userdata))
        }
    }

    private static let heard: sd_bus_message_handler_t = { message, userdata, _ in
        guard let message, let userdata else { return 0 }
        let listener = Unmanaged<Listener>.fromOpaque(userdata).takeUnretainedValue()
        var id: UInt32 = 0
        guard sd_bus_message_read_basic(message, CChar(UInt8(ascii: "u")), &id) > 0 else { return 0 }
        let member = sd_bus_message_get_member(message).map { String(cString: $0) }
        if member == "ActionInvoked" {
            var key: UnsafePointer<CChar>?
            guard sd_bus_message_read_basic(message, CChar(UInt8(ascii: "s")), &key) > 0, let key else { return 0 }
            listener.handle(.actionInvoked(id: id, key: String(cString: key)))
        } else if member == "NotificationClosed" {
            var reason: UInt32 = 0
            guard sd_bus_message_read_basic(message, CChar(UInt8(ascii: "u")), &reason) > 0 else { return 0 }
            listener.handle(.closed(id: id, reason: reason))
        }
        return 0
    }

    /// Handles every message already received; false when the connection is gone.
    public func process() -> Bool {
        while true {
            let r = sd_bus_process(bus, nil)
            if r < 0 { return false }
            if r == 0 { return true }
        }
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

    /// The server's name, vendor and version (GetServerInformation).
    public func serverInformation() throws -> (name: String, vendor: String, version: String) {
        let m = try newCall("GetServerInformation")
        defer { sd_bus_message_unref(m) }
        let reply = try call(m)
        defer { sd_bus_message_unref(reply) }
        var fields: [String] = []
        for _ in 0..<3 {
            var p: UnsafePointer<CChar>?
            try check(sd_bus_message_read_basic(reply, CChar(UInt8(ascii: "s")), &p))
            fields.append(p.map { String(cString: $0) } ?? "")
        }
        return (fields[0], fields[1], fields[2])
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
