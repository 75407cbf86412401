import Foundation

/// An absolute timestamp in systemd's syntax, as `systemd-analyze --base-time=` takes it.
public enum Timestamp {
    /// Why a timestamp could not be read.
    public struct ParseError: LocalizedError, Equatable, Sendable {
        /// The text as given.
        public var text: String
        /// What is wrong with it.
        public var reason: String
        /// The message, with examples of what is understood.
        public var errorDescription: String? {
            "invalid timestamp \"\(text)\": \(reason); write e.g. \"2026-03-27 12:00:00 UTC\", "
                + "\"2026-03-27 14:00\", \"@1774612800\" or \"now\""
        }
    }

    /// Parses `[Weekday ]YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][ UTC|ZONE]`, `HH:MM[:SS]` (today),
    /// `@SECONDS[.ffffff]`, `now`, `today`, `yesterday`, `tomorrow`, read in `zone` unless a zone is named.
    public static func parse(_ text: String, zone: Zone, now: Instant) throws(ParseError) -> Instant {
        try parseDetailed(text, zone: zone, now: now).instant
    }

    /// A parsed timestamp, and whether it was read on the local clock (which leaves glibc's zone
    /// names as they are after converting it, as systemd-analyze's own parsing does).
    public struct Parsed: Sendable {
        /// The moment named.
        public var instant: Instant
        /// Whether it was read on the local clock (not UTC, not `@SECONDS`).
        public var isLocal: Bool
    }

    /// `parse`, telling also whether the text was read in local time.
    public static func parseDetailed(_ text: String, zone: Zone, now: Instant) throws(ParseError) -> Parsed {
        func fail(_ reason: String) -> ParseError { ParseError(text: text, reason: reason) }
        var words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard !words.isEmpty else { throw fail("it is empty") }
        if words.count == 1, words[0].hasPrefix("@") {
            let number = words[0].dropFirst()
            let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard let secs = Int64(parts[0]), secs >= 0, secs <= 253_402_300_799 else {
                throw fail("expected seconds after \"@\" up to the year 9999")
            }
            var micro: Int64 = 0
            if parts.count == 2 {
                let digits = String(parts[1].prefix(6)).padding(toLength: 6, withPad: "0", startingAt: 0)
                guard let m = Int64(digits), parts[1].allSatisfy(\.isASCIIDigit) else { throw fail("bad fraction") }
                micro = m
            }
            return Parsed(instant: Instant(microseconds: secs * 1_000_000 + micro), isLocal: false)
        }
        var zone = zone
        var isDST = -1
        if let last = words.last, words.count > 1 || !last.contains(where: \.isNumber) {
            // Like systemd: "UTC", else the local zone's abbreviations as glibc holds them after
            // tzset() (any case; they set the daylight flag), else a zone name.
            let names = zone.initialNames
            if last.uppercased() == "UTC" {
                zone = .utc
                words.removeLast()
            } else if let j = [names.standard, names.daylight].firstIndex(where: {
                !$0.isEmpty && $0.lowercased() == last.lowercased()
            }) {
                isDST = j
                words.removeLast()
            } else if last.contains("/" as Character), let z = try? Zone.named(last) {
                zone = z
                words.removeLast()
            }
        }
        let today = zone.local(now)
        var date = LocalDateTime(year: today.year, month: today.month, day: today.day)
        if words.count == 1 {
            switch words[0].lowercased() {
            case "now": return Parsed(instant: now, isLocal: false)
            case "today": return local(date, zone: zone, isDST: isDST)
            case "yesterday":
                return local(
                    LocalDateTime(year: date.year, month: date.month, day: date.day - 1), zone: zone, isDST: isDST)
            case "tomorrow":
                return local(
                    LocalDateTime(year: date.year, month: date.month, day: date.day + 1), zone: zone, isDST: isDST)
            default: break
            }
        }
        if let first = words.first, first.first?.isLetter == true {
            guard
                ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].contains(where: { first.lowercased().hasPrefix($0) })
            else { throw fail("\"\(first)\" is not a weekday") }
            words.removeFirst()
        }
        guard !words.isEmpty, words.count <= 2 else { throw fail("expected a date and a time") }
        var timeWord: String? = words.count == 2 ? words[1] : nil
        if words[0].contains("-" as Character) {
            let f = words[0].split(separator: "-", omittingEmptySubsequences: false).map { Self.digits($0) }
            guard f.count == 3, let y = f[0], let m = f[1], let d = f[2], (0...9999).contains(y), (1...12).contains(m),
                d >= 1, d <= CivilDate.daysInMonth(year: y < 100 ? y + (y < 70 ? 2000 : 1900) : y, month: m)
            else { throw fail("\"\(words[0])\" is not a date YYYY-MM-DD") }
            date = LocalDateTime(year: y < 100 ? y + (y < 70 ? 2000 : 1900) : y, month: m, day: d)
        } else if words.count == 1 {
            timeWord = words[0]
        } else {
            throw fail("\"\(words[0])\" is not a date YYYY-MM-DD")
        }
        if let timeWord {
            let parts = timeWord.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 || parts.count == 3, let h = Self.digits(parts[0]), let m = Self.digits(parts[1]),
                (0...23).contains(h), (0...59).contains(m)
            else { throw fail("\"\(timeWord)\" is not a time HH:MM[:SS]") }
            date.hour = h
            date.minute = m
            if parts.count == 3 {
                let sp = parts[2].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
                guard let s = Self.digits(sp[0]), (0...59).contains(s) else { throw fail("bad seconds") }
                date.second = s
                if sp.count == 2 {
                    let digits = String(sp[1].prefix(6)).padding(toLength: 6, withPad: "0", startingAt: 0)
                    guard let us = Int64(digits), sp[1].allSatisfy(\.isASCIIDigit) else {
                        throw fail("bad fraction of a second")
                    }
                    date.microsecond = us
                }
            }
        }
        return local(date, zone: zone, isDST: isDST)
    }

    /// A field of ASCII digits only: `Int64("+5")` would take a sign, which systemd does not.
    static func digits(_ text: Substring) -> Int64? {
        guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int64(text)
    }

    /// A wall-clock reading resolved as glibc's `mktime` does (a first call: no remembered offset),
    /// which is how systemd reads a local `--base-time`; UTC readings are exact.
    static func local(_ date: LocalDateTime, zone: Zone, isDST: Int) -> Parsed {
        let utc = zone === Zone.utc
        var clock = GlibcClock(zone: utc ? nil : zone)
        var tm = BrokenTime(
            year: date.year, month: date.month, day: date.day, hour: date.hour, minute: date.minute,
            second: date.second, isDST: isDST)
        let t = clock.mktime(&tm)
        return Parsed(instant: Instant(microseconds: t * 1_000_000 + date.microsecond), isLocal: !utc)
    }
}

extension LocalDateTime {
    /// The same reading with overflowing fields carried into the larger ones.
    public var normalized: LocalDateTime {
        var r = LocalDateTime(epochSeconds: epochSeconds)
        r.microsecond = microsecond
        return r
    }
}

extension Character {
    /// 0 to 9, and nothing else that Unicode calls a number.
    var isASCIIDigit: Bool { isASCII && isNumber }
}
