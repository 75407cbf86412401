import Foundation

/// What `nudge check` shows about a valid config: each commitment and when it will next nudge.
public struct ConfigSummary: Sendable, Encodable {
    /// One upcoming occurrence and the nudges it implies.
    public struct Occurrence: Sendable, Encodable {
        public var due: String
        public var reminder: String?
        public var followUps: [String]
        /// When it counts as missed if the due nudge was delivered on time.
        public var missedAfter: String
    }

    /// One commitment.
    public struct Item: Sendable, Encodable {
        public var id: String
        public var title: String
        public var with: String?
        /// "when", "once" or "every".
        public var shape: String
        /// The schedule in words: "Sun 19:00 (Sun *-*-* 19:00:00)", "every 3d at 20:00, …".
        public var schedule: String
        public var channels: [String]
        public var enabled: Bool
        public var isPrivate: Bool
        public var next: [Occurrence]

        enum CodingKeys: String, CodingKey {
            case id, title, with, shape, schedule, channels, enabled, next
            case isPrivate = "private"
        }
    }

    public var version = 1
    public var path: String
    public var timezone: String
    public var quietHours: String?
    public var channels: [String]
    public var commitments: [Item]
    /// The warnings `nudge check` printed (a config with errors has no summary).
    public var diagnostics: [Diagnostic] = []
    public var ok = true

    /// Summarizes a config as of `now`, showing `count` upcoming occurrences of each commitment.
    public init(_ config: Config, now: Instant, count: Int = 3) {
        let zone = config.settings.timezone
        path = config.path
        timezone = zone.name
        quietHours = config.settings.quietHours?.description
        channels = config.channels.keys.sorted()
        commitments = config.commitments.map { c in
            var schedule = ""
            var dues: [Instant] = []
            switch c.schedule {
            case .calendar(let specs, _):
                schedule = specs.map { "\($0.source) (\($0.normalized))" }.joined(separator: ", ")
                var all: [Instant] = []
                for spec in specs { all += spec.elapses(after: now, localZone: zone, limit: count) }
                dues = Array(Set(all).sorted().prefix(count))
            case .once(let instant):
                schedule = "once at " + TimestampFormat.systemd(instant, zone: zone)
                if instant >= now { dues = [instant] }
            case .every(let span, let at, let atZone):
                schedule =
                    "every \(span)"
                    + (at.map { " at \($0)" + (atZone.name == zone.name ? "" : " \(atZone.name)") } ?? "")
                    + ", counted from the last time it was done"
            }
            let next = dues.map { due -> Occurrence in
                Occurrence(
                    due: TimestampFormat.iso8601(due, zone: zone),
                    reminder: c.remindBefore.map { TimestampFormat.iso8601(due - $0, zone: zone) },
                    followUps: (0..<c.followUps).map {
                        TimestampFormat.iso8601(
                            due + Span(microseconds: c.followUp.microseconds * Int64($0 + 1)), zone: zone)
                    },
                    missedAfter: TimestampFormat.iso8601(due + c.grace, zone: zone))
            }
            return Item(
                id: c.id.rawValue, title: c.title, with: c.with, shape: c.schedule.shape, schedule: schedule,
                channels: c.channels, enabled: c.enabled, isPrivate: c.isPrivate, next: next)
        }
    }

    /// The summary for people.
    public var text: String {
        var out = "\(path): \(commitments.count) commitment\(commitments.count == 1 ? "" : "s"), zone \(timezone)"
        if let quietHours { out += ", quiet hours \(quietHours)" }
        out += "\nchannels: " + channels.joined(separator: ", ") + "\n"
        for c in commitments {
            out += "\n\(c.id): \(c.title)"
            if let with = c.with { out += " (with \(with))" }
            if !c.enabled { out += " [disabled]" }
            out +=
                "\n  \(c.shape == "when" ? "when " : "")\(c.schedule)\n  channels: \(c.channels.joined(separator: ", "))\n"
            if c.next.isEmpty && c.shape == "once" { out += "  nothing ahead\n" }
            for o in c.next {
                out += "  due \(Self.short(o.due))"
                if let r = o.reminder { out += ", reminder \(Self.short(r))" }
                if !o.followUps.isEmpty { out += ", follow-ups " + o.followUps.map(Self.short).joined(separator: ", ") }
                out += ", missed after \(Self.short(o.missedAfter))\n"
            }
        }
        return out
    }

    /// "2026-11-29T19:00:00+01:00" → "2026-11-29 19:00".
    static func short(_ iso: String) -> String { TimestampFormat.minute(iso) }
}
