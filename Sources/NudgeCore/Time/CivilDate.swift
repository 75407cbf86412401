/// Proleptic Gregorian calendar arithmetic on plain integers.
///
/// These are Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms: exact for every year,
/// branch-light, and allocation-free, which the calendar engine relies on for its speed.
public enum CivilDate {
    /// Days since 1970-01-01 for a year, month (1–12) and day (1–31, or beyond: it simply adds).
    @inline(__always)
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDiv(400)
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Year, month (1–12) and day (1–31) of a count of days since 1970-01-01.
    @inline(__always)
    public static func date(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = z.floorDiv(146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Day of the week of a day count: 0 = Sunday … 6 = Saturday (as `struct tm`'s `tm_wday`).
    @inline(__always)
    public static func weekday(days: Int64) -> Int64 {
        (days + 4).floorMod(7)
    }

    /// Whether a year has a 29 February.
    @inline(__always)
    public static func isLeap(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// Number of days in a month (1–12) of a year.
    @inline(__always)
    public static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// A wall-clock reading in some zone: the fields of a `struct tm`, without the zone.
public struct LocalDateTime: Hashable, Sendable, CustomStringConvertible {
    /// The full year (2026, not 126).
    public var year: Int64
    /// 1–12.
    public var month: Int64
    /// 1–31.
    public var day: Int64
    /// 0–23 (more carries over in `epochSeconds`).
    public var hour: Int64
    /// 0–59.
    public var minute: Int64
    /// 0–59.
    public var second: Int64
    /// 0 ..< 1_000_000.
    public var microsecond: Int64

    /// Creates a reading from its fields; nothing is normalized.
    public init(
        year: Int64, month: Int64, day: Int64, hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0,
        microsecond: Int64 = 0
    ) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
    }

    /// The reading of the UTC clock `seconds` after the epoch (plus microseconds).
    public init(epochSeconds seconds: Int64, microsecond: Int64 = 0) {
        let days = seconds.floorDiv(86_400)
        let rest = seconds - days * 86_400
        let (y, m, d) = CivilDate.date(days: days)
        self.init(
            year: y, month: m, day: d, hour: rest / 3600, minute: rest / 60 % 60, second: rest % 60,
            microsecond: microsecond)
    }

    /// Seconds since the epoch if this reading were on the UTC clock; out-of-range fields carry over.
    public var epochSeconds: Int64 {
        let m0 = month - 1
        let y = year + m0.floorDiv(12)
        let m = m0.floorMod(12) + 1
        let days = CivilDate.days(year: y, month: m, day: 1) + day - 1
        return days * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// Day of the week: 0 = Sunday … 6 = Saturday.
    public var weekday: Int64 { CivilDate.weekday(days: epochSeconds.floorDiv(86_400)) }

    /// `2026-11-29 19:00:00`.
    public var description: String {
        func two(_ v: Int64) -> String { v < 10 && v >= 0 ? "0\(v)" : "\(v)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(hour)):\(two(minute)):\(two(second))"
    }
}
