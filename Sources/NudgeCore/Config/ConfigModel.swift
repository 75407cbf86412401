import Foundation

/// The id of a commitment: `[a-z][a-z0-9-]*`, what the command line takes (`nudge done call-mom`).
public struct CommitmentID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The id as written.
    public let rawValue: String

    /// Validates an id; nil unless it matches `[a-z][a-z0-9-]*`.
    public init?(_ text: String) {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first),
            text.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
        else { return nil }
        rawValue = text
    }

    /// An id known to match the pattern (made by nudge itself).
    init(made text: String) { rawValue = text }

    /// Text as an id would write it: lowercase letters and digits, every other run a single "-", none
    /// at the ends ("Call Sam back!" → "call-sam-back"); at most `limit` characters. Not always valid
    /// (it may be empty or begin with a digit).
    static func slug(_ text: String, limit: Int = .max) -> String {
        var out = ""
        for s in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(s) || ("0"..."9").contains(s) {
                out.unicodeScalars.append(s)
            } else if !out.isEmpty, out.last != "-" {
                out += "-"
            }
            if out.count >= limit { break }
        }
        while out.last == "-" { out.removeLast() }
        return out
    }

    public var description: String { rawValue }

    public static func < (a: CommitmentID, b: CommitmentID) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = CommitmentID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad id \(text)"))
        }
        self = id
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// How pressing a nudge is: passed to desktop notifications; critical passes through quiet hours.
public enum Urgency: String, Sendable, CaseIterable, Codable {
    case low, normal, critical
}

/// What happens to occurrences that came due while nudge was not running.
public enum CatchUp: String, Sendable, CaseIterable, Codable {
    /// One "while you were away" digest per channel.
    case nudge
    /// Record what ran past its grace as missed.
    case miss
}

/// A wall-clock time of day, minutes precision.
public struct TimeOfDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// 0–23.
    public var hour: Int
    /// 0–59.
    public var minute: Int

    /// Creates a time of day; nil when out of range.
    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// Reads `HH:MM` (one- or two-digit hour, two-digit minute).
    public init?(parsing text: Substring) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let h = Int(parts[0]), let m = Int(parts[1])
        else { return nil }
        self.init(hour: h, minute: m)
    }

    /// Minutes since midnight.
    public var minutes: Int { hour * 60 + minute }

    public static func < (a: TimeOfDay, b: TimeOfDay) -> Bool { a.minutes < b.minutes }

    public var description: String { String(format: "%02d:%02d", hour, minute) }
}

/// Quiet hours: nudges falling in [start, end) wait until the end. The range may span midnight.
public struct QuietHours: Hashable, Sendable, CustomStringConvertible {
    public var start: TimeOfDay
    public var end: TimeOfDay

    /// Whether a time of day falls inside.
    public func contains(_ t: TimeOfDay) -> Bool {
        start < end ? (start <= t && t < end) : (t >= start || t < end)
    }

    public var description: String { "\(start)-\(end)" }
}

/// The `[settings]` table, with every default applied.
public struct Settings: Sendable {
    /// The zone commitments without a zone of their own are read in.
    public var timezone: Zone
    public var quietHours: QuietHours?
    /// Default channels of every commitment.
    public var channels: [String]
    /// Used in place of a channel that is unavailable.
    public var fallback: String
    public var catchUp: CatchUp
}

/// Where nudges go, and how.
public enum ChannelKind: Sendable, Equatable {
    /// org.freedesktop.Notifications on the session bus.
    case desktop(urgency: Urgency, expire: Span)
    /// An RFC 5322 message piped to a sendmail-compatible program.
    case email(to: [String], from: String, sendmail: [String], timeout: Span)
    /// A program run with placeholders substituted in its arguments (never through a shell).
    case command(argv: [String], timeout: Span)
    /// One line on standard output.
    case console

    /// The `kind` value that selects this case.
    public var name: String {
        switch self {
        case .desktop: return "desktop"
        case .email: return "email"
        case .command: return "command"
        case .console: return "console"
        }
    }
}

/// A named channel: `[channel.NAME]`, or the built-in `desktop` and `console`.
public struct Channel: Sendable, Equatable {
    public var name: String
    public var kind: ChannelKind
}

/// When a commitment falls due.
public enum Schedule: Sendable {
    /// `when`: one or more calendar expressions, read in `zone` unless they name their own.
    case calendar([CalendarSpec], zone: Zone)
    /// `once`: a single moment.
    case once(Instant)
    /// `every`: a check-in cadence, due this long after the previous one ended, optionally at a time of
    /// day (the first such time on or after that moment) in a zone.
    case every(Span, at: TimeOfDay?, zone: Zone)

    /// The zone it is read in (nil for a single moment).
    public var zone: Zone? {
        switch self {
        case .calendar(_, let zone): return zone
        case .every(_, _, let zone): return zone
        case .once: return nil
        }
    }

    /// "when", "once" or "every".
    public var shape: String {
        switch self {
        case .calendar: return "when"
        case .once: return "once"
        case .every: return "every"
        }
    }
}

/// One promise from the config, every default applied.
public struct Commitment: Sendable {
    public var id: CommitmentID
    public var title: String
    /// The person it is made to; reports group by it.
    public var with: String?
    public var schedule: Schedule
    public var remindBefore: Span?
    public var followUp: Span
    public var followUps: Int
    /// Kept with lateness up to this is "on time".
    public var onTime: Span
    public var grace: Span
    /// nil: each channel's own urgency.
    public var urgency: Urgency?
    public var repair: Bool
    public var isPrivate: Bool
    public var enabled: Bool
    public var channels: [String]
    public var note: String?
}

/// Sharing the record through a CalDAV collection (`[sync]`, DESIGN.md §10).
public struct SyncSettings: Sendable, Equatable {
    /// Where the password comes from: never the config text.
    public enum Password: Sendable, Equatable {
        /// A file only its owner can read.
        case file(String)
        /// A program that prints it (`pass show dav`), run without a shell.
        case command([String])
    }

    /// The calendar collection, ending in "/".
    public var url: String
    public var username: String
    public var password: Password
    /// This machine's name in the shared record.
    public var device: String
    /// How often to look for answers while something is pending.
    public var poll: Span
    /// Certificates to trust instead of the system's (a self-signed server).
    public var caFile: String?

    public static let defaultPoll = Span.minutes(1)
    public static let minPoll = Span.seconds(10)
}

/// A loaded, validated config.
public struct Config: Sendable {
    /// The file it was read from.
    public var path: String
    public var settings: Settings
    /// Every channel a commitment may name, the built-in ones included.
    public var channels: [String: Channel]
    public var commitments: [Commitment]
    /// nil: the record stays on this machine.
    public var sync: SyncSettings? = nil
    /// The people promises are made to (`[person.ID]`), by id.
    public var people: [String: Person] = [:]
}

/// Someone promises are made to (`[person.ID]`, DESIGN.md §9): a commitment's `with` may name them, and
/// messages to them go to their address or command. Their address never receives nudges.
public struct Person: Sendable {
    /// Where messages to them go.
    public enum Reach: Sendable, Equatable {
        /// An address, sent with the email channel's machinery.
        case email(String)
        /// A program (argv, never a shell) with `{message}` and `{name}` in its arguments.
        case command([String])
    }

    public var id: String
    /// How messages address them ("Mom"); the id when not given.
    public var name: String
    /// nil: they can be named, not told.
    public var reach: Reach?
    /// Times in messages to them are written in this zone; nil: the settings' zone.
    public var timezone: Zone?
}

extension Config {
    /// The config with the command line's commitments added (config ids win).
    public func adding(_ added: [Commitment]) -> Config {
        var c = self
        let ids = Set(commitments.map(\.id))
        c.commitments += added.filter { !ids.contains($0.id) }
        return c
    }
}
