/// Timestamps printed the way systemd prints them (`format_timestamp`, `format_timestamp_relative`).
public enum TimestampFormat {
    /// Weekday abbreviations, Sunday first (as `BrokenTime` counts them).
    public static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    /// Month abbreviations, January first.
    public static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "2026-11-29T19:00:00+01:00" → "2026-11-29 19:00": an ISO 8601 time to the minute, for a listing
    /// (whatever the year's length).
    public static func minute(_ iso: String) -> String {
        guard let t = iso.firstIndex(of: "T") else { return iso }
        let end = iso.index(t, offsetBy: 6, limitedBy: iso.endIndex) ?? iso.endIndex
        return iso[..<t] + " " + iso[iso.index(after: t)..<end]
    }

    /// `Sun 19:00`: a weekday and a time, for a status line.
    public static func weekdayTime(_ instant: Instant, zone: Zone) -> String {
        let l = zone.local(instant)
        return "\(weekdayNames[Int(l.weekday)]) \(two(l.hour)):\(two(l.minute))"
    }

    /// `Sun 2026-03-29 19:00:00 CEST`: the wall clock of `zone` and its abbreviation.
    public static func systemd(_ instant: Instant, zone: Zone) -> String {
        let off = zone.offset(atSeconds: instant.seconds)
        let tm = BrokenTime.fields(instant.seconds + off.seconds, dst: 0)
        return "\(weekdayNames[Int(tm.weekday)]) \(tm.year)-\(two(tm.month))-\(two(tm.day)) "
            + "\(two(tm.hour)):\(two(tm.minute)):\(two(tm.second))"
            + (off.abbreviation.isEmpty ? "" : " \(off.abbreviation)")
    }

    /// `Sun 2026-03-29 17:00:00 UTC`.
    public static func systemdUTC(_ instant: Instant) -> String {
        systemd(instant, zone: .utc)
    }

    /// `09:02` today, `tomorrow 09:00`, `yesterday 23:00`, else `Sun 2026-11-29 19:00`: a time for a
    /// sentence, as near to `now` as it is.
    public static func clock(_ instant: Instant, zone: Zone, now: Instant) -> String {
        let l = zone.local(instant)
        let n = zone.local(now)
        let hm = "\(two(l.hour)):\(two(l.minute))"
        let days =
            CivilDate.days(year: l.year, month: l.month, day: l.day)
            - CivilDate.days(year: n.year, month: n.month, day: n.day)
        switch days {
        case 0: return hm
        case 1: return "tomorrow " + hm
        case -1: return "yesterday " + hm
        default: return "\(weekdayNames[Int(l.weekday)]) \(l.year)-\(two(l.month))-\(two(l.day)) " + hm
        }
    }

    /// `2026-03-29T19:00:00+02:00`: ISO 8601 with the zone's offset at that instant.
    public static func iso8601(_ instant: Instant, zone: Zone) -> String {
        let off = zone.offset(atSeconds: instant.seconds).seconds
        let tm = BrokenTime.fields(instant.seconds + off, dst: 0)
        let sign = off < 0 ? "-" : "+"
        let a = abs(off)
        return "\(tm.year)-\(two(tm.month))-\(two(tm.day))T\(two(tm.hour)):\(two(tm.minute)):\(two(tm.second))"
            + "\(sign)\(two(a / 3600)):\(two(a / 60 % 60))"
    }

    /// `7 months 27 days ago`, `1h 30min left`, `now`: how far `instant` is from `now`.
    public static func relative(_ instant: Instant, now: Instant) -> String {
        let future = instant > now
        let d = UInt64(abs(instant.microseconds - now.microseconds))
        let s = future ? "left" : "ago"
        let sec: UInt64 = 1_000_000
        let minute = 60 * sec
        let hour = 60 * minute
        let day = 24 * hour
        let week = 7 * day
        let month = 2_629_800 * sec
        let year = 31_557_600 * sec
        func unit(_ n: UInt64, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
        switch d {
        case year...:
            return "\(unit(d / year, "year", "years")) \(unit(d % year / month, "month", "months")) \(s)"
        case month...:
            return "\(unit(d / month, "month", "months")) \(unit(d % month / day, "day", "days")) \(s)"
        case week...:
            return "\(unit(d / week, "week", "weeks")) \(unit(d % week / day, "day", "days")) \(s)"
        case (2 * day)...:
            return "\(d / day) days \(s)"
        case (25 * hour)...:
            return "1 day \((d - day) / hour)h \(s)"
        case (6 * hour)...:
            return "\(d / hour)h \(s)"
        case hour...:
            return "\(d / hour)h \(d % hour / minute)min \(s)"
        case (5 * minute)...:
            return "\(d / minute)min \(s)"
        case minute...:
            return "\(d / minute)min \(d % minute / sec)s \(s)"
        case sec...:
            return "\(d / sec)s \(s)"
        case 1000...:
            return "\(d / 1000)ms \(s)"
        case 1...:
            return "\(d)us \(s)"
        default:
            return "now"
        }
    }

    @inline(__always)
    static func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
