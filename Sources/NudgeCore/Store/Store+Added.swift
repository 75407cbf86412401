import Foundation
import GRDB

extension Store {
    /// One-off commitments added from the command line (`nudge add`), not removed.
    public func added(settings: Settings) throws -> [Commitment] {
        try added(settings: settings, removed: false).map(\.0)
    }

    /// Those added from the command line and removed since, with when they were removed.
    public func removedAdded(settings: Settings) throws -> [(Commitment, Instant)] {
        try added(settings: settings, removed: true).compactMap { c, at in at.map { (c, $0) } }
    }

    func added(settings: Settings, removed: Bool) throws -> [(Commitment, Instant?)] {
        try read { db in
            let which = removed ? "IS NOT NULL" : "IS NULL"
            return try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM added WHERE removed \(which) ORDER BY created, id")
            )
            .compactMap {
                row in
                guard let id = CommitmentID(row["id"]) else { return nil }
                let c = Commitment(
                    id: id, title: row["title"], with: row["person"],
                    schedule: .once(Instant(microseconds: row["due"])),
                    // Bounded as a config's: a record written by an older nudge may hold any number.
                    remindBefore: (row["remind_before"] as Int64?).map {
                        min(max(Span(microseconds: $0), .zero), Defaults.maxSpan)
                    },
                    followUp: Defaults.followUp,
                    followUps: Defaults.followUps, onTime: Defaults.onTime, grace: Defaults.grace, urgency: nil,
                    repair: Defaults.repair, isPrivate: Defaults.isPrivate, enabled: true,
                    channels: settings.channels,
                    note: nil)
                return (c, (row["removed"] as Int64?).map(Instant.init(microseconds:)))
            }
        }
    }

    /// Records a one-off promise made from the command line.
    public func add(
        id: CommitmentID, title: String, with: String?, due: Instant, remindBefore: Span?, now: Instant,
        repairOf: Int64? = nil
    ) throws {
        try queue.write { db in
            try add(
                db, id: id, title: title, with: with, due: due, remindBefore: remindBefore, now: now, repairOf: repairOf
            )
        }
    }

    private func add(
        _ db: Database, id: CommitmentID, title: String, with: String?, due: Instant, remindBefore: Span?, now: Instant,
        repairOf: Int64? = nil
    ) throws {
        // First seen when added, like a config commitment at its first run: an occurrence that falls
        // due before any daemon or tick runs again (suspend, `--at now`) is started late, not lost.
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO seen (commitment, first_seen) VALUES (?, ?)").execute(
            arguments: [id.rawValue, now.microseconds])
        try db.cachedStatement(
            sql: """
                INSERT INTO added (id, title, person, due, remind_before, created, repair_of)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            id.rawValue, title, with, due.microseconds, remindBefore?.microseconds, now.microseconds, repairOf,
        ])
    }

    /// Missed occurrences whose make-up (`nudge repair`) was kept.
    public func repaired() throws -> Set<Int64> {
        try read { db in
            Set(
                try Int64.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT a.repair_of FROM added a WHERE a.repair_of IS NOT NULL AND EXISTS (
                                SELECT 1 FROM occurrence o WHERE o.commitment = a.id AND o.outcome = 'kept')
                            """)))
        }
    }

    /// Make-ups (`nudge repair`) and moved occurrences (`nudge renegotiate`) by id, with the commitment
    /// they belong to: answers given with that commitment's id reach them.
    public func linked() throws -> [CommitmentID: CommitmentID] {
        try links(on: "coalesce(a.repair_of, a.moves)")
    }

    /// Moved occurrences (`nudge renegotiate`) by id, with the commitment they belong to: reports count
    /// them as that commitment's.
    public func moved() throws -> [CommitmentID: CommitmentID] {
        try links(on: "a.moves")
    }

    private func links(on column: String) throws -> [CommitmentID: CommitmentID] {
        try read { db in
            var out: [CommitmentID: CommitmentID] = [:]
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT a.id, o.commitment FROM added a JOIN occurrence o ON o.id = \(column)"))
            for row in rows { out[CommitmentID(made: row[0])] = CommitmentID(made: row[1]) }
            return out
        }
    }

    /// How an added promise is linked, for other machines: "repair ID DUE" (a make-up of the miss of ID due
    /// at DUE, in microseconds) or "move ID DUE" (it took that occurrence's place); nil when it is not.
    public func addedLink(of id: CommitmentID) throws -> String? {
        try read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT CASE WHEN a.moves IS NULL THEN 'repair' ELSE 'move' END, o.commitment, o.due FROM added a
                        JOIN occurrence o ON o.id = coalesce(a.repair_of, a.moves) WHERE a.id = ?
                        """), arguments: [id.rawValue]
            ).map { "\($0[0] as String) \($0[1] as String) \($0[2] as Int64)" }
        }
    }

    /// Links an added promise as `addedLink(of:)` wrote it, when the occurrence it names is recorded here.
    public func setAddedLink(of id: CommitmentID, _ link: String) throws {
        let parts = link.split(separator: " ").map(String.init)
        guard parts.count == 3, let due = Int64(parts[2]), ["repair", "move"].contains(parts[0]) else { return }
        let column = parts[0] == "move" ? "moves" : "repair_of"
        try queue.write { db in
            try db.cachedStatement(
                sql: """
                    UPDATE added SET \(column) = (SELECT id FROM occurrence WHERE commitment = ? AND due = ? LIMIT 1)
                    WHERE id = ? AND repair_of IS NULL AND moves IS NULL
                    """
            ).execute(arguments: [parts[1], due, id.rawValue])
        }
    }

    /// Ends a pending occurrence `renegotiated` and adds the one-off `id` at `due` in its place, in one
    /// transaction; false (and nothing recorded) when it had ended meanwhile.
    public func renegotiate(
        _ occurrence: Int64, to due: Instant, id: CommitmentID, title: String, with: String?, remindBefore: Span?,
        now: Instant
    ) throws -> Bool {
        try queue.write { db in
            try db.cachedStatement(
                sql: """
                    UPDATE occurrence SET outcome = 'renegotiated', outcome_at = ?, reason = ?
                    WHERE id = ? AND outcome IS NULL
                    """
            ).execute(arguments: [now.microseconds, "moved to \(id.rawValue)", occurrence])
            guard db.changesCount == 1 else { return false }
            try db.cachedStatement(
                sql: "INSERT INTO amendment (occurrence, at, new_outcome, new_outcome_at, note) VALUES (?, ?, ?, ?, ?)"
            ).execute(arguments: [
                occurrence, now.microseconds, Outcome.renegotiated.rawValue, now.microseconds, "renegotiate",
            ])
            try add(db, id: id, title: title, with: with, due: due, remindBefore: remindBefore, now: now)
            try db.cachedStatement(sql: "UPDATE added SET moves = ? WHERE id = ?").execute(arguments: [
                occurrence, id.rawValue,
            ])
            return true
        }
    }

    /// The last missed occurrence of a commitment, for `nudge repair`.
    public func lastMiss(_ commitment: CommitmentID) throws -> Occurrence? {
        try read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql:
                        "SELECT \(Self.occurrenceColumns) FROM occurrence WHERE commitment = ? AND outcome = 'missed' ORDER BY due DESC, id DESC LIMIT 1"
                ), arguments: [commitment.rawValue]
            ).flatMap(Self.occurrence)
        }
    }

    /// Removes a command-line commitment; returns false when there is none by that id.
    public func removeAdded(_ id: CommitmentID, now: Instant) throws -> Bool {
        try queue.write { db in
            try db.cachedStatement(sql: "UPDATE added SET removed = ? WHERE id = ? AND removed IS NULL").execute(
                arguments: [now.microseconds, id.rawValue])
            return db.changesCount == 1
        }
    }

    /// Every id ever used by a command-line commitment (ids are never reused).
    public func addedIDs() throws -> Set<String> {
        try read { db in Set(try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM added"))) }
    }
}

extension Store {
    /// The config's commitments and those added from the command line, as they are in the record now.
    ///
    /// Read again at every run, so a running daemon nudges what `nudge add` added and a config reload
    /// never touches them.
    public func commitments(of config: Config) throws -> Config {
        config.adding(try added(settings: config.settings))
    }
}

extension Store {
    /// Moves the history of a commitment to another id (its occurrences, first-seen time, pauses, and
    /// its definition when it was added from the command line), in one transaction. Where both have a
    /// pending occurrence, the old one ends skipped ("renamed"). Returns how many occurrences moved.
    public func rename(_ old: CommitmentID, to new: CommitmentID, now: Instant) throws -> Int {
        try queue.write { db in
            let bothPending =
                try Int.fetchOne(
                    db.cachedStatement(
                        sql:
                            "SELECT COUNT(DISTINCT commitment) FROM occurrence WHERE outcome IS NULL AND commitment IN (?, ?)"
                    ), arguments: [old.rawValue, new.rawValue]) == 2
            if bothPending {
                try db.cachedStatement(
                    sql: """
                        UPDATE occurrence SET outcome = 'skipped', outcome_at = ?, reason = 'renamed'
                        WHERE commitment = ? AND outcome IS NULL
                        """
                ).execute(arguments: [now.microseconds, old.rawValue])
            }
            try db.cachedStatement(sql: "UPDATE occurrence SET commitment = ? WHERE commitment = ?").execute(
                arguments: [new.rawValue, old.rawValue])
            let moved = db.changesCount
            try db.cachedStatement(
                sql: """
                    INSERT INTO seen (commitment, first_seen) SELECT ?, first_seen FROM seen WHERE commitment = ?
                    ON CONFLICT (commitment) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen)
                    """
            ).execute(arguments: [new.rawValue, old.rawValue])
            try db.cachedStatement(sql: "DELETE FROM seen WHERE commitment = ?").execute(arguments: [old.rawValue])
            try db.cachedStatement(sql: "UPDATE pause SET commitment = ? WHERE commitment = ?").execute(arguments: [
                new.rawValue, old.rawValue,
            ])
            try db.cachedStatement(
                sql: "UPDATE added SET id = ? WHERE id = ? AND NOT EXISTS (SELECT 1 FROM added WHERE id = ?)"
            ).execute(arguments: [new.rawValue, old.rawValue, new.rawValue])
            return moved
        }
    }

    /// Commitments the record has history of, with the due time of their latest occurrence.
    public func historyIDs() throws -> [String: Instant] {
        try read { db in
            var out: [String: Instant] = [:]
            for row in try Row.fetchAll(
                db.cachedStatement(sql: "SELECT commitment, MAX(due) FROM occurrence GROUP BY commitment"))
            {
                out[row[0]] = Instant(microseconds: row[1])
            }
            return out
        }
    }
}
