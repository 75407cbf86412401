/// A calendar event expression of systemd.time(7), such as `Mon..Fri *-*-* 09:00` or `Sun 19:00 UTC`.
///
/// Parsing, the normalized form and the next elapse follow systemd 252's `calendarspec.c` rule for
/// rule, so an expression pasted from a systemd timer means here exactly what it means there.
public struct CalendarSpec: Hashable, Sendable, CustomStringConvertible {
    /// One item of a field's comma list: `start`, `start..stop`, `start/repeat`, `start..stop/repeat`.
    struct Component: Hashable, Sendable, Comparable {
        var start: Int
        /// -1 when there is no range end.
        var stop: Int
        /// 0 when there is no repetition.
        var repeats: Int

        static func < (a: Component, b: Component) -> Bool {
            (a.start, a.stop, a.repeats) < (b.start, b.stop, b.repeats)
        }
    }

    /// The text as written.
    public let source: String
    /// Weekday bits, Monday = 1 << 0 … Sunday = 1 << 6; -1 for any day.
    var weekdays: Int = -1
    /// An empty list means `*`.
    var year: [Component] = []
    var month: [Component] = []
    var day: [Component] = []
    var hour: [Component] = []
    var minute: [Component] = []
    /// Seconds in microseconds.
    var second: [Component] = []
    /// `~`: days count back from the end of the month.
    var endOfMonth = false
    /// Evaluated on the UTC clock.
    public internal(set) var isUTC = false
    /// An IANA zone the expression is evaluated in, when it names one.
    public internal(set) var timeZone: String?
    /// -1, or 0/1 when the expression ended in the local zone's standard/daylight abbreviation.
    var dst = -1
    /// The abbreviation that set `dst`, as the local zone spells it.
    var dstName: String?

    /// The normalized form, exactly as `systemd-analyze calendar` prints it.
    public var description: String { normalized }

    /// The normalized form, exactly as `systemd-analyze calendar` prints it.
    public var normalized: String {
        var out = ""
        if weekdays > 0 && weekdays <= 127 {
            out += Self.formatWeekdays(weekdays)
            out += " "
        }
        Self.formatChain(year, width: 4, micro: false, into: &out)
        out += "-"
        Self.formatChain(month, width: 2, micro: false, into: &out)
        out += endOfMonth ? "~" : "-"
        Self.formatChain(day, width: 2, micro: false, into: &out)
        out += " "
        Self.formatChain(hour, width: 2, micro: false, into: &out)
        out += ":"
        Self.formatChain(minute, width: 2, micro: false, into: &out)
        out += ":"
        Self.formatChain(second, width: 2, micro: true, into: &out)
        if isUTC {
            out += " UTC"
        } else if let timeZone {
            out += " " + timeZone
        } else if let dstName, !dstName.isEmpty {
            out += " " + dstName
        }
        return out
    }

    private static let dayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    private static func formatWeekdays(_ bits: Int) -> String {
        var out = ""
        var runStart = -1
        var needComma = false
        var x = 0
        while x < 7 {
            if bits & (1 << x) != 0 {
                if runStart < 0 {
                    if needComma { out += "," } else { needComma = true }
                    out += dayNames[x]
                    runStart = x
                }
            } else if runStart >= 0 {
                if x > runStart + 1 {
                    out += x > runStart + 2 ? ".." : ","
                    out += dayNames[x - 1]
                }
                runStart = -1
            }
            x += 1
        }
        if runStart >= 0 && x > runStart + 1 {
            out += x > runStart + 2 ? ".." : ","
            out += dayNames[x - 1]
        }
        return out
    }

    private static func padded(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    private static func formatChain(_ chain: [Component], width: Int, micro: Bool, into out: inout String) {
        let d = micro ? 1_000_000 : 1
        guard let first = chain.first else {
            out += "*"
            return
        }
        // systemd 252 prints "*" for seconds when the first item is 0/1, whatever follows it.
        if micro && first.start == 0 && first.stop < 0 && first.repeats == 1_000_000 {
            out += "*"
            return
        }
        for (i, c) in chain.enumerated() {
            if i > 0 { out += "," }
            out += padded(c.start / d, width)
            if c.start % d > 0 { out += "." + padded(c.start % d, 6) }
            if c.stop > 0 { out += ".." + padded(c.stop / d, width) }
            if c.stop % d > 0 { out += "." + padded(c.stop % d, 6) }
            if c.repeats > 0 && !(c.stop > 0 && c.repeats == d) { out += "/" + String(c.repeats / d) }
            if c.repeats % d > 0 { out += "." + padded(c.repeats % d, 6) }
        }
    }

    /// Two expressions are equal when they normalize alike (and name the same local flag).
    public static func == (a: CalendarSpec, b: CalendarSpec) -> Bool {
        a.normalized == b.normalized && a.dst == b.dst
    }

    /// Hashes the normalized form.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(normalized)
    }
}
