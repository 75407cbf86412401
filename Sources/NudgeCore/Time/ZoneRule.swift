/// The POSIX TZ rule found in the footer of a TZif file (or in `TZ` itself), such as
/// `CET-1CEST,M3.5.0,M10.5.0/3`: it says what a zone does in years past its transition table.
struct ZoneRule: Sendable, Equatable {
    /// One point of a rule: a day of the year and a time of day (seconds, may exceed a day or be negative).
    enum Day: Sendable, Equatable {
        /// `Jn`: 1–365, 29 February never counted.
        case julian(Int64)
        /// `n`: 0–365, 29 February counted.
        case zeroBased(Int64)
        /// `Mm.w.d`: weekday d (0 = Sunday) of week w (1–5, 5 = last) of month m.
        case monthWeek(month: Int64, week: Int64, weekday: Int64)
    }

    var standardName: String
    /// Seconds east of UTC.
    var standardOffset: Int64
    var daylightName: String?
    var daylightOffset: Int64
    var start: (day: Day, time: Int64)?
    var end: (day: Day, time: Int64)?

    static func == (a: ZoneRule, b: ZoneRule) -> Bool {
        a.standardName == b.standardName && a.standardOffset == b.standardOffset
            && a.daylightName == b.daylightName && a.daylightOffset == b.daylightOffset
            && a.start?.day == b.start?.day && a.start?.time == b.start?.time && a.end?.day == b.end?.day
            && a.end?.time == b.end?.time
    }

    /// Parses a POSIX TZ string; nil when it is not one.
    init?(_ text: String) {
        var s = Substring(text)
        guard let std = Self.name(&s), let stdOffset = Self.offset(&s) else { return nil }
        standardName = std
        standardOffset = -stdOffset
        daylightName = nil
        daylightOffset = standardOffset
        start = nil
        end = nil
        if s.isEmpty { return }
        guard let dst = Self.name(&s) else { return nil }
        daylightName = dst
        daylightOffset = standardOffset + 3600
        if let first = s.first, first != "," {
            guard let off = Self.offset(&s) else { return nil }
            daylightOffset = -off
        }
        if s.isEmpty {
            // glibc's default when a DST name has no rule: the US rules.
            start = (.monthWeek(month: 3, week: 2, weekday: 0), 7200)
            end = (.monthWeek(month: 11, week: 1, weekday: 0), 7200)
            return
        }
        guard s.first == "," else { return nil }
        s.removeFirst()
        guard let a = Self.point(&s), s.first == "," else { return nil }
        s.removeFirst()
        guard let b = Self.point(&s), s.isEmpty else { return nil }
        start = a
        end = b
    }

    /// Whether the rule has daylight saving time at all.
    var hasDaylightSaving: Bool { start != nil }

    /// The UTC instants (seconds) at which daylight time starts and ends in a year.
    func transitions(year: Int64) -> (start: Int64, end: Int64)? {
        guard let start, let end else { return nil }
        let s = Self.dayNumber(start.day, year: year) * 86_400 + start.time - standardOffset
        let e = Self.dayNumber(end.day, year: year) * 86_400 + end.time - daylightOffset
        return (s, e)
    }

    private static func dayNumber(_ day: Day, year: Int64) -> Int64 {
        let jan1 = CivilDate.days(year: year, month: 1, day: 1)
        switch day {
        case .julian(let n):
            return jan1 + n - 1 + (CivilDate.isLeap(year) && n >= 60 ? 1 : 0)
        case .zeroBased(let n):
            return jan1 + n
        case .monthWeek(let month, let week, let weekday):
            let first = CivilDate.days(year: year, month: month, day: 1)
            var d = (weekday - CivilDate.weekday(days: first) + 7) % 7 + (week - 1) * 7
            let length = CivilDate.daysInMonth(year: year, month: month)
            while d >= length { d -= 7 }
            return first + d
        }
    }

    private static func name(_ s: inout Substring) -> String? {
        if s.first == "<" {
            guard let close = s.firstIndex(of: ">") else { return nil }
            let n = String(s[s.index(after: s.startIndex)..<close])
            s = s[s.index(after: close)...]
            return n.isEmpty ? nil : n
        }
        let n = s.prefix(while: { $0.isLetter })
        guard n.count >= 3 else { return nil }
        s = s.dropFirst(n.count)
        return String(n)
    }

    /// `[+-]hh[:mm[:ss]]` as seconds, sign as written.
    private static func offset(_ s: inout Substring) -> Int64? {
        var sign: Int64 = 1
        if s.first == "+" || s.first == "-" {
            if s.first == "-" { sign = -1 }
            s.removeFirst()
        }
        var parts: [Int64] = []
        while parts.count < 3 {
            let digits = s.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, let v = Int64(digits) else { return nil }
            parts.append(v)
            s = s.dropFirst(digits.count)
            guard s.first == ":" else { break }
            s.removeFirst()
        }
        let secs = parts[0] * 3600 + (parts.count > 1 ? parts[1] * 60 : 0) + (parts.count > 2 ? parts[2] : 0)
        return sign * secs
    }

    private static func point(_ s: inout Substring) -> (day: Day, time: Int64)? {
        let day: Day
        func number(_ s: inout Substring) -> Int64? {
            let digits = s.prefix(while: { $0.isASCII && $0.isNumber })
            s = s.dropFirst(digits.count)
            return Int64(digits)
        }
        if s.first == "M" {
            s.removeFirst()
            guard let m = number(&s), s.first == "." else { return nil }
            s.removeFirst()
            guard let w = number(&s), s.first == "." else { return nil }
            s.removeFirst()
            guard let d = number(&s), (1...12).contains(m), (1...5).contains(w), (0...6).contains(d) else {
                return nil
            }
            day = .monthWeek(month: m, week: w, weekday: d)
        } else if s.first == "J" {
            s.removeFirst()
            guard let n = number(&s), (1...365).contains(n) else { return nil }
            day = .julian(n)
        } else {
            guard let n = number(&s), (0...365).contains(n) else { return nil }
            day = .zeroBased(n)
        }
        var time: Int64 = 7200
        if s.first == "/" {
            s.removeFirst()
            guard let t = offset(&s) else { return nil }
            time = t
        }
        return (day, time)
    }
}
