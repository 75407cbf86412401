import CSystemd
import Foundation

/// Talks to the service manager through `sd_notify` (READY=1, STATUS=, WATCHDOG=1, RELOADING=1,
/// STOPPING=1). Without `NOTIFY_SOCKET` every call does nothing, as libsystemd does.
public struct Notifier: Sendable {
    /// Creates a notifier.
    public init() {}

    /// Sends one or more `KEY=value` lines.
    public func send(_ lines: [String]) {
        let text = lines.joined(separator: "\n")
        _ = text.withCString { sd_notify(0, $0) }
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
