import Foundation

/// What `nudge status` shows: what is pending now, and what comes next.
public struct StatusSummary: Sendable, Encodable {
    /// One pending occurrence.
    public struct Pending: Sendable, Encodable {
        public var id: String
        public var title: String
        public var due: String
        /// Seconds since it was due (negative: still ahead).
        public var overdueSeconds: Int64
        public var snoozedUntil: String?
    }

    /// One upcoming due time.
    public struct Upcoming: Sendable, Encodable {
        public var id: String
        public var title: String
        public var due: String
        public var inSeconds: Int64
    }

    public var version = 1
    public var now: String
    public var pending: [Pending]
    public var next: [Upcoming]

    /// The status at `now`.
    public init(config: Config, state: PlanState, pending occurrences: [Occurrence], now: Instant, count: Int = 5) {
        let zone = config.settings.timezone
        let byID = Dictionary(config.commitments.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func title(_ id: CommitmentID) -> String {
            guard let c = byID[id] else { return id.rawValue }
            return c.isPrivate ? "A promise is due" : c.title
        }
        self.now = TimestampFormat.iso8601(now, zone: zone)
        pending = occurrences.map { o in
            Pending(
                id: o.commitment.rawValue, title: title(o.commitment), due: TimestampFormat.iso8601(o.due, zone: zone),
                overdueSeconds: (now.microseconds - o.due.microseconds) / 1_000_000,
                snoozedUntil: o.snoozedUntil.map { TimestampFormat.iso8601($0, zone: zone) })
        }
        var upcoming: [(Instant, CommitmentID)] = []
        for c in config.commitments where c.enabled {
            var due = c.upcomingDue(
                pending: state.pending[c.id], lastEnded: state.lastEnded[c.id], firstSeen: state.firstSeen[c.id] ?? now)
            var k = 0
            while let d = due, k < count {
                if d > now { upcoming.append((d, c.id)) }
                due = c.nextDue(afterDue: d, ended: nil)
                k += 1
            }
        }
        next = upcoming.sorted { $0.0 < $1.0 }.prefix(count).map { due, id in
            Upcoming(
                id: id.rawValue, title: title(id), due: TimestampFormat.iso8601(due, zone: zone),
                inSeconds: (due.microseconds - now.microseconds) / 1_000_000)
        }
    }

    /// The lines for people.
    public var text: String {
        var out = ""
        if pending.isEmpty {
            out += "nothing pending\n"
        } else {
            out += "pending:\n"
            for p in pending {
                let ago =
                    p.overdueSeconds >= 0
                    ? "due \(Self.span(p.overdueSeconds)) ago" : "due in \(Self.span(-p.overdueSeconds))"
                out +=
                    "  \(p.id)  \(p.title)  (\(ago)\(p.snoozedUntil.map { ", snoozed until \(Self.clock($0))" } ?? ""))\n"
            }
            out += "answer with: nudge done ID · nudge snooze ID 10m · nudge skip ID\n"
        }
        if !next.isEmpty {
            out += "next:\n"
            for n in next {
                out += "  \(Self.clock(n.due))  \(n.id)  \(n.title)  (in \(Self.span(n.inSeconds)))\n"
            }
        }
        return out
    }

    /// One line for a status bar: "2 due · next Call Mom 19:00".
    public var short: String {
        var parts: [String] = []
        if !pending.isEmpty { parts.append("\(pending.count) due") }
        if let n = next.first { parts.append("next \(n.title) \(String(Self.clock(n.due).suffix(5)))") }
        return parts.isEmpty ? "nothing due" : parts.joined(separator: " · ")
    }

    /// "2026-11-29T19:00:00+01:00" → "Sun 11-29 19:00"-ish: date and time without seconds.
    static func clock(_ iso: String) -> String {
        String(iso.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    /// "1h 5min", "3d 2h", "45s".
    static func span(_ seconds: Int64) -> String {
        let s = max(0, seconds)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)min" }
        if s < 86_400 { return "\(s / 3600)h" + (s % 3600 / 60 > 0 ? " \(s % 3600 / 60)min" : "") }
        return "\(s / 86_400)d" + (s % 86_400 / 3600 > 0 ? " \(s % 86_400 / 3600)h" : "")
    }
}
