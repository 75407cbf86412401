import Foundation

/// A point on the UTC time line, in microseconds since the Unix epoch.
///
/// All of nudge's time arithmetic works on this integer form: it is what systemd uses (`usec_t`), it is
/// cheap to compare and hash, and it converts losslessly to and from the database.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since 1970-01-01 00:00:00 UTC.
    public var microseconds: Int64

    /// Creates an instant from microseconds since the epoch.
    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    /// Creates an instant from whole seconds since the epoch.
    public init(seconds: Int64) {
        self.microseconds = seconds * 1_000_000
    }

    /// Creates an instant from a Foundation date, truncated to the microsecond.
    public init(_ date: Date) {
        self.microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
    }

    /// Whole seconds since the epoch, rounded towards negative infinity.
    public var seconds: Int64 { microseconds.floorDiv(1_000_000) }

    /// The microseconds past the whole second, 0 ..< 1_000_000.
    public var subsecondMicroseconds: Int64 { microseconds.floorMod(1_000_000) }

    /// The same point as a Foundation date.
    public var date: Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }

    /// The current time from the system clock.
    public static var now: Instant { Instant(Date()) }

    /// Whether the first instant is earlier.
    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.microseconds < rhs.microseconds }

    /// Adds a number of microseconds.
    public static func + (lhs: Instant, rhs: Int64) -> Instant { Instant(microseconds: lhs.microseconds + rhs) }

    /// The signed span from `rhs` to `lhs`.
    public static func - (lhs: Instant, rhs: Instant) -> Span {
        Span(microseconds: lhs.microseconds &- rhs.microseconds)
    }

    /// `@SECONDS.MICROSECONDS`, as systemd writes timestamps.
    public var description: String { "@\(seconds).\(String(format: "%06lld", subsecondMicroseconds))" }
}

extension Int64 {
    /// Division rounding towards negative infinity.
    @inline(__always) func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }

    /// The remainder that goes with `floorDiv`, always in 0 ..< d for positive d.
    @inline(__always) func floorMod(_ d: Int64) -> Int64 {
        let r = self % d
        return (r != 0 && (r < 0) != (d < 0)) ? r + d : r
    }
}
