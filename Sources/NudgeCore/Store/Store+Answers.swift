import Foundation
import GRDB

extension Store {
    /// Every pending occurrence, oldest due first.
    public func pending() throws -> [Occurrence] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM occurrence WHERE outcome IS NULL ORDER BY due, id").compactMap(
                Self.occurrence)
        }
    }

    /// Ends a pending occurrence as kept or skipped at `at`; kept ones record their signed lateness.
    /// Returns false when it was no longer pending (answered elsewhere meanwhile).
    @discardableResult
    public func answer(_ occurrence: Int64, _ outcome: Outcome, at: Instant, reason: String? = nil) throws -> Bool {
        try queue.write { db in
            try db.execute(
                sql: """
                    UPDATE occurrence SET outcome = ?, outcome_at = ?, reason = ?,
                        lateness = CASE WHEN ? = 'kept' THEN ? - due ELSE NULL END
                    WHERE id = ? AND outcome IS NULL
                    """,
                arguments: [outcome.rawValue, at.microseconds, reason, outcome.rawValue, at.microseconds, occurrence])
            return db.changesCount == 1
        }
    }

    /// Snoozes a pending occurrence: no nudge before `until`.
    public func snooze(_ occurrence: Int64, until: Instant) throws {
        try queue.write { db in
            try db.execute(
                sql: "UPDATE occurrence SET snoozed_until = ? WHERE id = ? AND outcome IS NULL",
                arguments: [until.microseconds, occurrence])
        }
    }

    /// Starts an occurrence ahead of its due time ("done early"), returning its id.
    public func startEarly(_ commitment: CommitmentID, due: Instant, now: Instant) throws -> Int64 {
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO occurrence (commitment, due, created) VALUES (?, ?, ?)",
                arguments: [commitment.rawValue, due.microseconds, now.microseconds])
            return db.lastInsertedRowID
        }
    }

    /// The first-seen time of a commitment, if recorded.
    public func firstSeen(_ commitment: CommitmentID) throws -> Instant? {
        try queue.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT first_seen FROM seen WHERE commitment = ?", arguments: [commitment.rawValue]
            )
            .map(Instant.init(microseconds:))
        }
    }

    /// Ended occurrences, newest first.
    public func history(limit: Int = 1000) throws -> [Occurrence] {
        try queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM occurrence WHERE outcome IS NOT NULL ORDER BY due DESC, id DESC LIMIT ?",
                arguments: [limit]
            ).compactMap(Self.occurrence)
        }
    }

    /// The signed lateness of every kept occurrence, by occurrence id.
    public func latenesses() throws -> [Int64: Span] {
        try queue.read { db in
            var out: [Int64: Span] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, lateness FROM occurrence WHERE lateness IS NOT NULL") {
                out[row["id"]] = Span(microseconds: row["lateness"])
            }
            return out
        }
    }

    /// The signed lateness recorded for a kept occurrence.
    public func lateness(_ occurrence: Int64) throws -> Span? {
        try queue.read { db in
            try Int64.fetchOne(db, sql: "SELECT lateness FROM occurrence WHERE id = ?", arguments: [occurrence])
                .map(Span.init(microseconds:))
        }
    }
}
