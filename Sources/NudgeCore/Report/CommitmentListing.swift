/// `nudge list`: every commitment with its shape and next due time, as text or JSON.
public struct CommitmentListing: Encodable, Sendable {
    public struct Entry: Encodable, Sendable {
        public var id: String
        public var title: String
        public var with: String?
        public var shape: String
        public var enabled: Bool
        public var next: String?
    }

    public var version = 1
    public var commitments: [Entry]

    /// The commitments of `config` (the config's and the added ones) over the record's state at `now`.
    public init(config: Config, state: PlanState, now: Instant) {
        let zone = config.settings.timezone
        commitments = config.commitments.map { c in
            // A pending occurrence shows its own due time; otherwise the one to come.
            let next = state.pending[c.id]?.due ?? c.comingDue(state: state, now: now)
            return Entry(
                id: c.id.rawValue, title: c.isPrivate ? "A promise" : c.title, with: c.with, shape: c.schedule.shape,
                enabled: c.enabled, next: next.map { TimestampFormat.iso8601($0, zone: zone) })
        }
    }

    /// A table, a row per commitment, the title last (cut to the terminal's width).
    public var text: String { text(width: Output.terminalWidth()) }

    /// The table, its last column cut to `width` when there is one.
    public func text(width: Int?) -> String {
        guard !commitments.isEmpty else { return "no commitments yet; nudge add or the config adds one\n" }
        let rows = commitments.map { e in
            [
                e.id, e.shape, e.enabled ? e.next.map(TimestampFormat.minute) ?? "nothing ahead" : "disabled",
                e.title + (e.with.map { " (with \($0))" } ?? ""),
            ]
        }
        return Output.table(["ID", "SHAPE", "NEXT", "TITLE"], rows, width: width)
    }
}
