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

    /// A pause in force.
    public struct Paused: Sendable, Encodable {
        /// The commitment, or nil for everything.
        public var id: String?
        public var until: String
    }

    /// How sharing through [sync] stands.
    public struct Sync: Sendable, Encodable {
        public var url: String
        /// When the last round ran (nil: never).
        public var lastRound: String?
        public var ok: Bool
        /// Why the last round failed.
        public var problem: String?
        /// Seconds since the last round.
        public var agoSeconds: Int64?
    }

    public var version = 1
    public var now: String
    public var pending: [Pending]
    public var next: [Upcoming]
    public var paused: [Paused]
    /// nil without [sync].
    public var sync: Sync?

    /// Adds how the last sync round went, when the config has [sync].
    public mutating func addSync(_ config: Config, store: Store, now: Instant) throws {
        guard let settings = config.sync else { return }
        let last = try store.lastSyncRound()
        let zone = config.settings.timezone
        sync = Sync(
            url: settings.url, lastRound: last.map { TimestampFormat.iso8601($0.at, zone: zone) },
            ok: last?.ok ?? false,
            problem: last?.message, agoSeconds: last.map { (now - $0.at).microseconds / 1_000_000 })
    }

    /// The status at `now`.
    ///
    /// Pending are the started occurrences, and those whose time came while no daemon or tick ran (they
    /// start at the next run). Next are the due times to come, as the planner will start them: none
    /// inside a pause, none of a disabled commitment.
    public init(config: Config, state: PlanState, pending occurrences: [Occurrence], now: Instant, count: Int = 5) {
        let zone = config.settings.timezone
        let byID = Dictionary(config.commitments.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func title(_ id: CommitmentID) -> String {
            guard let c = byID[id] else { return id.rawValue }
            return c.isPrivate ? "A promise is due" : c.title
        }
        func pendingEntry(_ id: CommitmentID, due: Instant, snoozed: Instant?) -> Pending {
            Pending(
                id: id.rawValue, title: title(id), due: TimestampFormat.iso8601(due, zone: zone),
                overdueSeconds: (now - due).microseconds / 1_000_000,
                snoozedUntil: snoozed.flatMap { $0 > now ? TimestampFormat.iso8601($0, zone: zone) : nil })
        }
        self.now = TimestampFormat.iso8601(now, zone: zone)
        let active = config.commitments.filter { $0.enabled }
        var pending = occurrences.filter { byID[$0.commitment]?.pause(in: state, at: now) == nil }.map {
            pendingEntry($0.commitment, due: $0.due, snoozed: $0.snoozedUntil)
        }
        var upcoming: [(Instant, CommitmentID)] = []
        for c in active {
            var due = c.comingDue(state: state, now: now)
            var k = 0
            while let d = due, k < count {
                if d > now {
                    upcoming.append((d, c.id))
                } else if state.pending[c.id] == nil && k == 0 && c.pause(in: state, at: now) == nil {
                    // Its time came while nothing ran (suspend, no daemon): it starts at the next run.
                    pending.append(pendingEntry(c.id, due: d, snoozed: nil))
                }
                due = c.nextDue(afterDue: d, ended: nil)
                k += 1
            }
        }
        self.pending = pending.sorted { $0.overdueSeconds > $1.overdueSeconds }
        next = upcoming.sorted { $0.0 < $1.0 }.prefix(count).map { due, id in
            Upcoming(
                id: id.rawValue, title: title(id), due: TimestampFormat.iso8601(due, zone: zone),
                inSeconds: (due - now).microseconds / 1_000_000)
        }
        paused = state.pauses.filter { $0.since <= now && now < $0.end }.sorted { $0.end < $1.end }.map {
            Paused(id: $0.commitment?.rawValue, until: TimestampFormat.iso8601($0.end, zone: zone))
        }
    }

    /// The lines for people.
    public var text: String { text(width: Output.terminalWidth()) }

    /// The text, tables cut to `width` when there is one.
    public func text(width: Int?) -> String {
        var out = ""
        for p in paused {
            out += "paused \(p.id ?? "everything") until \(Self.clock(p.until)): no nudges meanwhile\n"
        }
        if pending.isEmpty {
            out += "nothing pending\n"
        } else {
            let rows = pending.map { p in
                let ago =
                    p.overdueSeconds >= 0 ? "\(Self.span(p.overdueSeconds)) ago" : "in \(Self.span(-p.overdueSeconds))"
                return [p.id, ago + (p.snoozedUntil.map { ", snoozed until \(Self.clock($0))" } ?? ""), p.title]
            }
            out += Output.table(["PENDING", "DUE", "TITLE"], rows, width: width)
            out += "answer with: nudge done ID · nudge snooze ID 10m · nudge skip ID\n"
        }
        if !next.isEmpty {
            let rows = next.map { [Self.clock($0.due), Self.span($0.inSeconds), $0.id, $0.title] }
            out += "\n" + Output.table(["NEXT", "IN", "ID", "TITLE"], rows, width: width)
        }
        if let sync {
            if let ago = sync.agoSeconds {
                let when = "last synced \(Self.span(max(0, ago))) ago"
                out += sync.ok ? "sync: \(when) with \(sync.url)\n" : "sync: \(when), failed: \(sync.problem ?? "")\n"
            } else {
                out += "sync: not synced yet with \(sync.url); run nudge sync\n"
            }
        }
        return out
    }

    /// One line for a status bar: "2 due · next Call Mom 19:00".
    public var short: String {
        var parts: [String] = []
        if paused.contains(where: { $0.id == nil }) { parts.append("paused") }
        if !pending.isEmpty { parts.append("\(pending.count) due") }
        if let n = next.first { parts.append("next \(n.title) \(String(Self.clock(n.due).suffix(5)))") }
        return parts.isEmpty ? "nothing due" : parts.joined(separator: " · ")
    }

    /// One line of JSON for a waybar or i3blocks custom module (`"return-type": "json"`): `text` is the short
    /// line, `tooltip` the whole status, `class` "overdue" (something pending is past due), "pending",
    /// "paused" or "idle", for the bar's CSS.
    public var waybar: String {
        struct Module: Encodable {
            var text: String
            var tooltip: String
            var `class`: String
        }
        let overdue = pending.contains { $0.overdueSeconds > 0 }
        let paused = self.paused.contains { $0.id == nil }
        let module = Module(
            text: short, tooltip: text(width: nil).trimmingCharacters(in: .newlines),
            class: overdue ? "overdue" : !pending.isEmpty ? "pending" : paused ? "paused" : "idle")
        return (try? Output.json(module, pretty: false)) ?? "{}\n"
    }

    /// "2026-11-29T19:00:00+01:00" → "2026-11-29 19:00".
    static func clock(_ iso: String) -> String { TimestampFormat.minute(iso) }

    /// "1h 5min", "3d 2h", "45s".
    static func span(_ seconds: Int64) -> String {
        let s = max(0, seconds)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)min" }
        if s < 86_400 { return "\(s / 3600)h" + (s % 3600 / 60 > 0 ? " \(s % 3600 / 60)min" : "") }
        return "\(s / 86_400)d" + (s % 86_400 / 3600 > 0 ? " \(s % 86_400 / 3600)h" : "")
    }
}
