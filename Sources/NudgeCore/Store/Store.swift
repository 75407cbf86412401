import Foundation
import GRDB

/// Why the record could not be used.
public enum StoreError: LocalizedError, Equatable {
    /// What kind of trouble, which decides the exit status.
    public enum Problem: Sendable, Equatable {
        /// The directory or file cannot be written (read-only file system, permissions): 73.
        case cannotCreate
        /// The file is not a database, or damaged: 74, and not worth restarting for.
        case corrupt
        /// The disk is full or the database busy: 75, try again later.
        case temporary
    }

    case newerSchema(String)
    case cannotOpen(String, String, Problem)
    /// A failure while the record was in use (path, why with the fix, what kind).
    case failed(String, String, Problem)

    public var errorDescription: String? {
        switch self {
        case .newerSchema(let path):
            return "\(path) was written by a newer nudge; it is left untouched. Upgrade nudge to use it."
        case .cannotOpen(let path, let why, _):
            return "cannot open the record \(path): \(why)"
        case .failed(let path, let why, _):
            return "cannot use the record \(path): \(why)"
        }
    }

    /// What kind of trouble it is; nil for a record of a newer nudge.
    public var problem: Problem? {
        switch self {
        case .newerSchema: return nil
        case .cannotOpen(_, _, let p), .failed(_, _, let p): return p
        }
    }

    /// A failure of SQLite while the record at `path` was in use, said with its fix; nil for any other
    /// error.
    public static func during(_ error: Error, path: String) -> StoreError? {
        if let e = error as? StoreError { return e }
        guard error is DatabaseError else { return nil }
        let (why, problem) = Store.explain(error, path: path)
        return .failed(path, why, problem)
    }
}

/// The SQLite record of occurrences, nudges and answers (GRDB `DatabaseQueue`, WAL, busy timeout).
///
/// The daemon and the command line write it at the same time; every change is one transaction. A
/// `DatabaseQueue` is used rather than a pool: a pool's concurrent queue wakes an idle daemon.
public final class Store: Sendable {
    /// The file.
    public let path: String
    let queue: DatabaseQueue
    /// The connection that built a new record, closed. Kept, not released: releasing a GRDB queue (its actor)
    /// starts Swift concurrency's thread pool, whose monitor then wakes the process every second on Linux.
    private let builder: DatabaseQueue?

    /// Opens (creating it 0600 in a 0700 directory) and migrates the record at `path`; refuses one
    /// written by a newer schema without changing it.
    public init(path: String) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        let fm = FileManager.default
        do {
            if !dir.isEmpty && !fm.fileExists(atPath: dir) {
                try fm.createDirectory(
                    atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            builder = fm.fileExists(atPath: path) ? nil : try Self.create(path)
            if builder == nil, let size = try? fm.attributesOfItem(atPath: path)[.size] as? Int, size == 0,
                !fm.fileExists(atPath: path + "-wal")
            {
                // nudge never leaves an empty record (`create`): something else cut this one short.
                throw StoreError.cannotOpen(
                    path,
                    "it is empty (0 bytes): something outside nudge cut it short; restore it from a backup, or remove "
                        + "it to start a new record", .corrupt)
            }
            let config = Self.configuration
            queue = try DatabaseQueue(path: path, configuration: config)
            // A record of a newer nudge is left byte for byte as it is: checked before anything is written.
            let superseded = try read { db in try Self.migrator.hasBeenSuperseded(db) }
            if superseded { throw StoreError.newerSchema(path) }
            try queue.writeWithoutTransaction { db in
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            }
        } catch let error as StoreError {
            throw error
        } catch {
            let (why, problem) = Self.explain(error, path: path)
            throw StoreError.cannotOpen(path, why, problem)
        }
        do {
            try Self.migrator.migrate(queue)
        } catch let error as StoreError {
            throw error
        } catch {
            let (why, problem) = Self.explain(error, path: path)
            throw StoreError.cannotOpen(path, why, problem)
        }
    }

    /// Reads in one deferred transaction, as `queue.read` does, but without its `PRAGMA query_only`
    /// guard: SQLite expires every prepared statement of a connection when that flag changes, so each
    /// read threw the statement cache away and the next queries were parsed and authorized again.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.writeWithoutTransaction { db in
            var result: Result<T, Error>?
            try db.inTransaction(.deferred) {
                result = Result { try body(db) }
                return .commit
            }
            guard let result else { preconditionFailure("inTransaction returned without running its body") }
            return try result.get()
        }
    }

    /// How every connection to the record is set up.
    static var configuration: Configuration {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // Sorting years of history in memory, and reading it through the page cache, is ten times faster
            // than SQLite's temporary files and 4 KiB reads; an idle daemon touches neither.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
        }
        return config
    }

    /// Creates a new record whole or not at all: built beside its place (0600, WAL, every migration) and then
    /// linked into it, so a crash never leaves an empty or half-made record, and of two processes creating it
    /// at once, one wins and the other opens that one. Returns the connection that built it, closed.
    static func create(_ path: String) throws -> DatabaseQueue {
        let fresh = "\(path).new-\(getpid())"
        unlink(fresh)
        defer { for name in [fresh, fresh + "-wal", fresh + "-shm"] { unlink(name) } }
        guard FileManager.default.createFile(atPath: fresh, contents: nil, attributes: [.posixPermissions: 0o600])
        else {
            let why = errno
            let (text, problem) = explain(CocoaError(.fileWriteUnknown), path: path)
            throw StoreError.cannotOpen(
                path, problem == .temporary ? text : String(cString: strerror(why)),
                problem == .temporary ? .temporary : .cannotCreate)
        }
        let queue = try DatabaseQueue(path: fresh, configuration: configuration)
        // Migrated with a rollback journal, so every page is in the file itself (and a small disk need not
        // hold a log of the whole schema too), then switched to WAL; a checkpoint that fails (a full disk)
        // fails the creation, instead of a record whose log is then thrown away.
        try migrator.migrate(queue)
        try queue.writeWithoutTransaction { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            _ = try db.checkpoint(.truncate)
        }
        try queue.close()
        if link(fresh, path) != 0 && errno != EEXIST {
            throw StoreError.cannotOpen(path, String(cString: strerror(errno)), .cannotCreate)
        }
        return queue
    }

    /// Why the record cannot be opened, in words that say what to do, and what kind of trouble it is: a
    /// read-only or full file system, a file that is not a database or is damaged, else the error itself.
    static func explain(_ error: Error, path: String) -> (String, StoreError.Problem) {
        var dir = (path as NSString).deletingLastPathComponent
        while !dir.isEmpty, dir != "/", !FileManager.default.fileExists(atPath: dir) {
            dir = (dir as NSString).deletingLastPathComponent
        }
        var fs = statvfs()
        if statvfs(dir.isEmpty ? "." : dir, &fs) == 0 {
            if fs.f_flag & UInt(ST_RDONLY) != 0 {
                return ("\(dir) is on a read-only file system; point XDG_STATE_HOME at a writable place", .cannotCreate)
            }
            if fs.f_bavail == 0 {
                return ("the disk holding \(dir) is full; free some space (nothing recorded was lost)", .temporary)
            }
        }
        let moveAside =
            "move it aside (mv '\(path)' '\(path).broken') and nudge starts a new record; "
            + "sqlite3 '\(path).broken' .recover may save what it holds"
        if let db = error as? DatabaseError {
            switch db.resultCode {
            case .SQLITE_NOTADB: return ("it is not an SQLite database; " + moveAside, .corrupt)
            case .SQLITE_CORRUPT: return ("it is damaged; " + moveAside, .corrupt)
            case .SQLITE_FULL: return ("the disk is full; free some space (nothing recorded was lost)", .temporary)
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return ("another program holds it locked; try again in a moment", .temporary)
            case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
                return (
                    "it cannot be written here (\(db.message ?? "read-only")); check its permissions", .cannotCreate
                )
            default: return (db.message ?? "\(db)", .corrupt)
            }
        }
        let ns = error as NSError
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return (String(cString: strerror(Int32(posix.code))), .cannotCreate)
        }
        return (ns.localizedDescription, .cannotCreate)
    }

    /// The schema, one migration per version; nothing recorded is ever dropped by one.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE seen (
                        commitment TEXT PRIMARY KEY,
                        first_seen INTEGER NOT NULL
                    );
                    CREATE TABLE added (
                        id TEXT PRIMARY KEY,
                        title TEXT NOT NULL,
                        person TEXT,
                        due INTEGER NOT NULL,
                        remind_before INTEGER,
                        created INTEGER NOT NULL,
                        removed INTEGER,
                        repair_of INTEGER REFERENCES occurrence(id)
                    );
                    CREATE TABLE occurrence (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        commitment TEXT NOT NULL,
                        due INTEGER NOT NULL,
                        created INTEGER NOT NULL,
                        outcome TEXT CHECK (outcome IN ('kept', 'skipped', 'missed')),
                        outcome_at INTEGER,
                        lateness INTEGER,
                        reason TEXT,
                        snoozed_until INTEGER,
                        first_delivered INTEGER,
                        handled INTEGER NOT NULL DEFAULT 0,
                        last_nudge_at INTEGER,
                        follow_ups_used INTEGER NOT NULL DEFAULT 0,
                        repair_of INTEGER REFERENCES occurrence(id)
                    );
                    CREATE INDEX occurrence_commitment ON occurrence(commitment, due);
                    CREATE UNIQUE INDEX one_pending ON occurrence(commitment) WHERE outcome IS NULL;
                    CREATE TABLE nudge (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        occurrence INTEGER NOT NULL REFERENCES occurrence(id),
                        kind TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        channel TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('planned', 'sent', 'failed', 'unknown')),
                        error TEXT,
                        planned_at INTEGER NOT NULL,
                        at INTEGER NOT NULL,
                        UNIQUE (occurrence, kind, sequence, channel)
                    );
                    CREATE TABLE amendment (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        occurrence INTEGER NOT NULL REFERENCES occurrence(id),
                        at INTEGER NOT NULL,
                        old_outcome TEXT,
                        old_outcome_at INTEGER,
                        new_outcome TEXT,
                        new_outcome_at INTEGER,
                        note TEXT,
                        undone INTEGER
                    );
                    CREATE TABLE pause (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        commitment TEXT,
                        since INTEGER NOT NULL,
                        until INTEGER NOT NULL,
                        resumed INTEGER
                    );
                    """)
        }
        m.registerMigration("v2") { db in
            // Retries of deliveries known to have failed, and the Message-ID that threads an
            // occurrence's mails.
            try db.execute(
                sql: """
                    ALTER TABLE nudge ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
                    ALTER TABLE nudge ADD COLUMN retry_at INTEGER;
                    ALTER TABLE nudge ADD COLUMN message_id TEXT;
                    """)
        }
        m.registerMigration("v3") { db in
            // What became of a desktop popup: the button pressed on it, and when and why it closed.
            try db.execute(
                sql: """
                    ALTER TABLE nudge ADD COLUMN action TEXT;
                    ALTER TABLE nudge ADD COLUMN action_at INTEGER;
                    ALTER TABLE nudge ADD COLUMN closed_at INTEGER;
                    ALTER TABLE nudge ADD COLUMN closed_reason INTEGER;
                    """)
        }
        m.registerMigration("v4") { db in
            // `seen` lists every commitment that has an occurrence ("done early" did not add one before).
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO seen (commitment, first_seen)
                    SELECT commitment, MIN(created) FROM occurrence GROUP BY commitment
                    """)
        }
        m.registerMigration("v5") { db in
            // When a delivery was handed to its channel: a row planned but never attempted (a crash in the
            // middle of a batch) is sent after the restart; one attempted and never settled is unknown.
            try db.execute(sql: "ALTER TABLE nudge ADD COLUMN attempted_at INTEGER")
        }
        m.registerMigration("v6") { db in
            // One row per occurrence shared through [sync]: its VTODO's ETag as last read or written here,
            // and the state this machine last wrote or adopted, so that a local answer not yet on the server
            // is known (the queue) and a change on the server is seen by its ETag.
            try db.execute(
                sql: """
                    CREATE TABLE sync_item (
                        uid TEXT PRIMARY KEY,
                        commitment TEXT NOT NULL,
                        due INTEGER NOT NULL,
                        etag TEXT,
                        written TEXT NOT NULL,
                        sequence INTEGER NOT NULL DEFAULT 0,
                        synced_at INTEGER NOT NULL
                    );
                    CREATE TABLE sync_round (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        at INTEGER NOT NULL,
                        ok INTEGER NOT NULL,
                        message TEXT
                    );
                    """)
        }
        m.registerMigration("v7") { db in
            // `nudge late`: how far the follow-ups and the miss moved (the sum of every SPAN said), when it was
            // last said, and when the person was told (nil: not told).
            for column in ["late_by INTEGER NOT NULL DEFAULT 0", "late_said_at INTEGER", "told_at INTEGER"] {
                try db.execute(sql: "ALTER TABLE occurrence ADD COLUMN \(column)")
            }
        }
        m.registerMigration("v8") { db in
            // `nudge renegotiate`: the outcome `renegotiated`, which SQLite lets a CHECK take only in a new
            // table (the rows are copied whole; GRDB checks the references once the table has its name
            // again), and the one-off that took the moved occurrence's place. `--tell`: each message sent
            // to a person.
            // AUTOINCREMENT never gives an id twice: the new table goes on from the highest id ever given.
            let given = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'occurrence'")
            // The table as it is (v1 and the columns added since), with the new outcome in its CHECK.
            let check = "CHECK (outcome IN ('kept', 'skipped', 'missed'))"
            guard
                let table = try String.fetchOne(
                    db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'occurrence'"),
                table.contains(check)
            else { throw StoreError.cannotOpen("occurrence", "the occurrence table is not as v7 left it", .corrupt) }
            try db.execute(
                sql: table.replacingOccurrences(of: "CREATE TABLE occurrence", with: "CREATE TABLE occurrence_v8")
                    .replacingOccurrences(
                        of: check, with: "CHECK (outcome IN ('kept', 'skipped', 'missed', 'renegotiated'))"))
            try db.execute(
                sql: """
                    INSERT INTO occurrence_v8 SELECT * FROM occurrence;
                    DROP TABLE occurrence;
                    ALTER TABLE occurrence_v8 RENAME TO occurrence;
                    CREATE INDEX occurrence_commitment ON occurrence(commitment, due);
                    CREATE UNIQUE INDEX one_pending ON occurrence(commitment) WHERE outcome IS NULL;
                    ALTER TABLE added ADD COLUMN moves INTEGER REFERENCES occurrence(id);
                    CREATE TABLE told (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        occurrence INTEGER NOT NULL REFERENCES occurrence(id),
                        person TEXT NOT NULL,
                        at INTEGER NOT NULL,
                        about TEXT NOT NULL,
                        message TEXT NOT NULL
                    );
                    """)
            if let given {
                try db.execute(
                    sql: "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'occurrence'", arguments: [given])
            }
        }
        return m
    }
}
