import Foundation

/// Which side of now a moment may fall on, as the command reading it needs.
public enum MomentDirection: Sendable {
    /// `add --at`, `snooze --until`: a bare time or weekday means the next one; an explicit day in the past
    /// is an error.
    case future
    /// `done --at`: a bare time or weekday means the latest one that has passed; an explicit day in the
    /// future is an error.
    case past
    /// `history --since`: a bare time means today, a bare weekday the latest one (today included), and any
    /// result is accepted.
    case either
}

/// One-off moments as people type them, in the manner of at(1): "19:00", "7pm", "tomorrow 9:00",
/// "fri 18:00", "2026-12-01 19:00", "in 20m", "now + 1h", "yesterday 19:10".
///
/// The forms:
/// - a time of day: "19:00", "19:00:30", "7pm", "7 pm", "7:30am", "12am" (00:00), "12pm", "noon",
///   "midnight" (00:00); hours 0–23 ("24:00" is an error), minutes and seconds 0–59, and 1–12 with am/pm;
/// - a day, before or after the time: "today", "tomorrow", "yesterday", a weekday ("fri", "friday"),
///   "2026-12-01", "12-01" (month-day), or "2026-12-01T19:00"; "at" may stand between, as in
///   "tomorrow at 9:00"; a weekday may also go with a date it agrees with, "fri 2026-12-04";
/// - relative: "now", "now + 1h", "now - 15m", "in 20m", "in 1h 30min", "+1h", "-15m", "15m ago", with
///   any systemd time span (`Span`);
/// - an optional zone name last ("19:00 UTC", "2026-12-01 19:00 America/Chicago"), else `zone`.
///
/// A day without a time means the start of that day (00:00), as systemd reads "2026-12-01" and "today",
/// so "fri" is Friday 00:00. Only a bare time, a bare weekday and a month-day without a year move with the
/// direction (see `MomentDirection`); "today", "tomorrow", "yesterday" and full dates are taken as said,
/// and are errors on the wrong side of now. Words are case-insensitive; zone names are not.
public enum Moment {
    /// The instant `text` names, read at `now` in `zone`, on the side of now `direction` allows.
    ///
    /// Wall-clock times go through `Zone.resolve`: one inside a daylight-saving gap moves forward by the
    /// gap, and a repeated one takes the earlier instant.
    public static func resolve(
        _ text: String, now: Instant, zone: Zone, direction: MomentDirection
    ) throws(MomentError) -> Instant {
        var words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        var reader = MomentReader(input: text, now: now, zone: zone, direction: direction)
        guard !words.isEmpty else { throw reader.error(.empty) }
        if words.count > 1, let last = words.last, let suffixZone = try reader.zoneSuffix(last) {
            reader.zone = suffixZone
            words.removeLast()
        }
        if let instant = try reader.relative(words.joined(separator: " ")) { return instant }
        return try reader.absolute(words)
    }
}

/// A reading of one moment: what has been understood so far, for errors that say so.
struct MomentReader {
    let input: String
    let now: Instant
    var zone: Zone
    let direction: MomentDirection
    var understood: [String] = []

    /// A named day: an offset from today, a full date, or a month and day whose year the direction picks.
    enum Day {
        case offset(Int64)
        case date(year: Int64, month: Int64, day: Int64)
        case monthDay(month: Int64, day: Int64)
    }

    /// A time of day.
    struct Clock {
        var hour: Int64
        var minute: Int64
        var second: Int64
    }

    static let weekdayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    static let weekdayAbbreviations = [
        ["sun"], ["mon"], ["tue", "tues"], ["wed"], ["thu", "thur", "thurs"], ["fri"], ["sat"],
    ]
    static let dayWords: [String: Int64] = ["today": 0, "tomorrow": 1, "yesterday": -1]
    static let keywords: Set<String> = ["now", "in", "ago", "at", "am", "pm", "noon", "midnight"]

    func error(_ problem: MomentError.Problem) -> MomentError {
        MomentError(input: input, understood: understood, problem: problem)
    }

    /// The zone a last word names, nil if it names none; an error if it looks like a zone but is unknown.
    mutating func zoneSuffix(_ word: String) throws(MomentError) -> Zone? {
        let lower = word.lowercased()
        if lower == "utc" {
            understood.append("the zone UTC")
            return .utc
        }
        let isOurs = Self.keywords.contains(lower) || Self.dayWords[lower] != nil || Self.weekday(lower) != nil
        guard !isOurs, word.first?.isLetter == true, Zone.isPlausibleName(word) else { return nil }
        do {
            let zone = try Zone.named(word)
            understood.append("the zone \(word)")
            return zone
        } catch {
            let isUpperCase = word.count >= 3 && word.allSatisfy { $0.isASCII && $0.isUppercase }
            if word.contains("/" as Character) || isUpperCase { throw self.error(.unknownZone(word)) }
            return nil
        }
    }

    /// "now", "now ± SPAN", "in SPAN", "+SPAN", "-SPAN" and "SPAN ago"; nil for anything else.
    mutating func relative(_ body: String) throws(MomentError) -> Instant? {
        let lower = body.lowercased()
        let sign: Int64
        var spanText: Substring
        if lower == "now" || ["now ", "now+", "now-"].contains(where: lower.hasPrefix) {
            understood.append("now")
            let rest = body.dropFirst(3).drop(while: \.isWhitespace)
            guard let first = rest.first else { return now }
            guard first == "+" || first == "-" else { throw error(.unreadable(String(rest))) }
            sign = first == "+" ? 1 : -1
            spanText = rest.dropFirst()
        } else if lower.hasPrefix("in ") {
            (sign, spanText) = (1, body.dropFirst(3))
        } else if let first = body.first, first == "+" || first == "-" {
            (sign, spanText) = (first == "+" ? 1 : -1, body.dropFirst())
        } else if lower.hasSuffix(" ago") {
            (sign, spanText) = (-1, body.dropLast(4))
        } else {
            return nil
        }
        spanText = spanText.drop(while: \.isWhitespace)
        let span: Span
        do {
            span = try Span(parsing: String(spanText))
        } catch {
            throw self.error(.span(error))
        }
        let (micros, overflow) = now.microseconds.addingReportingOverflow(sign * span.microseconds)
        guard !overflow else { throw error(.tooFar) }
        return try checked(Instant(microseconds: micros))
    }

    /// Days, weekdays, dates and times of day, in any order.
    mutating func absolute(_ words: [String]) throws(MomentError) -> Instant {
        var day: Day?
        var weekday: Int64?
        var clock: Clock?
        var i = 0
        // A weekday may go with a date (and must agree with it), but not with another weekday or a named day.
        func setDay(_ newDay: Day, _ word: String) throws(MomentError) {
            if case .offset = newDay, weekday != nil { throw error(.secondDay(word)) }
            guard day == nil else { throw error(.secondDay(word)) }
            day = newDay
        }
        func setClock(_ newClock: Clock, _ word: String) throws(MomentError) {
            guard clock == nil else { throw error(.secondTime(word)) }
            clock = newClock
            understood.append("the time \(Self.format(newClock))")
        }
        while i < words.count {
            let word = words[i]
            let lower = word.lowercased()
            i += 1
            if lower == "at" { continue }
            if let offset = Self.dayWords[lower] {
                try setDay(.offset(offset), word)
                understood.append(lower)
            } else if let number = Self.weekday(lower) {
                if weekday != nil { throw error(.secondDay(word)) }
                if case .offset = day { throw error(.secondDay(word)) }
                weekday = number
                understood.append(Self.weekdayNames[Int(number)].capitalized)
            } else if let (date, shown, rest) = try dateWord(lower) {
                try setDay(date, word)
                understood.append("the date \(shown)")
                if !rest.isEmpty {
                    guard let time = try clockWord(rest) else { throw error(.unreadable(rest)) }
                    try setClock(time, word)
                }
            } else if i < words.count, ["am", "pm"].contains(words[i].lowercased()),
                let time = try clockWord(lower + words[i].lowercased())
            {
                try setClock(time, word + " " + words[i])
                i += 1
            } else if let time = try clockWord(lower) {
                try setClock(time, word)
            } else if lower.allSatisfy(\.isNumber) {
                throw error(.invalidTime(word, "a time needs minutes or am/pm, as in \(word):00 or \(word)pm"))
            } else {
                throw error(.unreadable(word))
            }
        }
        guard day != nil || weekday != nil || clock != nil else { throw error(.empty) }
        return try place(day: day, weekday: weekday, clock: clock ?? Clock(hour: 0, minute: 0, second: 0))
    }
}

extension MomentReader {
    /// The weekday a word names, 0 = Sunday, or nil.
    static func weekday(_ lower: String) -> Int64? {
        for (number, name) in weekdayNames.enumerated()
        where name == lower || weekdayAbbreviations[number].contains(lower) {
            return Int64(number)
        }
        return nil
    }

    /// A date word, "2026-12-01" or "12-01", optionally followed by "T" and a time; nil if it is not one.
    /// Returns the day, how to show it, and the text after the "T".
    func dateWord(_ lower: String) throws(MomentError) -> (Day, String, String)? {
        let parts = lower.split(separator: "t", maxSplits: 1, omittingEmptySubsequences: false)
        let fields = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        guard fields.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Self.isDigit) }) else { return nil }
        let numbers = fields.compactMap { Int64($0) }
        let rest = parts.count > 1 ? String(parts[1]) : ""
        let day: Day
        let year: Int64?
        switch (fields.count, fields.map(\.count)) {
        case (3, let widths) where widths[0] == 4 && widths[1] <= 2 && widths[2] <= 2:
            (day, year) = (.date(year: numbers[0], month: numbers[1], day: numbers[2]), numbers[0])
        case (2, let widths) where widths[0] <= 2 && widths[1] <= 2:
            (day, year) = (.monthDay(month: numbers[0], day: numbers[1]), nil)
        default:
            return nil
        }
        let (month, dayOfMonth) = (numbers[numbers.count - 2], numbers[numbers.count - 1])
        let shown = (year.map { "\($0)-" } ?? "") + Self.two(month) + "-" + Self.two(dayOfMonth)
        guard (1...12).contains(month) else { throw error(.invalidDate(String(parts[0]), "months go from 1 to 12")) }
        // Without a year, 29 February is allowed here; the direction then picks a leap year.
        let length = CivilDate.daysInMonth(year: year ?? 2000, month: month)
        guard (1...length).contains(dayOfMonth) else {
            let monthName = Self.monthNames[Int(month) - 1] + (year.map { " \($0)" } ?? "")
            throw error(.invalidDate(String(parts[0]), "\(monthName) has \(length) days"))
        }
        return (day, shown, rest)
    }

    /// A time of day word ("19:00", "19:00:30", "7pm", "7:30am", "noon", "midnight"), or nil if it is not
    /// one; an error if it is meant as one but out of range.
    func clockWord(_ lower: String) throws(MomentError) -> Clock? {
        if lower == "noon" { return Clock(hour: 12, minute: 0, second: 0) }
        if lower == "midnight" { return Clock(hour: 0, minute: 0, second: 0) }
        var body = Substring(lower)
        let meridiem = body.hasSuffix("am") || body.hasSuffix("pm") ? body.suffix(2) : nil
        if meridiem != nil { body = body.dropLast(2) }
        let fields = body.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(fields.count), meridiem != nil || fields.count > 1,
            fields.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Self.isDigit) })
        else { return nil }
        func invalid(_ why: String) -> MomentError { error(.invalidTime(lower, why)) }
        guard fields[0].count <= 2 else { throw invalid("the hour takes one or two digits") }
        guard fields.dropFirst().allSatisfy({ $0.count == 2 }) else {
            throw invalid("minutes and seconds take two digits, as in 7:05")
        }
        let numbers = fields.compactMap { Int64($0) } + [0, 0]
        var hour = numbers[0]
        if let meridiem {
            guard (1...12).contains(hour) else { throw invalid("with am or pm the hour goes from 1 to 12") }
            hour = hour % 12 + (meridiem == "pm" ? 12 : 0)
        } else if hour > 23 {
            throw invalid(hour == 24 ? "hours go from 0 to 23, and midnight is 00:00" : "hours go from 0 to 23")
        }
        guard numbers[1] <= 59 else { throw invalid("minutes go from 0 to 59") }
        guard numbers[2] <= 59 else { throw invalid("seconds go from 0 to 59") }
        return Clock(hour: hour, minute: numbers[1], second: numbers[2])
    }

    /// The instant of the day, weekday and time read, moving a bare time, weekday or month-day to the side
    /// of now the direction asks for.
    func place(day: Day?, weekday: Int64?, clock: Clock) throws(MomentError) -> Instant {
        let today = zone.local(now)
        let todayDays = CivilDate.days(year: today.year, month: today.month, day: today.day)
        func at(_ days: Int64) -> Instant {
            let (year, month, day) = CivilDate.date(days: days)
            return zone.resolve(
                LocalDateTime(
                    year: year, month: month, day: day, hour: clock.hour, minute: clock.minute, second: clock.second))
        }
        func agreeing(_ days: Int64) throws(MomentError) -> Int64 {
            let actual = CivilDate.weekday(days: days)
            guard let weekday, weekday != actual else { return days }
            let (y, m, d) = CivilDate.date(days: days)
            let date = "\(y)-\(Self.two(m))-\(Self.two(d))"
            let names = (Self.weekdayNames[Int(actual)].capitalized, Self.weekdayNames[Int(weekday)].capitalized)
            throw error(.invalidDate(date, "it is a \(names.0), not a \(names.1)"))
        }
        switch day {
        case .offset(let offset)?:
            return try checked(at(todayDays + offset))
        case .date(let year, let month, let dayOfMonth)?:
            return try checked(at(agreeing(CivilDate.days(year: year, month: month, day: dayOfMonth))))
        case .monthDay(let month, let dayOfMonth)?:
            let years: [Int64] =
                switch direction {
                case .future: Array(today.year...today.year + 8)
                case .past: Array((today.year - 8...today.year).reversed())
                case .either: [today.year]
                }
            for year in years where dayOfMonth <= CivilDate.daysInMonth(year: year, month: month) {
                let days = CivilDate.days(year: year, month: month, day: dayOfMonth)
                let instant = at(days)
                if direction == .either || (direction == .future ? instant > now : instant <= now) {
                    return try at(agreeing(days))
                }
            }
            throw error(
                .invalidDate("\(Self.two(month))-\(Self.two(dayOfMonth))", "February \(today.year) has 28 days"))
        case nil:
            let todayWeekday = CivilDate.weekday(days: todayDays)
            switch (direction, weekday) {
            case (.future, let weekday?):
                let next = todayDays + (weekday - todayWeekday).floorMod(7)
                return at(next) > now ? at(next) : at(next + 7)
            case (.past, let weekday?):
                let last = todayDays - (todayWeekday - weekday).floorMod(7)
                return at(last) <= now ? at(last) : at(last - 7)
            case (.either, let weekday?):
                return at(todayDays - (todayWeekday - weekday).floorMod(7))
            case (.future, nil):
                return at(todayDays) > now ? at(todayDays) : at(todayDays + 1)
            case (.past, nil):
                return at(todayDays) <= now ? at(todayDays) : at(todayDays - 1)
            case (.either, nil):
                return at(todayDays)
            }
        }
    }

    /// The instant itself if it is on the side of now the direction allows; now itself always is.
    func checked(_ instant: Instant) throws(MomentError) -> Instant {
        switch direction {
        case .future where instant < now: throw error(.inThePast(describe(instant)))
        case .past where instant > now: throw error(.inTheFuture(describe(instant)))
        default: return instant
        }
    }

    /// The wall-clock reading of an instant in the zone, as "2026-12-01 19:00 CET".
    func describe(_ instant: Instant) -> String {
        let local = zone.local(instant)
        let clock = Clock(hour: local.hour, minute: local.minute, second: local.second)
        let date = "\(local.year)-\(Self.two(local.month))-\(Self.two(local.day))"
        return "\(date) \(Self.format(clock)) \(zone.offset(atSeconds: instant.seconds).abbreviation)"
    }

    /// "19:00", or "19:00:30" when there are seconds.
    static func format(_ clock: Clock) -> String {
        "\(two(clock.hour)):\(two(clock.minute))" + (clock.second == 0 ? "" : ":\(two(clock.second))")
    }

    static func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

    static func isDigit(_ character: Character) -> Bool { character.isASCII && character.isNumber }

    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]
}

/// A moment that could not be read or that falls on the wrong side of now, with what was understood.
public struct MomentError: LocalizedError, Hashable, Sendable {
    /// What went wrong.
    public enum Problem: Hashable, Sendable {
        /// No words at all.
        case empty
        /// A word that is none of the forms.
        case unreadable(String)
        /// A word that is meant as a time of day but is not one; the second value says why.
        case invalidTime(String, String)
        /// A word that is meant as a date but is not one; the second value says why.
        case invalidDate(String, String)
        /// A second day, weekday or date.
        case secondDay(String)
        /// A second time of day.
        case secondTime(String)
        /// A last word that looks like a zone name but is not under /usr/share/zoneinfo.
        case unknownZone(String)
        /// A relative moment whose span cannot be read.
        case span(SpanError)
        /// The moment, as the wall clock reads it, is before now but must not be.
        case inThePast(String)
        /// The moment, as the wall clock reads it, is after now but must not be.
        case inTheFuture(String)
        /// The moment is beyond what an `Instant` holds.
        case tooFar
    }

    /// The text as given.
    public let input: String
    /// What was read before the problem, in words ("the time 19:00", "Friday").
    public let understood: [String]
    /// What went wrong.
    public let problem: Problem

    /// The message for people: the input, what was understood, what went wrong and what to write instead.
    public var errorDescription: String? {
        let examples = "; try 'tomorrow 19:00', 'fri 18:00', 'in 20m' or '2026-12-01 19:00'"
        let (what, hint): (String, String)
        switch problem {
        case .empty: (what, hint) = ("there is no time in it", examples)
        case .unreadable(let word): (what, hint) = ("could not read '\(word)'", examples)
        case .invalidTime(let word, let why): (what, hint) = ("'\(word)' is not a time of day: \(why)", examples)
        case .invalidDate(let word, let why): (what, hint) = ("'\(word)' is not a date: \(why)", examples)
        case .secondDay(let word): (what, hint) = ("'\(word)' is a second day", examples)
        case .secondTime(let word): (what, hint) = ("'\(word)' is a second time of day", examples)
        case .unknownZone(let name):
            (what, hint) = (
                "'\(name)' is not a known time zone",
                "; use a name from /usr/share/zoneinfo such as 'Europe/Berlin' or 'UTC'"
            )
        case .span(let error): return "read '\(input)': \(error.errorDescription ?? "invalid time span")"
        case .inThePast(let when):
            (what, hint) = ("\(when) is in the past", "; give a later time such as 'in 20m' or 'tomorrow 9:00'")
        case .inTheFuture(let when):
            (what, hint) = (
                "\(when) is in the future", "; give an earlier time such as 'now - 15m' or 'yesterday 19:10'"
            )
        case .tooFar: (what, hint) = ("that is too far from now", "")
        }
        let isSyntax = hint == examples
        let before = understood.isEmpty || !isSyntax ? "" : "understood \(understood.joined(separator: " and ")), then "
        return "read '\(input)': \(before)\(what)\(hint)"
    }
}
