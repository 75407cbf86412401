import Foundation
import GRDB

extension Store {
    /// Every pending occurrence, oldest due first.
    public func pending() throws -> [Occurrence] {
        try read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT \(Self.occurrenceColumns) FROM occurrence WHERE outcome IS NULL ORDER BY due, id")
            ).compactMap(
                Self.occurrence)
        }
    }

    /// Ends a pending occurrence as kept or skipped at `at`; kept ones record their signed lateness.
    /// The answer is logged (for `nudge undo`). Returns false when it was no longer pending (answered
    /// elsewhere meanwhile).
    @discardableResult
    public func answer(
        _ occurrence: Int64, _ outcome: Outcome, at: Instant, reason: String? = nil, now: Instant? = nil,
        via: String = "answer"
    ) throws -> Bool {
        try queue.write { db in try Self.answer(db, occurrence, outcome, at: at, reason: reason, now: now, via: via) }
    }

    /// The answer to the occurrence of `commitment` due at `due`, which is started first when it has not
    /// started yet (done early, or during a pause), in one transaction: the daemon, woken by the start,
    /// cannot end it before the answer lands. Returns the occurrence, or nil when it had ended meanwhile.
    public func answer(
        _ commitment: CommitmentID, due: Instant, _ outcome: Outcome, at: Instant, reason: String? = nil,
        now: Instant
    ) throws -> Int64? {
        try queue.write { db in
            let occurrence = try Self.startEarly(db, commitment, due: due, now: now)
            return try Self.answer(db, occurrence, outcome, at: at, reason: reason, now: now, via: "answer")
                ? occurrence : nil
        }
    }

    static func answer(
        _ db: Database, _ occurrence: Int64, _ outcome: Outcome, at: Instant, reason: String?, now: Instant?,
        via: String
    ) throws -> Bool {
        try db.cachedStatement(
            sql: """
                UPDATE occurrence SET outcome = ?, outcome_at = ?, reason = ?,
                    lateness = CASE WHEN ? = 'kept' THEN ? - due ELSE NULL END
                WHERE id = ? AND outcome IS NULL
                """
        ).execute(arguments: [
            outcome.rawValue, at.microseconds, reason, outcome.rawValue, at.microseconds, occurrence,
        ])
        guard db.changesCount == 1 else { return false }
        try db.cachedStatement(
            sql: "INSERT INTO amendment (occurrence, at, new_outcome, new_outcome_at, note) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [occurrence, (now ?? at).microseconds, outcome.rawValue, at.microseconds, via])
        return true
    }

    /// Turns a recorded miss into kept at `at`, logging both outcomes and times.
    public func amendMissToKept(_ occurrence: Int64, at: Instant, now: Instant) throws {
        _ = try amend(occurrence, to: .kept, at: at, now: now, note: "done --at before the miss")
    }

    /// Sets an answered occurrence to another outcome at `at`, or (nil) back to pending unless another
    /// occurrence of its commitment is pending by now; logs old and new in the amendments (so `undo` can
    /// take it back). False when nothing changed.
    public func amend(
        _ occurrence: Int64, to outcome: Outcome?, at: Instant?, reason: String? = nil, now: Instant, note: String
    ) throws -> Bool {
        try queue.write { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT outcome, outcome_at FROM occurrence WHERE id = ?"),
                    arguments: [occurrence])
            else { return false }
            try db.cachedStatement(
                sql: """
                    UPDATE occurrence SET outcome = ?, outcome_at = ?, reason = ?,
                        lateness = CASE WHEN ? = 'kept' THEN ? - due ELSE NULL END
                    WHERE id = ? AND (? IS NOT NULL OR NOT EXISTS (
                        SELECT 1 FROM occurrence p WHERE p.commitment = occurrence.commitment AND p.outcome IS NULL))
                    """
            ).execute(arguments: [
                outcome?.rawValue, at?.microseconds, reason, outcome?.rawValue, at?.microseconds, occurrence,
                outcome?.rawValue,
            ])
            guard db.changesCount == 1 else { return false }
            try db.cachedStatement(
                sql: """
                    INSERT INTO amendment (occurrence, at, old_outcome, old_outcome_at, new_outcome, new_outcome_at, note)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                occurrence, now.microseconds, row["outcome"] as String?, row["outcome_at"] as Int64?,
                outcome?.rawValue, at?.microseconds, note,
            ])
            return true
        }
    }

    /// Reverts the last answer given since `since` (for `commitment`, if given): the occurrence goes
    /// back to what it was. Returns the occurrence and what it was set back to (nil outcome: pending).
    public func undo(since: Instant, commitments: [CommitmentID]?, now: Instant) throws -> (Occurrence, Outcome?)? {
        try queue.write { db in
            var sql = """
                SELECT a.id AS aid, a.occurrence, a.old_outcome, a.old_outcome_at, a.new_outcome FROM amendment a
                JOIN occurrence o ON o.id = a.occurrence
                WHERE a.undone IS NULL AND a.at >= ?
                """
            var args: [(any DatabaseValueConvertible)?] = [since.microseconds]
            if let commitments {
                sql += " AND o.commitment IN (\(commitments.map { _ in "?" }.joined(separator: ", ")))"
                args += commitments.map(\.rawValue)
            }
            sql += " ORDER BY a.at DESC, a.id DESC LIMIT 1"
            guard let row = try Row.fetchOne(db, sql: sql, arguments: StatementArguments(args)) else { return nil }
            let occ: Int64 = row["occurrence"]
            let old = (row["old_outcome"] as String?).flatMap(Outcome.init(rawValue:))
            if old == nil {
                // Back to pending, unless another occurrence of it is pending by now.
                try db.cachedStatement(
                    sql: """
                        UPDATE occurrence SET outcome = NULL, outcome_at = NULL, lateness = NULL, reason = NULL
                        WHERE id = ? AND NOT EXISTS (
                            SELECT 1 FROM occurrence p WHERE p.commitment = occurrence.commitment AND p.outcome IS NULL)
                        """
                ).execute(arguments: [occ])
                guard db.changesCount == 1 else { return nil }
                if row["new_outcome"] == Outcome.renegotiated.rawValue {
                    // The one-off that took its place goes (its pending occurrence ends "removed").
                    try db.cachedStatement(sql: "UPDATE added SET removed = ? WHERE moves = ? AND removed IS NULL")
                        .execute(arguments: [now.microseconds, occ])
                }
            } else {
                try db.cachedStatement(
                    sql: "UPDATE occurrence SET outcome = ?, outcome_at = ?, lateness = NULL WHERE id = ?"
                ).execute(arguments: [old?.rawValue, row["old_outcome_at"] as Int64?, occ])
            }
            try db.cachedStatement(sql: "UPDATE amendment SET undone = ? WHERE id = ?").execute(arguments: [
                now.microseconds, row["aid"] as Int64,
            ])
            guard
                let o = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT \(Self.occurrenceColumns) FROM occurrence WHERE id = ?"),
                    arguments: [occ]
                ).flatMap(
                    Self.occurrence)
            else { return nil }
            return (o, old)
        }
    }

    /// Pauses one commitment (or all, nil) from `now` until `until`.
    public func pause(_ commitment: CommitmentID?, since now: Instant, until: Instant) throws {
        try queue.write { db in
            try db.cachedStatement(sql: "INSERT INTO pause (commitment, since, until) VALUES (?, ?, ?)").execute(
                arguments: [commitment?.rawValue, now.microseconds, until.microseconds])
        }
    }

    /// Ends the pauses in force for a commitment (or the global ones, nil); returns how many.
    public func resume(_ commitment: CommitmentID?, now: Instant) throws -> Int {
        try queue.write { db in
            try db.cachedStatement(
                sql: """
                    UPDATE pause SET resumed = ?
                    WHERE resumed IS NULL AND since <= ? AND until > ? AND commitment IS ?
                    """
            ).execute(arguments: [now.microseconds, now.microseconds, now.microseconds, commitment?.rawValue])
            return db.changesCount
        }
    }

    /// Records that the person is running late for a pending occurrence: its follow-ups and miss move by
    /// `span` more, and (`told`) that the person they promised was told now. Returns the whole move.
    public func late(_ occurrence: Int64, by span: Span, told: Bool, now: Instant) throws -> Span? {
        try queue.write { db in
            try db.cachedStatement(
                sql: """
                    UPDATE occurrence SET late_by = late_by + ?, late_said_at = ?,
                        told_at = CASE WHEN ? THEN ? ELSE told_at END
                    WHERE id = ? AND outcome IS NULL
                    """
            ).execute(arguments: [span.microseconds, now.microseconds, told, now.microseconds, occurrence])
            guard db.changesCount == 1 else { return nil }
            return try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT late_by FROM occurrence WHERE id = ?"), arguments: [occurrence]
            )
            .map(Span.init(microseconds:))
        }
    }

    /// Records a message sent to a person about an occurrence (`about`: late, renegotiate, repair); a late
    /// one also counts as told.
    public func told(_ occurrence: Int64, person: String, about: String, message: String, now: Instant) throws {
        try queue.write { db in
            try db.cachedStatement(
                sql: "INSERT INTO told (occurrence, person, at, about, message) VALUES (?, ?, ?, ?, ?)"
            ).execute(arguments: [occurrence, person, now.microseconds, about, message])
            if about == "late" {
                try db.cachedStatement(sql: "UPDATE occurrence SET told_at = coalesce(told_at, ?) WHERE id = ?")
                    .execute(arguments: [now.microseconds, occurrence])
            }
        }
    }

    /// The messages sent to people, by occurrence id, oldest first: when, to whom, and what.
    public func toldMessages() throws -> [Int64: [(at: Instant, person: String, message: String)]] {
        try read { db in
            var out: [Int64: [(at: Instant, person: String, message: String)]] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT occurrence, at, person, message FROM told ORDER BY at, id")
            while let row = try rows.next() {
                out[row[0], default: []].append((Instant(microseconds: row[1]), row[2], row[3]))
            }
            return out
        }
    }

    /// Snoozes a pending occurrence: no nudge before `until`.
    public func snooze(_ occurrence: Int64, until: Instant) throws {
        try queue.write { db in try Self.snooze(db, occurrence, until: until) }
    }

    static func snooze(_ db: Database, _ occurrence: Int64, until: Instant) throws {
        try db.cachedStatement(sql: "UPDATE occurrence SET snoozed_until = ? WHERE id = ? AND outcome IS NULL")
            .execute(arguments: [until.microseconds, occurrence])
    }

    /// Snoozes the occurrence of `commitment` due at `due`, started first when it has not started yet, in
    /// one transaction (as `answer(_:due:…)`). Returns the occurrence.
    public func snooze(_ commitment: CommitmentID, due: Instant, until: Instant, now: Instant) throws -> Int64 {
        try queue.write { db in
            let occurrence = try Self.startEarly(db, commitment, due: due, now: now)
            try Self.snooze(db, occurrence, until: until)
            return occurrence
        }
    }

    /// Starts an occurrence ahead of its due time ("done early"), returning its id; when the daemon has
    /// started the same one meanwhile, that one (an answer is never given to a twin).
    public func startEarly(_ commitment: CommitmentID, due: Instant, now: Instant) throws -> Int64 {
        try queue.write { db in try Self.startEarly(db, commitment, due: due, now: now) }
    }

    static func startEarly(_ db: Database, _ commitment: CommitmentID, due: Instant, now: Instant) throws -> Int64 {
        if let id = try Int64.fetchOne(
            db.cachedStatement(
                sql: "SELECT id FROM occurrence WHERE commitment = ? AND due = ? ORDER BY id LIMIT 1"),
            arguments: [commitment.rawValue, due.microseconds])
        {
            return id
        }
        // Every commitment with an occurrence is in `seen` (planState lists commitments from it).
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO seen (commitment, first_seen) VALUES (?, ?)").execute(
            arguments: [commitment.rawValue, now.microseconds])
        try db.cachedStatement(sql: "INSERT INTO occurrence (commitment, due, created) VALUES (?, ?, ?)").execute(
            arguments: [commitment.rawValue, due.microseconds, now.microseconds])
        return db.lastInsertedRowID
    }

    /// The ids of every commitment the record has seen.
    public func seenIDs() throws -> Set<String> {
        try read { db in Set(try String.fetchAll(db.cachedStatement(sql: "SELECT commitment FROM seen"))) }
    }

    /// The first-seen time of a commitment, if recorded.
    public func firstSeen(_ commitment: CommitmentID) throws -> Instant? {
        try read { db in
            try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT first_seen FROM seen WHERE commitment = ?"),
                arguments: [commitment.rawValue]
            )
            .map(Instant.init(microseconds:))
        }
    }

    /// Ended occurrences, newest first.
    public func history(limit: Int = 1000) throws -> [Occurrence] {
        try read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT \(Self.occurrenceColumns) FROM occurrence WHERE outcome IS NOT NULL ORDER BY due DESC, id DESC LIMIT ?"
                ), arguments: [limit]
            ).compactMap(Self.occurrence)
        }
    }

    /// The signed lateness of every kept occurrence, by occurrence id.
    public func latenesses() throws -> [Int64: Span] {
        try read { db in
            var out: [Int64: Span] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT id, lateness FROM occurrence WHERE lateness IS NOT NULL")
            while let row = try rows.next() { out[row[0]] = Span(microseconds: row[1]) }
            return out
        }
    }

    /// What `nudge late` recorded, by occurrence id: how far it moved, when it was last said, when the
    /// person was told (nil: not told).
    public func lateNotices() throws -> [Int64: (by: Span, said: Instant, told: Instant?)] {
        try read { db in
            var out: [Int64: (by: Span, said: Instant, told: Instant?)] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT id, late_by, late_said_at, told_at FROM occurrence WHERE late_said_at IS NOT NULL")
            while let row = try rows.next() {
                out[row[0]] = (
                    Span(microseconds: row[1]), Instant(microseconds: row[2]),
                    (row[3] as Int64?).map(Instant.init(microseconds:))
                )
            }
            return out
        }
    }

    /// The reason recorded with every ended occurrence that has one (a skip's `--reason`, "away",
    /// "superseded"…), by occurrence id.
    public func reasons() throws -> [Int64: String] {
        try read { db in
            var out: [Int64: String] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT id, reason FROM occurrence WHERE reason IS NOT NULL")
            while let row = try rows.next() { out[row[0]] = row[1] }
            return out
        }
    }

    /// The signed lateness recorded for a kept occurrence.
    public func lateness(_ occurrence: Int64) throws -> Span? {
        try read { db in
            try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT lateness FROM occurrence WHERE id = ?"), arguments: [occurrence]
            )
            .map(Span.init(microseconds:))
        }
    }
}

extension Store {
    /// SQLite's `data_version`: changes when another connection (the CLI) commits, not for our own writes.
    public func dataVersion() throws -> Int64 {
        try read { db in try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0 }
    }
}

extension Store {
    /// The occurrences of a commitment whose answer window holds `t`: from `window` before the due
    /// time until they ended (pending ones: until now), nearest due first.
    public func occurrences(of commitment: CommitmentID, holding t: Instant, window: Span) throws -> [Occurrence] {
        try read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(Self.occurrenceColumns) FROM occurrence
                        WHERE commitment = ? AND due <= ? AND (outcome IS NULL OR outcome_at >= ?)
                        ORDER BY abs(due - ?), id
                        """),
                arguments: [commitment.rawValue, (t + window).microseconds, t.microseconds, t.microseconds]
            ).compactMap(Self.occurrence)
        }
    }
}
