import CSystemd
import Foundation

/// Talks to the service manager as `sd_notify` does (READY=1, STATUS=, WATCHDOG=1, RELOADING=1,
/// STOPPING=1): one datagram to `NOTIFY_SOCKET`. Without it every call does nothing, as libsystemd does.
public struct Notifier: Sendable {
    /// How long a message waits for room in the manager's queue before it is dropped, in milliseconds.
    static let patience: Int32 = 100

    /// Creates a notifier.
    public init() {}

    /// Sends one or more `KEY=value` lines.
    ///
    /// libsystemd's `sd_notify` waits for as long as the socket's queue is full (`net.unix.max_dgram_qlen`
    /// datagrams: 10 by the kernel's default, 512 where systemd sets it), so a manager that stopped reading
    /// held the daemon forever, SIGTERM included; this waits at most ``patience``, then drops the message (a
    /// status or a ping: the next one says the same).
    public func send(_ lines: [String]) {
        guard let name = getenv("NOTIFY_SOCKET").map({ String(cString: $0) }), !name.isEmpty else { return }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(name.utf8)
        // "@name" is an abstract socket: its name starts with a NUL and has none at the end.
        let abstract = path.first == UInt8(ascii: "@")
        if abstract { path[0] = 0 }
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count + (abstract ? 0 : 1))

        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
        }
        guard connected == 0 else { return }
        let text = Array(lines.joined(separator: "\n").utf8)
        func send() -> Int {
            text.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        }
        guard send() < 0, errno == EAGAIN || errno == EINTR else { return }
        // A connected datagram socket polls writable when the manager's queue has room again.
        var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        if poll(&pfd, 1, Self.patience) > 0 { _ = send() }
    }

    /// READY=1, with a status.
    public func ready(status: String) { send(["READY=1", "STATUS=" + status]) }

    /// STATUS=…
    public func status(_ text: String) { send(["STATUS=" + text]) }

    /// WATCHDOG=1, with the current status.
    public func watchdog(status: String) { send(["WATCHDOG=1", "STATUS=" + status]) }

    /// RELOADING=1 with the monotonic time systemd 253+ wants (older ones ignore it).
    public func reloading() {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        send(["RELOADING=1", "MONOTONIC_USEC=\(Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000)"])
    }

    /// STOPPING=1.
    public func stopping() { send(["STOPPING=1"]) }

    /// The watchdog interval systemd asked for, if any (`sd_watchdog_enabled`).
    public func watchdogInterval() -> Span? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return Span(microseconds: Int64(clamping: usec))
    }
}
