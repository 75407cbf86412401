import Foundation

/// `nudge history`: outcomes, newest first, as text, CSV or JSON.
public struct HistoryListing: Encodable, Sendable {
    /// One outcome (or a pending occurrence).
    public struct Entry: Encodable, Sendable {
        public var id: String
        public var due: String
        public var outcome: String
        public var at: String
        public var latenessSeconds: Int64?
        public var reason: String?
    }

    public var version = 1
    public var history: [Entry]

    /// The record's occurrences of `ids` (all when nil) due since `since`, newest first.
    public init(store: Store, zone: Zone, ids: Set<CommitmentID>?, since: Instant?) throws {
        let late = try store.latenesses()
        let reasons = try store.reasons()
        history = try store.history(limit: 100_000).filter { o in
            (ids?.contains(o.commitment) ?? true) && (since.map { o.due >= $0 } ?? true)
        }.map { o in
            Entry(
                id: o.commitment.rawValue, due: TimestampFormat.iso8601(o.due, zone: zone),
                outcome: o.outcome?.rawValue ?? "pending",
                at: o.outcomeAt.map { TimestampFormat.iso8601($0, zone: zone) } ?? "",
                latenessSeconds: late[o.id].map { $0.microseconds / 1_000_000 }, reason: reasons[o.id])
        }
    }

    /// A header row, then one row per entry; the reason quoted as RFC 4180 says.
    public var csv: String {
        var out = "id,due,outcome,at,lateness_seconds,reason\n"
        for e in history {
            let reason = e.reason.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" } ?? ""
            out += "\(e.id),\(e.due),\(e.outcome),\(e.at),\(e.latenessSeconds.map(String.init) ?? ""),\(reason)\n"
        }
        return out
    }

    /// One line per entry: due time, id, outcome with its reason, lateness.
    public var text: String {
        guard !history.isEmpty else { return "no outcomes recorded yet\n" }
        return history.map { e in
            let lateness = e.latenessSeconds.map { " (\($0 >= 0 ? "+" : "-")\(Span.seconds(abs($0))))" } ?? ""
            // A skip's own reason, or why nudge ended it ("away", "superseded", "removed").
            let why = e.reason.map { $0 == "skipped" ? "" : ": \($0)" } ?? ""
            return "\(TimestampFormat.minute(e.due))  \(e.id)  \(e.outcome)\(why)\(lateness)\n"
        }.joined()
    }
}
