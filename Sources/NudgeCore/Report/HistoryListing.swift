import Foundation

/// `nudge history`: outcomes, newest first, as text, CSV or JSON.
public struct HistoryListing: Encodable, Sendable {
    /// One outcome (or a pending occurrence).
    public struct Entry: Encodable, Sendable {
        public var id: String
        /// The commitment's title ("A promise" for a private one; the id when the config no longer has it).
        public var title: String
        public var due: String
        public var outcome: String
        public var at: String
        public var latenessSeconds: Int64?
        public var reason: String?
        /// `nudge late`: said when, how far the follow-ups and the miss moved, told when (nil: not told).
        public var late: Late?
        /// The messages sent to the person about it (`--tell`), oldest first.
        public var told: [Told]
    }

    /// One message sent to a person.
    public struct Told: Encodable, Sendable {
        public var at: String
        /// Their `[person.ID]` id.
        public var person: String
        public var message: String
    }

    /// What `nudge late` recorded about one occurrence.
    public struct Late: Encodable, Sendable {
        public var saidAt: String
        public var movedSeconds: Int64
        public var toldAt: String?
    }

    public var version = 1
    public var history: [Entry]

    /// The record's occurrences of `ids` (all when nil) due since `since`, newest first, titled as `config`
    /// (with its added promises) titles them, in its zone.
    public init(store: Store, config: Config, ids: Set<CommitmentID>?, since: Instant?) throws {
        let zone = config.settings.timezone
        var titles: [CommitmentID: String] = [:]
        for c in config.commitments { titles[c.id] = c.isPrivate ? "A promise" : c.title }
        let late = try store.latenesses()
        let reasons = try store.reasons()
        let notices = try store.lateNotices()
        let messages = try store.toldMessages()
        history = try store.history(limit: 100_000).filter { o in
            (ids?.contains(o.commitment) ?? true) && (since.map { o.due >= $0 } ?? true)
        }.map { o in
            Entry(
                id: o.commitment.rawValue, title: titles[o.commitment] ?? o.commitment.rawValue,
                due: TimestampFormat.iso8601(o.due, zone: zone),
                outcome: o.outcome?.rawValue ?? "pending",
                at: o.outcomeAt.map { TimestampFormat.iso8601($0, zone: zone) } ?? "",
                latenessSeconds: late[o.id].map { $0.microseconds / 1_000_000 }, reason: reasons[o.id],
                late: notices[o.id].map { n in
                    Late(
                        saidAt: TimestampFormat.iso8601(n.said, zone: zone),
                        movedSeconds: n.by.microseconds / 1_000_000,
                        toldAt: n.told.map { TimestampFormat.iso8601($0, zone: zone) })
                },
                told: (messages[o.id] ?? []).map {
                    Told(at: TimestampFormat.iso8601($0.at, zone: zone), person: $0.person, message: $0.message)
                })
        }
    }

    /// A header row, then one row per entry; the reason quoted as RFC 4180 says.
    public var csv: String {
        var out = "id,due,outcome,at,lateness_seconds,reason,late_said_at,late_moved_seconds,late_told_at,told\n"
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        for e in history {
            let reason = e.reason.map(quoted) ?? ""
            let late = e.late.map { "\($0.saidAt),\($0.movedSeconds),\($0.toldAt ?? "")" } ?? ",,"
            let told =
                e.told.isEmpty ? "" : quoted(e.told.map { "\($0.person): \($0.message)" }.joined(separator: "\n"))
            out +=
                "\(e.id),\(e.due),\(e.outcome),\(e.at),\(e.latenessSeconds.map(String.init) ?? ""),\(reason),\(late),\(told)\n"
        }
        return out
    }

    /// A table, a row per entry: due time, id, outcome, lateness, title, and what else was said (a skip's
    /// reason, running late, messages sent), the last column cut to the terminal's width.
    public var text: String { text(width: Output.terminalWidth()) }

    /// The table, its last column cut to `width` when there is one.
    public func text(width: Int?) -> String {
        guard !history.isEmpty else { return "no outcomes recorded yet\n" }
        let rows = history.map { e in
            let lateness = e.latenessSeconds.map { "\($0 >= 0 ? "+" : "-")\(Span.seconds(abs($0)))" } ?? ""
            // A skip's own reason, or why nudge ended it ("away", "superseded", "removed").
            var notes = e.reason.map { $0 == "skipped" ? [] : [$0] } ?? []
            if let l = e.late {
                notes.append(
                    "said late by \(Span.seconds(l.movedSeconds))"
                        + (l.toldAt == nil ? ", without notice" : ", told them"))
            }
            notes += e.told.map { "told \($0.person): \($0.message)" }
            return [TimestampFormat.minute(e.due), e.id, e.outcome, lateness, e.title, notes.joined(separator: "; ")]
        }
        return Output.table(["DUE", "ID", "OUTCOME", "LATE", "TITLE", "NOTE"], rows, right: [3], width: width)
    }
}
