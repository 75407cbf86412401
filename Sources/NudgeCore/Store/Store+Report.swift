import GRDB

extension Store {
    /// The outcome record of every ended occurrence, read straight from the record: a report over years
    /// of history reads only the columns it shows, in no particular order (the report sorts). A make-up is
    /// left out: keeping it counts as the repair of its miss, not as a promise of its own. A moved occurrence
    /// (`nudge renegotiate`) counts as its commitment's: keeping it keeps the promise.
    public func outcomeRecords(config: Config, repaired: Set<Int64>) throws -> [OutcomeRecord] {
        let byID = Dictionary(config.commitments.map { ($0.id.rawValue, $0) }, uniquingKeysWith: { a, _ in a })
        let moved = try self.moved()
        return try read { db in
            var out: [OutcomeRecord] = []
            // Counted first, so that years of records are not copied again and again as the array grows.
            out.reserveCapacity(try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM occurrence")) ?? 0)
            // Rows of one commitment often come together: each run of them is looked up once.
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, commitment, due, outcome, outcome_at, lateness, told_at FROM occurrence
                    WHERE outcome IS NOT NULL AND outcome_at IS NOT NULL
                    AND commitment NOT IN (SELECT id FROM added WHERE repair_of IS NOT NULL)
                    """)
            var raw = ""
            var subject: OutcomeRecord.Subject?
            while let row = try rows.next() {
                let name: String = row[1]
                if name != raw {
                    raw = name
                    let owner = CommitmentID(name).map { moved[$0] ?? $0 }
                    subject = owner.map { id in
                        let c = byID[id.rawValue]
                        return .init(
                            commitment: id, title: c?.title ?? id.rawValue, with: c?.with,
                            onTime: c?.onTime ?? Defaults.onTime
                        )
                    }
                }
                guard let subject, let outcome = Outcome(rawValue: row[3]) else { continue }
                let due = Instant(microseconds: row[2])
                let told = (row[6] as Int64?).map(Instant.init(microseconds:))
                out.append(
                    OutcomeRecord(
                        subject: subject, due: due, outcome: outcome,
                        outcomeAt: Instant(microseconds: row[4]),
                        lateness: (row[5] as Int64?).map(Span.init(microseconds:)),
                        repaired: !repaired.isEmpty && repaired.contains(row[0]),
                        notice: told.map { $0 <= due + subject.onTime } ?? false))
            }
            return out
        }
    }
}
