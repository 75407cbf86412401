import GRDB

/// An occurrence as it was last shared through [sync].
public struct SyncItem: Sendable, Equatable {
    public var uid: String
    public var commitment: CommitmentID
    public var due: Instant
    /// The ETag of the VTODO as this machine last read or wrote it (nil: not on the server yet).
    public var etag: String?
    /// The state this machine last wrote or adopted (`SyncState.text`).
    public var written: String
    /// The VTODO's SEQUENCE as last written.
    public var sequence: Int
}

extension Store {
    /// Every occurrence shared so far, by UID.
    public func syncItems() throws -> [String: SyncItem] {
        try read { db in
            var out: [String: SyncItem] = [:]
            for row in try Row.fetchAll(
                db.cachedStatement(sql: "SELECT uid, commitment, due, etag, written, sequence FROM sync_item"))
            {
                let item = SyncItem(
                    uid: row[0], commitment: CommitmentID(made: row[1]), due: Instant(microseconds: row[2]),
                    etag: row[3], written: row[4], sequence: row[5])
                out[item.uid] = item
            }
            return out
        }
    }

    /// Records how an occurrence now stands on the server.
    public func saveSyncItem(_ item: SyncItem, now: Instant) throws {
        try queue.write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO sync_item (uid, commitment, due, etag, written, sequence, synced_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (uid) DO UPDATE SET etag = excluded.etag, written = excluded.written,
                        sequence = excluded.sequence, synced_at = excluded.synced_at
                    """
            ).execute(arguments: [
                item.uid, item.commitment.rawValue, item.due.microseconds, item.etag, item.written, item.sequence,
                now.microseconds,
            ])
        }
    }

    /// Forgets an occurrence deleted from the server.
    public func forgetSyncItem(_ uid: String) throws {
        try queue.write { db in
            try db.cachedStatement(sql: "DELETE FROM sync_item WHERE uid = ?").execute(arguments: [uid])
        }
    }

    /// Occurrences due at or after `since`, pending or ended, oldest first.
    public func occurrences(dueSince since: Instant) throws -> [Occurrence] {
        try read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT \(Self.occurrenceColumns) FROM occurrence WHERE due >= ? ORDER BY due, id"),
                arguments: [since.microseconds]
            ).compactMap(Self.occurrence)
        }
    }

    /// The newest answer's number (0: none yet): it grows with every answer, undo included.
    public func lastAnswerID() throws -> Int64 {
        try read { db in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) + COUNT(undone) FROM amendment")) ?? 0
        }
    }

    /// How the last sync round went: when, whether it reached the server, and what it said.
    public func lastSyncRound() throws -> (at: Instant, ok: Bool, message: String?)? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT at, ok, message FROM sync_round WHERE id = 1")).map {
                (Instant(microseconds: $0[0]), $0[1], $0[2])
            }
        }
    }

    /// Records how a sync round went.
    public func recordSyncRound(at: Instant, ok: Bool, message: String?) throws {
        try queue.write { db in
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO sync_round (id, at, ok, message) VALUES (1, ?, ?, ?)")
                .execute(arguments: [at.microseconds, ok, message])
        }
    }
}
