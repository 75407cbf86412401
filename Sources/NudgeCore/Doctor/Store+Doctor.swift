import Foundation
import GRDB

/// The most recent nudge that went out (or tried to), with how it went on each of its channels, as
/// `nudge doctor` shows it.
public struct LastNudge: Sendable, Equatable {
    /// How the nudge went on one channel.
    public struct Attempt: Sendable, Equatable {
        public var channel: String
        public var state: DeliveryState
        /// Why it failed, or the note of a fallback that took it.
        public var error: String?
    }

    /// When it was sent or given up on (the latest of its channels).
    public var at: Instant
    public var commitment: CommitmentID
    public var kind: NudgeKind
    /// One per channel, by channel name.
    public var attempts: [Attempt]
}

extension Store {
    /// The first 16 bytes of every SQLite 3 database file.
    public static let fileHeader = Array("SQLite format 3\0".utf8)

    /// `PRAGMA integrity_check`: `["ok"]` when the file is sound, else SQLite's problems (at most 10).
    public func integrityCheck() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check(10)") }
    }

    /// Takes the write lock and lets it go without changing anything; throws when the file cannot be
    /// written (read-only file or file system, or another process holding the lock past the busy timeout).
    public func probeWrite() throws {
        try queue.inTransaction(.immediate) { _ in .rollback }
    }

    /// The nudge sent (or failed) last, with every channel it went to; nil when none went out yet.
    public func lastNudge() throws -> LastNudge? {
        try read { db in
            let latest = """
                SELECT n.occurrence, n.kind, n.sequence, o.commitment FROM nudge n
                JOIN occurrence o ON o.id = n.occurrence
                WHERE n.state != '\(Ledger.planned)' ORDER BY n.at DESC, n.id DESC LIMIT 1
                """
            guard let last = try Row.fetchOne(db, sql: latest) else { return nil }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT channel, state, error, at FROM nudge
                    WHERE occurrence = ? AND kind = ? AND sequence = ? AND state != '\(Ledger.planned)' ORDER BY channel
                    """,
                arguments: [last["occurrence"] as Int64, last["kind"] as String, last["sequence"] as Int64])
            let at = rows.map { $0["at"] as Int64 }.max() ?? 0
            return LastNudge(
                at: Instant(microseconds: at), commitment: CommitmentID(made: last["commitment"]),
                kind: NudgeKind(rawValue: last["kind"]) ?? .due,
                attempts: rows.map {
                    LastNudge.Attempt(
                        channel: $0["channel"], state: DeliveryState(rawValue: $0["state"]) ?? .unknown,
                        error: $0["error"])
                })
        }
    }
}
