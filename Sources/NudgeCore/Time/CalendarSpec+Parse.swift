extension CalendarSpec {
    /// Parses an expression as systemd's `calendar_spec_from_string` does.
    ///
    /// `localZone` is the zone the expression is read in when it names none: its standard and daylight
    /// abbreviations may end the expression ("daily CET"), as with systemd.
    public init(_ text: String, localZone: Zone) throws(CalendarError) {
        try self.init(text, localNames: localZone.initialNames)
    }

    /// Parses an expression with the local zone's abbreviations as glibc holds them at the moment.
    public init(_ text: String, localNames: ZoneNames) throws(CalendarError) {
        source = text
        var parser = CalendarParser(text: text)
        try parser.parse(into: &self, localNames: localNames)
    }
}

/// A byte cursor over an expression, mirroring the C parser so the same inputs pass and fail.
struct CalendarParser {
    let text: String
    let bytes: [UInt8]
    /// The end of the part being parsed (a zone suffix is cut off).
    var end: Int
    var at = 0

    init(text: String) {
        self.text = text
        bytes = Array(text.utf8)
        end = bytes.count
    }

    typealias Component = CalendarSpec.Component

    // MARK: errors

    func fail(_ reason: String, from: Int? = nil, to: Int? = nil) -> CalendarError {
        let start = min(from ?? at, bytes.count)
        let stop = max(min(to ?? max(start + 1, tokenEnd(start)), bytes.count), start + 1)
        func scalars(_ n: Int) -> Int {
            String(decoding: bytes[0..<min(n, bytes.count)], as: UTF8.self).unicodeScalars.count
        }
        return CalendarError(
            expression: text, reason: reason, offset: scalars(start), length: max(1, scalars(stop) - scalars(start)))
    }

    /// The end of the run of non-separator bytes starting at `i`.
    private func tokenEnd(_ i: Int) -> Int {
        var j = i
        while j < end, !" ,:-~".utf8.contains(bytes[j]) { j += 1 }
        return j
    }

    func peek(_ k: Int = 0) -> UInt8 { at + k < end ? bytes[at + k] : 0 }

    // MARK: the whole expression

    mutating func parse(into spec: inout CalendarSpec, localNames: ZoneNames) throws(CalendarError) {
        try parseZoneSuffix(&spec, localNames: localNames)
        if end == 0 { throw fail("the expression is empty", from: 0, to: max(1, bytes.count)) }
        let body = String(decoding: bytes[0..<end].map(Self.asciiLower), as: UTF8.self)
        let midnight = [Component(start: 0, stop: -1, repeats: 0)]
        switch body {
        case "minutely":
            spec.second = midnight
        case "hourly":
            spec.minute = midnight
            spec.second = midnight
        case "daily":
            (spec.hour, spec.minute, spec.second) = (midnight, midnight, midnight)
        case "monthly":
            spec.day = [Component(start: 1, stop: -1, repeats: 0)]
            (spec.hour, spec.minute, spec.second) = (midnight, midnight, midnight)
        case "annually", "yearly", "anually":
            spec.month = [Component(start: 1, stop: -1, repeats: 0)]
            spec.day = [Component(start: 1, stop: -1, repeats: 0)]
            (spec.hour, spec.minute, spec.second) = (midnight, midnight, midnight)
        case "weekly":
            spec.weekdays = 1
            (spec.hour, spec.minute, spec.second) = (midnight, midnight, midnight)
        case "quarterly":
            spec.month = [1, 4, 7, 10].map { Component(start: $0, stop: -1, repeats: 0) }
            spec.day = [Component(start: 1, stop: -1, repeats: 0)]
            (spec.hour, spec.minute, spec.second) = (midnight, midnight, midnight)
        case "biannually", "bi-annually", "semiannually", "semi-annually":
            spec.month = [1, 7].map { Component(start: $0, stop: -1, repeats: 0) }
            spec.day = [Component(start: 1, stop: -1, repeats: 0)]
            (spec.hour, spec.minute, spec.second) = (midnight, midnight, midnight)
        default:
            try parseWeekdays(&spec)
            var fieldStarts = [Int](repeating: 0, count: 6)
            if try !parseDate(&spec, starts: &fieldStarts) {
                try parseTime(&spec, starts: &fieldStarts)
            }
            if at != end { throw fail("unexpected \"\(rest())\"", to: end) }
            try normalizeAndValidate(&spec, starts: fieldStarts)
            return
        }
        try normalizeAndValidate(&spec, starts: [Int](repeating: 0, count: 6))
    }

    static func asciiLower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }

    private func rest() -> String { String(decoding: bytes[at..<end], as: UTF8.self) }

    /// " UTC", the local zone's abbreviations, or an IANA zone name after the last space.
    private mutating func parseZoneSuffix(_ spec: inout CalendarSpec, localNames: ZoneNames) throws(CalendarError) {
        let lower = bytes.map(Self.asciiLower)
        if lower.count >= 4, lower.suffix(4).elementsEqual(" utc".utf8) {
            spec.isUTC = true
            end = bytes.count - 4
            return
        }
        for (j, name) in [localNames.standard, localNames.daylight].enumerated() where !name.isEmpty {
            let n = name.utf8.count
            guard bytes.count > n, lower.suffix(n).elementsEqual(name.utf8.map(Self.asciiLower)),
                bytes[bytes.count - n - 1] == UInt8(ascii: " ")
            else { continue }
            spec.dst = j
            spec.dstName = name
            end = bytes.count - n - 1
            return
        }
        if let space = bytes.lastIndex(of: UInt8(ascii: " ")) {
            let name = String(decoding: bytes[(space + 1)...], as: UTF8.self)
            if Zone.isPlausibleName(name), Zone.exists(name) {
                if name == "UTC" { spec.isUTC = true } else { spec.timeZone = name }
                end = space
            }
        }
    }

    // MARK: weekdays

    private static let dayNames: [(String, Int)] = [
        ("monday", 0), ("mon", 0), ("tuesday", 1), ("tue", 1), ("wednesday", 2), ("wed", 2),
        ("thursday", 3), ("thu", 3), ("friday", 4), ("fri", 4), ("saturday", 5), ("sat", 5),
        ("sunday", 6), ("sun", 6),
    ]

    private func startsWithNoCase(_ name: String) -> Bool {
        var i = at
        for c in name.utf8 {
            guard i < end else { return false }
            var b = bytes[i]
            if b >= 65 && b <= 90 { b += 32 }
            if b != c { return false }
            i += 1
        }
        return true
    }

    private mutating func parseWeekdays(_ spec: inout CalendarSpec) throws(CalendarError) {
        var rangeFrom = -1
        var first = true
        var bits = 0
        while true {
            guard let (name, nr) = Self.dayNames.first(where: { startsWithNoCase($0.0) }) else {
                if first { return }
                throw fail("expected a weekday name (Mon … Sun)")
            }
            let wordStart = at
            let next = at + name.utf8.count < end ? bytes[at + name.utf8.count] : 0
            guard [0, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: " ")].contains(next) else {
                throw fail("\"\(String(decoding: bytes[at..<tokenEndWord(at)], as: UTF8.self))\" is not a weekday")
            }
            bits |= 1 << nr
            if rangeFrom >= 0 {
                if rangeFrom > nr {
                    throw fail(
                        "weekday range runs backwards; write it Monday first, e.g. \"Mon..Fri\"", from: wordStart)
                }
                for j in (rangeFrom + 1)..<max(rangeFrom + 1, nr) { bits |= 1 << j }
            }
            spec.weekdays = bits
            at += name.utf8.count
            if peek() == 0 { return }
            if peek() == UInt8(ascii: " ") {
                skipSpaces()
                return
            }
            if peek() == UInt8(ascii: ".") {
                if rangeFrom >= 0 { throw fail("a weekday range cannot continue with another range") }
                if peek(1) != UInt8(ascii: ".") { throw fail("a single \".\" after a weekday; ranges use \"..\"") }
                rangeFrom = nr
                at += 2
            } else if peek() == UInt8(ascii: "-") {
                if rangeFrom >= 0 { throw fail("a weekday range cannot continue with another range") }
                rangeFrom = nr
                at += 1
            } else if peek() == UInt8(ascii: ",") {
                rangeFrom = -1
                at += 1
            }
            if peek() == 0 || peek() == UInt8(ascii: " ") {
                if rangeFrom >= 0 { throw fail("the weekday range has no end", from: max(0, at - 1)) }
                skipSpaces()
                return
            }
            first = false
        }
    }

    private func tokenEndWord(_ i: Int) -> Int {
        var j = i
        while j < end, bytes[j] != UInt8(ascii: " ") { j += 1 }
        return j
    }

    private mutating func skipSpaces() {
        while at < end, bytes[at] == UInt8(ascii: " ") { at += 1 }
    }

    // MARK: numbers and chains

    private static let intMax = Int(Int32.max)

    /// A decimal number; for seconds, in microseconds with up to six fraction digits (rounded on the 7th).
    private mutating func decimal(micro: Bool) throws(CalendarError) -> Int {
        let begin = at
        guard at < end, bytes[at] >= 48 && bytes[at] <= 57 else {
            throw fail(at < end ? "expected a number" : "a number is missing at the end")
        }
        var value = 0
        var overflow = false
        while at < end, bytes[at] >= 48 && bytes[at] <= 57 {
            let (v, o) = value.multipliedReportingOverflow(by: 10)
            let (w, p) = v.addingReportingOverflow(Int(bytes[at] - 48))
            if o || p { overflow = true }
            value = w
            at += 1
        }
        if overflow { throw fail("number out of range", from: begin, to: at) }
        if micro {
            let (v, o) = value.multipliedReportingOverflow(by: 1_000_000)
            if o { throw fail("number out of range", from: begin, to: at) }
            value = v
            if peek() == UInt8(ascii: "."), peek(1) != UInt8(ascii: ".") {
                at += 1
                guard at < end, bytes[at] >= 48 && bytes[at] <= 57 else {
                    throw fail("expected digits after the decimal point")
                }
                var frac = 0
                var digits = 0
                while digits < 6 {
                    if at < end, bytes[at] >= 48 && bytes[at] <= 57 {
                        frac = frac * 10 + Int(bytes[at] - 48)
                        at += 1
                    } else {
                        frac *= 10
                    }
                    digits += 1
                }
                if at < end, bytes[at] >= 53 && bytes[at] <= 57 { frac += 1 }
                while at < end, bytes[at] >= 48 && bytes[at] <= 57 { at += 1 }
                value += frac
            }
        }
        if value > Self.intMax { throw fail("number out of range", from: begin, to: at) }
        return value
    }

    private mutating func component(micro: Bool) throws(CalendarError) -> Component {
        let begin = at
        let start = try decimal(micro: micro)
        var stop = -1
        var repeats = 0
        if peek() == UInt8(ascii: "."), peek(1) == UInt8(ascii: ".") {
            at += 2
            stop = try decimal(micro: micro)
            repeats = micro ? 1_000_000 : 1
        }
        if peek() == UInt8(ascii: "/") {
            at += 1
            let repBegin = at
            repeats = try decimal(micro: micro)
            if repeats == 0 { throw fail("a repetition of 0 never advances", from: repBegin, to: at) }
        } else {
            if start > Self.intMax - repeats { throw fail("number out of range", from: begin, to: at) }
            if micro && stop >= 0 && start + repeats > stop {
                throw fail(
                    "the seconds range is shorter than its one-second step; add a repetition, e.g. \"/0.5\"",
                    from: begin, to: at)
            }
        }
        guard
            [0, UInt8(ascii: " "), UInt8(ascii: ","), UInt8(ascii: "-"), UInt8(ascii: "~"), UInt8(ascii: ":")]
                .contains(peek())
        else { throw fail("unexpected \"\(String(decoding: [peek()], as: UTF8.self))\"") }
        return Component(start: start, stop: stop, repeats: repeats)
    }

    /// `*` or a comma list; `*` on seconds means every whole second. Returns the list (empty = any).
    private mutating func chain(micro: Bool) throws(CalendarError) -> [Component] {
        if peek() == UInt8(ascii: "*") {
            at += 1
            return micro ? [Component(start: 0, stop: -1, repeats: 1_000_000)] : []
        }
        var items: [Component] = []
        while true {
            items.append(try component(micro: micro))
            if items.count > 241 { throw fail("too many items in one list (at most 240)") }
            guard peek() == UInt8(ascii: ",") else { break }
            at += 1
        }
        return items
    }

    // MARK: date and time

    /// Returns true when the date part consumed everything (`@timestamp`), so no time follows.
    private mutating func parseDate(_ spec: inout CalendarSpec, starts: inout [Int]) throws(CalendarError) -> Bool {
        if at >= end { return false }
        if peek() == UInt8(ascii: "@") {
            at += 1
            let begin = at
            var value: Int64 = 0
            guard at < end, bytes[at] >= 48 && bytes[at] <= 57 else { throw fail("expected seconds after \"@\"") }
            while at < end, bytes[at] >= 48 && bytes[at] <= 57 {
                let (v, o) = value.multipliedReportingOverflow(by: 10)
                let (w, p) = v.addingReportingOverflow(Int64(bytes[at] - 48))
                if o || p || w > 253_402_300_799 {
                    throw fail("timestamp out of range", from: begin, to: tokenEnd(begin))
                }
                value = w
                at += 1
            }
            let tm = LocalDateTime(epochSeconds: value)
            func one(_ v: Int64) -> [Component] { [Component(start: Int(v), stop: -1, repeats: 0)] }
            spec.isUTC = true
            spec.year = one(tm.year)
            spec.month = one(tm.month)
            spec.day = one(tm.day)
            spec.hour = one(tm.hour)
            spec.minute = one(tm.minute)
            spec.second = one(tm.second * 1_000_000)
            return true
        }
        let start = at
        let first = try chain(micro: false)
        if peek() == 0 || peek() == UInt8(ascii: ":") {
            at = start  // it was a time
            return false
        }
        try dateSeparator(&spec)
        let secondStart = at
        let second = try chain(micro: false)
        if peek() == 0 || peek() == UInt8(ascii: " ") {
            skipSpaces()
            spec.month = first
            spec.day = second
            starts[1] = start
            starts[2] = secondStart
            return false
        } else if spec.endOfMonth {
            throw fail("\"~\" counts days from the month's end, so it must come right before the day")
        }
        try dateSeparator(&spec)
        let thirdStart = at
        let third = try chain(micro: false)
        guard peek() == 0 || peek() == UInt8(ascii: " ") else {
            throw fail("expected a space between the date and the time")
        }
        skipSpaces()
        spec.year = first
        spec.month = second
        spec.day = third
        starts[0] = start
        starts[1] = secondStart
        starts[2] = thirdStart
        return false
    }

    /// The "-" between date fields, or the "~" that counts the day from the month's end.
    private mutating func dateSeparator(_ spec: inout CalendarSpec) throws(CalendarError) {
        if peek() == UInt8(ascii: "~") {
            spec.endOfMonth = true
        } else if peek() != UInt8(ascii: "-") {
            throw fail("expected \"-\" between date fields")
        }
        at += 1
    }

    private mutating func parseTime(_ spec: inout CalendarSpec, starts: inout [Int]) throws(CalendarError) {
        let zero = [Component(start: 0, stop: -1, repeats: 0)]
        if at >= end {
            (spec.hour, spec.minute, spec.second) = (zero, zero, zero)
            return
        }
        starts[3] = at
        let h = try chain(micro: false)
        guard peek() == UInt8(ascii: ":") else { throw fail("expected \":\" between hour and minute") }
        at += 1
        starts[4] = at
        let m = try chain(micro: false)
        var s = zero
        if peek() != 0 {
            guard peek() == UInt8(ascii: ":") else { throw fail("expected \":\" between minute and second") }
            at += 1
            starts[5] = at
            s = try chain(micro: true)
            if peek() != 0 { throw fail("unexpected \"\(rest())\" after the seconds", to: end) }
        }
        spec.hour = h
        spec.minute = m
        spec.second = s
    }

    // MARK: normalize and validate

    private func normalizeAndValidate(_ spec: inout CalendarSpec, starts: [Int]) throws(CalendarError) {
        if spec.weekdays <= 0 || spec.weekdays >= 127 { spec.weekdays = -1 }
        if spec.endOfMonth && spec.day.isEmpty { spec.endOfMonth = false }
        for i in spec.year.indices {
            for keyPath in [\Component.start, \Component.stop] {
                let v = spec.year[i][keyPath: keyPath]
                if v >= 0 && v < 70 { spec.year[i][keyPath: keyPath] = v + 2000 }
                if v >= 70 && v < 100 { spec.year[i][keyPath: keyPath] = v + 1900 }
            }
        }
        spec.year = Self.normalized(spec.year)
        spec.month = Self.normalized(spec.month)
        spec.day = Self.normalized(spec.day)
        spec.hour = Self.normalized(spec.hour)
        spec.minute = Self.normalized(spec.minute)
        spec.second = Self.normalized(spec.second)

        let checks: [(String, [Component], Int, Int, Bool, Int)] = [
            ("year", spec.year, 1970, 2199, false, 0),
            ("month", spec.month, 1, 12, false, 1),
            ("day", spec.day, 1, 31, spec.endOfMonth, 2),
            ("hour", spec.hour, 0, 23, false, 3),
            ("minute", spec.minute, 0, 59, false, 4),
            ("second", spec.second, 0, 60 * 1_000_000 - 1, false, 5),
        ]
        for (name, chain, from, to, eom, index) in checks {
            if let problem = Self.invalid(chain, from: from, to: to, endOfMonth: eom, micro: index == 5) {
                let s = starts[index]
                throw fail("\(name) \(problem)", from: s, to: tokenEndField(s))
            }
        }
    }

    private func tokenEndField(_ i: Int) -> Int {
        var j = i
        while j < end, !" :-~".utf8.contains(bytes[j]) { j += 1 }
        return j
    }

    /// systemd's `normalize_chain`: trims ranges to whole steps, drops useless steps, sorts, dedups.
    static func normalized(_ chain: [Component]) -> [Component] {
        var out = chain.map { c -> Component in
            var c = c
            if c.stop > c.start && c.repeats > 0 { c.stop -= (c.stop - c.start) % c.repeats }
            if (c.stop > c.start && c.repeats > 0 && c.start + c.repeats > c.stop) || c.start == c.stop {
                c.repeats = 0
                c.stop = -1
            }
            return c
        }
        out.sort()
        var unique: [Component] = []
        for c in out where unique.last != c { unique.append(c) }
        return unique
    }

    /// systemd's `chain_valid`, returning what is wrong, if anything.
    private static func invalid(_ chain: [Component], from: Int, to: Int, endOfMonth: Bool, micro: Bool) -> String? {
        var to = to
        let scale = micro ? 1_000_000 : 1
        func show(_ v: Int) -> String {
            micro && v % scale != 0 ? String(Double(v) / Double(scale)) : String(v / scale)
        }
        for c in chain {
            // systemd lowers the bound by 3 for each item of a "~" list, not once.
            if endOfMonth { to -= 3 }
            var bounds: String { "\(show(from))–\(show(to))" }  // only for a message
            if c.start < from || c.start > to {
                return endOfMonth
                    ? "~\(show(c.start)) is out of range: counting from the month's end allows 1–\(to)"
                    : "\(show(c.start)) is out of range (\(bounds))"
            }
            if c.repeats > to - from { return "repetition /\(show(c.repeats)) is larger than the field allows" }
            if c.stop >= 0 {
                if c.stop < from || c.stop > to { return "\(show(c.stop)) is out of range (\(bounds))" }
                if c.start + c.repeats > c.stop {
                    return "range \(show(c.start))..\(show(c.stop)) is shorter than its step /\(show(c.repeats))"
                }
            } else {
                if endOfMonth && c.start - c.repeats < from {
                    return "~\(show(c.start))/\(show(c.repeats)) would step past the first day of the month"
                }
                if !endOfMonth && c.start + c.repeats > to {
                    return "\(show(c.start))/\(show(c.repeats)) can never repeat within \(bounds)"
                }
            }
        }
        return nil
    }
}
