import Foundation

/// A length of time in microseconds, read and written the way systemd writes time spans.
///
/// `Span(parsing:)` accepts exactly what systemd's `parse_sec()` accepts ("15m", "1h 30min", "1h30m",
/// "2d", "1.5h", a bare number of seconds), except "infinity", which no nudge setting can use.
/// `description` is what `format_timespan()` (and so `systemd-analyze timespan`) prints: "1min 30s",
/// "1w 2d", "1.500000s". Months and years are systemd's fixed lengths, 30.44 and 365.25 days.
public struct Span: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The length in microseconds; negative only when made by subtraction, never by parsing.
    public var microseconds: Int64

    /// Creates a span from microseconds.
    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    /// The empty span.
    public static let zero = Span(microseconds: 0)

    /// A span of whole seconds.
    public static func seconds(_ count: Int64) -> Span { Span(microseconds: count * usecPerSecond) }

    /// A span of whole minutes.
    public static func minutes(_ count: Int64) -> Span { Span(microseconds: count * 60 * usecPerSecond) }

    /// A span of whole hours.
    public static func hours(_ count: Int64) -> Span { Span(microseconds: count * 3600 * usecPerSecond) }

    /// A span of whole days of 24 hours.
    public static func days(_ count: Int64) -> Span { Span(microseconds: count * usecPerDay) }

    /// A span of whole weeks of 7 days.
    public static func weeks(_ count: Int64) -> Span { Span(microseconds: count * 7 * usecPerDay) }

    /// The number of days, when the span is a positive whole number of 24-hour days; otherwise nil.
    ///
    /// Repeating commitments use this to step by calendar days ("every = 3d" lands at the same wall-clock
    /// time across a DST change) instead of by fixed microseconds. It looks at the length only, so "72h"
    /// and "1w" count as 3 and 7 days (systemd itself normalizes them to "3d" and "1w"), while "1M" and
    /// "1y" (30.44 and 365.25 days) do not.
    public var wholeDays: Int? {
        guard microseconds > 0, microseconds % Self.usecPerDay == 0 else { return nil }
        return Int(microseconds / Self.usecPerDay)
    }

    /// Whether the first span is shorter.
    public static func < (lhs: Span, rhs: Span) -> Bool { lhs.microseconds < rhs.microseconds }

    /// The sum of two spans.
    public static func + (lhs: Span, rhs: Span) -> Span { Span(microseconds: lhs.microseconds + rhs.microseconds) }

    /// The difference of two spans.
    public static func - (lhs: Span, rhs: Span) -> Span { Span(microseconds: lhs.microseconds - rhs.microseconds) }

    /// The span as systemd's `format_timespan()` prints it with 1 µs accuracy, e.g. "1h 30min" or "1.500000s".
    ///
    /// Units go from years down to microseconds, each part separated by a space and units that would be
    /// zero left out; once what is left is under a minute and not a whole number of the next unit, it is
    /// written as a decimal of that unit ("1min 1.500000s", "1.500ms"). A negative span gets a leading "-".
    public var description: String {
        if microseconds == 0 { return "0" }
        var left = microseconds.magnitude
        var parts: [String] = []
        for (suffix, unit) in Self.formatUnits where left > 0 && left >= unit {
            let whole = left / unit
            let rest = left % unit
            if left < 60 * UInt64(Self.usecPerSecond), rest > 0, unit > 1 {
                let places = String(unit).count - 1
                let fraction = String(rest)
                parts.append("\(whole).\(String(repeating: "0", count: places - fraction.count))\(fraction)\(suffix)")
                left = 0
            } else {
                parts.append("\(whole)\(suffix)")
                left = rest
            }
        }
        return (microseconds < 0 ? "-" : "") + parts.joined(separator: " ")
    }

    static let usecPerSecond: Int64 = 1_000_000
    static let usecPerDay: Int64 = 86_400 * usecPerSecond

    /// `format_timespan()`'s units, largest first.
    private static let formatUnits: [(String, UInt64)] = [
        ("y", 31_557_600_000_000), ("month", 2_629_800_000_000), ("w", 604_800_000_000),
        ("d", 86_400_000_000), ("h", 3_600_000_000), ("min", 60_000_000), ("s", 1_000_000), ("ms", 1000),
        ("us", 1),
    ]
}

extension Instant {
    /// The instant a span later.
    public static func + (lhs: Instant, rhs: Span) -> Instant {
        Instant(microseconds: lhs.microseconds + rhs.microseconds)
    }

    /// The instant a span earlier.
    public static func - (lhs: Instant, rhs: Span) -> Instant {
        Instant(microseconds: lhs.microseconds - rhs.microseconds)
    }
}

extension Span {
    /// Reads a systemd time span such as "15m", "1h 30min", "1h30m", "2d", "1.5h" or "90" (seconds).
    ///
    /// This follows systemd's `parse_time()` byte for byte, so anything systemd accepts reads the same here
    /// and anything it rejects is an error: parts are summed, a unit may follow its number with or without a
    /// space, a part without a unit is seconds, and decimals are cut to whole microseconds. Beyond systemd,
    /// "infinity" is rejected and a span must fit in `Int64` microseconds (about 292,000 years).
    public init(parsing text: String) throws(SpanError) {
        let bytes = Array(text.utf8)
        var p = 0
        var total: Int64 = 0
        var something = false

        func fail(_ problem: SpanError.Problem, at offset: Int) -> SpanError {
            let column = String(decoding: bytes[..<min(offset, bytes.count)], as: UTF8.self).count + 1
            return SpanError(
                input: text, problem: problem, column: column, understood: something ? Span(microseconds: total) : nil)
        }
        func add(_ value: Int64, at offset: Int) throws(SpanError) {
            let (sum, overflow) = total.addingReportingOverflow(value)
            guard !overflow else { throw fail(.tooLarge, at: offset) }
            total = sum
        }

        p = Self.skip(bytes, from: p, while: Self.isWhitespace)
        if bytes[p...].starts(with: "infinity".utf8) { throw fail(.infinite, at: p) }

        while true {
            p = Self.skip(bytes, from: p, while: Self.isWhitespace)
            if p == bytes.count {
                if !something { throw fail(.empty, at: p) }
                break
            }
            if bytes[p] == UInt8(ascii: "-") { throw fail(.negative, at: p) }

            let start = p
            guard let (value, end) = Self.integer(bytes, from: p) else { throw fail(.tooLarge, at: start) }
            guard value >= 0 else { throw fail(.negative, at: start) }
            let hasPoint = end < bytes.count && bytes[end] == UInt8(ascii: ".")
            if hasPoint {
                p = Self.skip(bytes, from: end + 1, while: Self.isDigit)
            } else if end == p {
                throw fail(.unexpected(Self.word(bytes, at: p)), at: p)
            } else {
                p = end
            }

            // A unit may follow after spaces; with neither space nor unit, whatever follows is garbage.
            let unitStart = Self.skip(bytes, from: p, while: Self.isWhitespace)
            let (multiplier, afterUnit) = Self.unit(bytes, at: unitStart)
            if afterUnit == p && p < bytes.count {
                throw fail(.unexpected(Self.word(bytes, at: p)), at: p)
            }
            p = afterUnit

            let (whole, overflow) = value.multipliedReportingOverflow(by: multiplier)
            guard !overflow else { throw fail(.tooLarge, at: start) }
            try add(whole, at: start)
            something = true

            if hasPoint {
                var scale = multiplier / 10
                var digit = end + 1
                while digit < bytes.count, Self.isDigit(bytes[digit]) {
                    try add(Int64(bytes[digit] - UInt8(ascii: "0")) * scale, at: start)
                    digit += 1
                    scale /= 10
                }
                if digit == end + 1 { throw fail(.noFractionDigits, at: end + 1) }
            }
        }
        self.init(microseconds: total)
    }

    /// `parse_time()`'s unit table, in its order: the first prefix that matches wins ("ms" before "m").
    private static let parseUnits: [([UInt8], Int64)] = [
        ("seconds", usecPerSecond), ("second", usecPerSecond), ("sec", usecPerSecond), ("s", usecPerSecond),
        ("minutes", 60 * usecPerSecond), ("minute", 60 * usecPerSecond), ("min", 60 * usecPerSecond),
        ("months", 2_629_800 * usecPerSecond), ("month", 2_629_800 * usecPerSecond), ("M", 2_629_800 * usecPerSecond),
        ("msec", 1000), ("ms", 1000), ("m", 60 * usecPerSecond),
        ("hours", 3600 * usecPerSecond), ("hour", 3600 * usecPerSecond), ("hr", 3600 * usecPerSecond),
        ("h", 3600 * usecPerSecond),
        ("days", usecPerDay), ("day", usecPerDay), ("d", usecPerDay),
        ("weeks", 7 * usecPerDay), ("week", 7 * usecPerDay), ("w", 7 * usecPerDay),
        ("years", 31_557_600 * usecPerSecond), ("year", 31_557_600 * usecPerSecond), ("y", 31_557_600 * usecPerSecond),
        ("usec", 1), ("us", 1), ("\u{3BC}s", 1), ("\u{B5}s", 1),
    ].map { (Array($0.0.utf8), $0.1) }

    /// The multiplier of the unit at `offset` and the offset after it; seconds and `offset` when none is there.
    private static func unit(_ bytes: [UInt8], at offset: Int) -> (Int64, Int) {
        for (name, multiplier) in parseUnits where bytes[offset...].starts(with: name) {
            return (multiplier, offset + name.count)
        }
        return (usecPerSecond, offset)
    }

    /// Reads an integer as C's `strtoll(…, 10)` does: leading white space, a sign, then digits. Returns the
    /// value and the offset after it (`offset` itself when there are no digits), or nil when it overflows.
    private static func integer(_ bytes: [UInt8], from offset: Int) -> (Int64, Int)? {
        var i = skip(bytes, from: offset) { isWhitespace($0) || $0 == 0x0B || $0 == 0x0C }
        var sign: Int64 = 1
        if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            sign = bytes[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
        }
        let digits = i
        var value: Int64 = 0
        while i < bytes.count, isDigit(bytes[i]) {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int64(bytes[i] - UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = next
            i += 1
        }
        return i == digits ? (0, offset) : (sign * value, i)
    }

    /// The text from `offset` up to the next white space, for error messages.
    private static func word(_ bytes: [UInt8], at offset: Int) -> String {
        String(decoding: bytes[offset..<skip(bytes, from: offset) { !isWhitespace($0) }], as: UTF8.self)
    }

    private static func skip(_ bytes: [UInt8], from offset: Int, while matches: (UInt8) -> Bool) -> Int {
        var i = offset
        while i < bytes.count, matches(bytes[i]) { i += 1 }
        return i
    }

    /// systemd's `WHITESPACE`: space, tab, newline, carriage return.
    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

/// A time span that could not be read, with what was understood and where reading stopped.
public struct SpanError: LocalizedError, Hashable, Sendable {
    /// What went wrong.
    public enum Problem: Hashable, Sendable {
        /// Nothing but white space.
        case empty
        /// "infinity", which systemd allows but no nudge setting can use.
        case infinite
        /// A minus sign: spans are lengths, never negative.
        case negative
        /// Text that is neither a number nor a unit; the associated value is the word it starts.
        case unexpected(String)
        /// A decimal point with no digit after it, as in "1.s".
        case noFractionDigits
        /// More than `Int64` microseconds, about 292,000 years.
        case tooLarge
    }

    /// The text as given.
    public let input: String
    /// What went wrong.
    public let problem: Problem
    /// The 1-based character column where reading stopped.
    public let column: Int
    /// The span read before the problem, if any.
    public let understood: Span?

    /// The message for people: the input, what was understood, and where and why reading stopped.
    public var errorDescription: String? {
        let what: String
        switch problem {
        case .empty: what = "it is empty"
        case .infinite: what = "\"infinity\" is not allowed here"
        case .negative: what = "a span cannot be negative (\"-\" at column \(column))"
        case .unexpected(let word): what = "unexpected \"\(word)\" at column \(column)"
        case .noFractionDigits: what = "expected a digit after the decimal point at column \(column)"
        case .tooLarge: what = "the number at column \(column) makes it too large (the most is about 292,000 years)"
        }
        let understoodPart = understood.map { "understood \($0), then " } ?? ""
        return "invalid time span \"\(input)\": \(understoodPart)\(what); write e.g. \"15m\", \"1h 30min\", \"2d\""
    }
}
