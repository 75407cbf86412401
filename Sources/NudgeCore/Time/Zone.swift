import Foundation

/// An error finding or reading time zone data.
public enum ZoneError: LocalizedError, Equatable {
    case unknown(String)
    case unreadable(String, String)

    /// The message, with what to write instead.
    public var errorDescription: String? {
        switch self {
        case .unknown(let name):
            return "unknown time zone \"\(name)\"; use an IANA name such as \"Europe/Berlin\" or \"UTC\" "
                + "(see /usr/share/zoneinfo)"
        case .unreadable(let path, let why):
            return "cannot read time zone file \(path): \(why)"
        }
    }
}

/// The local time kept in one place at one instant: offset from UTC, daylight saving, abbreviation.
public struct ZoneOffset: Hashable, Sendable {
    /// Seconds east of UTC.
    public var seconds: Int64
    /// Whether daylight saving time is in effect.
    public var isDaylightSaving: Bool
    /// The abbreviation glibc and systemd print, such as "CET", "IST" or "+0545".
    public var abbreviation: String
}

/// glibc's `tzname[0]`, `tzname[1]` and whether it would call the zone UTC (`timezone == 0 && daylight == 0`).
public struct ZoneNames: Hashable, Sendable {
    /// `tzname[0]`.
    public var standard: String
    /// `tzname[1]`.
    public var daylight: String
    /// Whether `timezone == 0 && daylight == 0`; systemd-analyze then omits its "(in UTC)" lines.
    public var isUTCLike: Bool
}

/// A time zone read from the system's TZif data, the way glibc reads it.
///
/// Foundation's `TimeZone` on Linux names offsets "GMT+1" and is slow to query; nudge needs the
/// abbreviations and the exact local-time rules of glibc, which systemd uses. The transition table is
/// extended with the file's POSIX footer rule up to the year 2300 when loaded, so every lookup is one
/// binary search.
public final class Zone: Sendable, CustomStringConvertible {
    /// The name the zone was loaded by ("Europe/Berlin", "UTC").
    public let name: String
    /// Transition instants (UTC seconds), ascending.
    let transitions: [Int64]
    /// For each transition, the index into `types` in force from it on.
    let transitionTypes: [Int]
    /// The local time types.
    let types: [ZoneOffset]
    /// The type used before the first transition (glibc: the first non-DST type).
    let initialType: Int
    /// How many of `transitions` come from the file's table (the rest were generated from `rule`).
    let tableCount: Int
    /// The POSIX rule for years past the table, if the file has one.
    let rule: ZoneRule?
    /// glibc's `tzname`, `timezone` and `daylight` right after `tzset()`.
    public let initialNames: ZoneNames

    /// Coordinated Universal Time.
    public static let utc = Zone(
        name: "UTC", transitions: [], transitionTypes: [],
        types: [ZoneOffset(seconds: 0, isDaylightSaving: false, abbreviation: "UTC")], rule: nil)

    /// The directory zone files are read from: `ZoneDirectory.current`'s path.
    public static var directory: String { ZoneDirectory.current.path }

    /// The zone's name.
    public var description: String { name }

    /// Loads a zone by IANA name from the current zone directory, caching it for the life of the process.
    public static func named(_ name: String) throws(ZoneError) -> Zone {
        if name == "UTC" { return utc }
        return try ZoneDirectory.current.zone(named: name)
    }

    /// Whether a name could be a zone file under /usr/share/zoneinfo, as systemd's `timezone_is_valid`.
    public static func isPlausibleName(_ name: String) -> Bool {
        // ASCII letters, digits, "-", "_", "+" in parts joined by single slashes: no empty part, so no leading,
        // trailing or doubled slash; no "." at all, so no "." or ".." part and no hidden file.
        var previous = UInt8(ascii: "/")
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "+"):
                break
            case UInt8(ascii: "/") where previous != UInt8(ascii: "/"):
                break
            default:
                return false
            }
            previous = byte
        }
        return previous != UInt8(ascii: "/")
    }

    /// Whether a zone file by this name exists and is TZif data.
    public static func exists(_ name: String) -> Bool {
        (try? named(name)) != nil
    }

    /// The zone the process runs in, as glibc chooses it: `TZ` (a file name, optionally with a leading
    /// colon, or a POSIX rule), else /etc/localtime, else UTC.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> Zone {
        guard var tz = environment["TZ"] else {
            if let data = FileManager.default.contents(atPath: "/etc/localtime"),
                let zone = try? Zone(name: localtimeName(), tzif: [UInt8](data), path: "/etc/localtime")
            {
                return zone
            }
            return utc
        }
        if tz.hasPrefix(":") { tz.removeFirst() }
        if tz.isEmpty { return utc }
        if let zone = try? named(tz) { return zone }
        if let rule = ZoneRule(tz) {
            return Zone(name: tz, transitions: [], transitionTypes: [], types: [], rule: rule)
        }
        // Neither a zone file nor a whole rule: glibc keeps the leading name (3 letters or more, else
        // none) at offset 0.
        let letters = tz.prefix(while: { $0.isASCII && $0.isLetter })
        let abbreviation = letters.count >= 3 ? String(letters) : ""
        return Zone(
            name: tz, transitions: [], transitionTypes: [],
            types: [ZoneOffset(seconds: 0, isDaylightSaving: false, abbreviation: abbreviation)], rule: nil)
    }

    /// The IANA name /etc/localtime links to, or "localtime".
    private static func localtimeName() -> String {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/etc/localtime"),
            let range = target.range(of: "zoneinfo/")
        {
            return String(target[range.upperBound...])
        }
        return "localtime"
    }

    init(name: String, transitions: [Int64], transitionTypes: [Int], types: [ZoneOffset], rule: ZoneRule?) {
        var transitions = transitions
        var transitionTypes = transitionTypes
        var types = types
        self.name = name
        self.rule = rule
        tableCount = transitions.count
        if types.isEmpty, let rule {
            types = [ZoneOffset(seconds: rule.standardOffset, isDaylightSaving: false, abbreviation: rule.standardName)]
            if let dst = rule.daylightName {
                types.append(ZoneOffset(seconds: rule.daylightOffset, isDaylightSaving: true, abbreviation: dst))
            }
        }
        if types.isEmpty {
            types = [ZoneOffset(seconds: 0, isDaylightSaving: false, abbreviation: "UTC")]
        }
        initialNames = Self.initialNames(
            transitions: transitions, transitionTypes: transitionTypes, types: types, rule: rule)
        if let rule {
            Self.extend(&transitions, &transitionTypes, &types, with: rule)
        }
        self.transitions = transitions
        self.transitionTypes = transitionTypes
        self.types = types
        self.initialType = types.firstIndex(where: { !$0.isDaylightSaving }) ?? 0
    }

    /// What glibc's `__tzfile_read` leaves in `tzname`, `timezone` and `daylight`: the names of the most
    /// recent standard and daylight types of the table, the most recent standard offset, and whether
    /// any type is daylight saving time.
    private static func initialNames(
        transitions: [Int64], transitionTypes: [Int], types: [ZoneOffset], rule: ZoneRule?
    ) -> ZoneNames {
        var names: [String?] = [nil, nil]
        for i in transitions.indices.reversed() {
            let t = types[transitionTypes[i]]
            let k = t.isDaylightSaving ? 1 : 0
            if names[k] == nil {
                names[k] = t.abbreviation
                if names[1 - k] != nil { break }
            }
        }
        if transitions.isEmpty, let rule {
            return ZoneNames(
                standard: rule.standardName, daylight: rule.daylightName ?? rule.standardName,
                isUTCLike: rule.standardOffset == 0 && !rule.hasDaylightSaving)
        }
        let standard = names[0] ?? types[0].abbreviation
        let daylight = names[1] ?? standard
        let stdOffset =
            transitions.indices.reversed().lazy.map { types[transitionTypes[$0]] }.first { !$0.isDaylightSaving }?
            .seconds ?? types[0].seconds
        let anyDaylight = !transitions.isEmpty && types.contains { $0.isDaylightSaving }
        return ZoneNames(standard: standard, daylight: daylight, isUTCLike: stdOffset == 0 && !anyDaylight)
    }

    /// What glibc leaves in `tzname`, `timezone` and `daylight` after converting `t` to local time.
    ///
    /// glibc rewrites them on every conversion: inside the table from the types around `t`, past it from
    /// the POSIX rule. systemd reads them to match a trailing abbreviation ("daily CET") and to decide
    /// whether to print "(in UTC)" lines, so the same expression can read differently after others.
    public func names(afterConverting t: Int64) -> ZoneNames {
        guard tableCount > 0 else { return initialNames }
        if t < transitions[0] {
            // Before the table: the first standard type, and the first daylight type around it.
            var i = 0
            var daylight: String?
            while i < types.count && types[i].isDaylightSaving {
                if daylight == nil { daylight = types[i].abbreviation }
                i += 1
            }
            if i == types.count { i = 0 }
            if daylight == nil { daylight = types[i...].first(where: \.isDaylightSaving)?.abbreviation }
            let standard = types[i].abbreviation
            return ZoneNames(standard: standard, daylight: daylight ?? standard, isUTCLike: initialNames.isUTCLike)
        }
        if t >= transitions[tableCount - 1], let rule {
            return ZoneNames(
                standard: rule.standardName, daylight: rule.daylightName ?? rule.standardName,
                isUTCLike: rule.standardOffset == 0 && !rule.hasDaylightSaving)
        }
        var i = 1
        while i < tableCount && transitions[i] <= t { i += 1 }
        var names: [String?] = [nil, nil]
        let current = types[transitionTypes[i - 1]]
        names[current.isDaylightSaving ? 1 : 0] = current.abbreviation
        var j = i
        while j < tableCount {
            let t = types[transitionTypes[j]]
            let k = t.isDaylightSaving ? 1 : 0
            if names[k] == nil {
                names[k] = t.abbreviation
                break
            }
            j += 1
        }
        let standard = names[0] ?? names[1] ?? current.abbreviation
        return ZoneNames(standard: standard, daylight: names[1] ?? standard, isUTCLike: initialNames.isUTCLike)
    }

    /// Appends the footer rule's transitions after the table, up to the year 2300.
    private static func extend(
        _ transitions: inout [Int64], _ transitionTypes: inout [Int], _ types: inout [ZoneOffset],
        with rule: ZoneRule
    ) {
        func typeIndex(_ offset: ZoneOffset) -> Int {
            if let i = types.firstIndex(of: offset) { return i }
            types.append(offset)
            return types.count - 1
        }
        let std = typeIndex(
            ZoneOffset(seconds: rule.standardOffset, isDaylightSaving: false, abbreviation: rule.standardName))
        guard rule.hasDaylightSaving, let dstName = rule.daylightName else {
            if transitions.isEmpty || transitionTypes.last != std {
                // A fixed rule after the table: it holds from the last transition on.
                if let last = transitions.last, types[transitionTypes[transitions.count - 1]] != types[std] {
                    transitions.append(last + 1)
                    transitionTypes.append(std)
                } else if transitions.isEmpty {
                    types = [types[std]]
                }
            }
            return
        }
        let dst = typeIndex(ZoneOffset(seconds: rule.daylightOffset, isDaylightSaving: true, abbreviation: dstName))
        let last = transitions.last ?? Int64.min
        let firstYear = transitions.last.map { LocalDateTime(epochSeconds: $0).year } ?? 1970
        for year in firstYear...2300 {
            guard let (s, e) = rule.transitions(year: year) else { break }
            for (t, type) in (s < e ? [(s, dst), (e, std)] : [(e, std), (s, dst)]) where t > last {
                transitions.append(t)
                transitionTypes.append(type)
            }
        }
    }

    /// The local time type in force at an instant (UTC seconds).
    @inline(__always)
    public func offset(atSeconds t: Int64) -> ZoneOffset {
        types[typeIndex(atSeconds: t)]
    }

    /// The index into `types` in force at `t`.
    @inline(__always)
    func typeIndex(atSeconds t: Int64) -> Int {
        var lo = 0
        var hi = transitions.count
        if hi == 0 || t < transitions[0] { return initialType }
        while hi - lo > 1 {
            let mid = (lo + hi) >> 1
            if transitions[mid] <= t { lo = mid } else { hi = mid }
        }
        return transitionTypes[lo]
    }

    /// The UTC seconds range [start, end) over which the type at `t` holds unchanged.
    @inline(__always)
    func interval(atSeconds t: Int64) -> (start: Int64, end: Int64, type: Int) {
        if transitions.isEmpty { return (Int64.min, Int64.max, initialType) }
        if t < transitions[0] { return (Int64.min, transitions[0], initialType) }
        var lo = 0
        var hi = transitions.count
        while hi - lo > 1 {
            let mid = (lo + hi) >> 1
            if transitions[mid] <= t { lo = mid } else { hi = mid }
        }
        return (transitions[lo], lo + 1 < transitions.count ? transitions[lo + 1] : Int64.max, transitionTypes[lo])
    }

    /// The wall clock reading at an instant.
    public func local(_ instant: Instant) -> LocalDateTime {
        let off = offset(atSeconds: instant.seconds)
        return LocalDateTime(epochSeconds: instant.seconds + off.seconds, microsecond: instant.subsecondMicroseconds)
    }

    /// The instant a wall clock reading names. A reading inside a daylight-saving gap moves forward by
    /// the gap (02:30 on a spring-forward night is 03:30); a repeated reading takes the earlier instant.
    public func resolve(_ local: LocalDateTime) -> Instant {
        let l = local.epochSeconds
        let before = offset(atSeconds: l - 86_400).seconds
        let after = offset(atSeconds: l + 86_400).seconds
        var candidates: [Int64] = []
        for o in [before, after] where offset(atSeconds: l - o).seconds == o {
            candidates.append(l - o)
        }
        let t = candidates.min() ?? (l - before)
        return Instant(microseconds: t * 1_000_000 + local.microsecond)
    }
}

/// A directory of TZif zone files and the zones loaded from it.
///
/// The system's is glibc's: `$TZDIR`, else /usr/share/zoneinfo. Code that must not depend on the
/// zone data installed (the calendar oracle's recorded cases, tests with fixed expected times) binds
/// another one around its work with `ZoneDirectory.$current.withValue(pinned) { … }`.
public final class ZoneDirectory: @unchecked Sendable {
    /// The directory's path, without a trailing slash.
    public let path: String
    private var zones: [String: Zone] = [:]
    private let lock = NSLock()

    /// A zone directory at `path`; nothing is read until a zone is asked for.
    public init(path: String) {
        self.path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    /// The system's zone data, as glibc finds it.
    public static let system = ZoneDirectory(
        path: ProcessInfo.processInfo.environment["TZDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/share/zoneinfo")

    /// The directory zones are read from in this task (and the threads it runs synchronously on).
    @TaskLocal public static var current: ZoneDirectory = .system

    /// The zone of this name, read once and then kept.
    func zone(named name: String) throws(ZoneError) -> Zone {
        lock.lock()
        let cached = zones[name]
        lock.unlock()
        if let cached { return cached }
        guard Zone.isPlausibleName(name) else { throw .unknown(name) }
        let file = path + "/" + name
        guard let data = FileManager.default.contents(atPath: file), data.starts(with: Array("TZif".utf8)) else {
            throw .unknown(name)
        }
        let zone = try Zone(name: name, tzif: [UInt8](data), path: file)
        lock.lock()
        zones[name] = zone
        lock.unlock()
        return zone
    }
}
