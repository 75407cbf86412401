import Foundation
import GRDB

extension Store {
    /// What the planner needs: first-seen times, pending occurrences and the last ended ones.
    public func planState() throws -> PlanState {
        try read { db in try Self.planState(db) }
    }

    /// One planner step in one write transaction: the state it plans from cannot change under it (an
    /// answer from the command line comes wholly before or wholly after). Returns the state, the
    /// effects, when to look again and the deliveries to send.
    public func step(
        now: Instant, channels: (CommitmentID) -> [String],
        _ plan: (PlanState) -> (effects: [Planner.Effect], next: Instant?)
    ) throws -> (state: PlanState, effects: [Planner.Effect], next: Instant?, deliveries: [Delivery]) {
        try queue.write { db in
            let state = try Self.planState(db)
            let (effects, next) = plan(state)
            let deliveries = try effects.flatMap { try Self.apply($0, db, now: now, channels: channels) }
            return (state, effects, next, deliveries)
        }
    }

    static func planState(_ db: Database) throws -> PlanState {
        var state = PlanState()
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT commitment, first_seen FROM seen")) {
            if let id = CommitmentID(row["commitment"]) {
                state.firstSeen[id] = Instant(microseconds: row["first_seen"])
            }
        }
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT \(Self.occurrenceColumns) FROM occurrence WHERE outcome IS NULL"))
        {
            if let o = Self.occurrence(row) { state.pending[o.commitment] = o }
        }
        // One index lookup per commitment (every commitment with an occurrence is in `seen`), not one
        // per occurrence ever recorded.
        let ended = """
            SELECT \(Self.occurrenceColumns("o.")) FROM seen c JOIN occurrence o ON o.id = (
                SELECT id FROM occurrence WHERE commitment = c.commitment AND outcome IS NOT NULL
                ORDER BY due DESC, id DESC LIMIT 1)
            """
        for row in try Row.fetchAll(db.cachedStatement(sql: ended)) {
            if let o = Self.occurrence(row) { state.lastEnded[o.commitment] = o }
        }
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT commitment, since, until, resumed FROM pause")) {
            let until: Int64 = row["until"]
            let end = min(until, (row["resumed"] as Int64?) ?? until)
            state.pauses.append(
                PlanState.Pause(
                    commitment: (row["commitment"] as String?).flatMap(CommitmentID.init),
                    since: Instant(microseconds: row["since"]), end: Instant(microseconds: end)))
        }
        return state
    }

    /// Records an effect; for sends and digests, records every (nudge, channel) as planned first and
    /// returns them to be sent: the ledger makes each one go out at most once.
    public func apply(_ effect: Planner.Effect, now: Instant, channels: (CommitmentID) -> [String]) throws -> [Delivery]
    {
        try apply([effect], now: now, channels: channels)
    }

    /// Records the effects of one planner step in one transaction (one sync to disk, not one per effect).
    public func apply(_ effects: [Planner.Effect], now: Instant, channels: (CommitmentID) -> [String]) throws
        -> [Delivery]
    {
        try queue.write { db in
            try effects.flatMap { try Self.apply($0, db, now: now, channels: channels) }
        }
    }

    static func apply(_ effect: Planner.Effect, _ db: Database, now: Instant, channels: (CommitmentID) -> [String])
        throws -> [Delivery]
    {
        switch effect {
        case .firstSeen(let id, let at):
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO seen (commitment, first_seen) VALUES (?, ?)").execute(
                arguments: [id.rawValue, at.microseconds])
            return []
        case .start(let id, let due, let since):
            try db.cachedStatement(sql: "INSERT INTO occurrence (commitment, due, created) VALUES (?, ?, ?)").execute(
                arguments: [id.rawValue, due.microseconds, min(since, now).microseconds])
            return []
        case .end(let occ, let outcome, let at, let reason):
            try db.cachedStatement(
                sql: "UPDATE occurrence SET outcome = ?, outcome_at = ?, reason = ? WHERE id = ? AND outcome IS NULL"
            ).execute(arguments: [outcome.rawValue, at.microseconds, reason, occ])
            return []
        case .drop(let n):
            try Self.handle(db, n)
            return []
        case .away(let id, let fallen, let outcome):
            for f in fallen {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO occurrence (commitment, due, created, outcome, outcome_at, reason)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [
                    id.rawValue, f.due.microseconds, now.microseconds, outcome.rawValue, f.ended.microseconds,
                    f.reason ?? (outcome == .skipped ? "away" : nil),
                ])
            }
            return []
        case .send(let n):
            return try Self.plan(db, [n], now: now, channels: channels)
        case .digest(let items):
            return try Self.plan(db, items, now: now, channels: channels)
        }
    }

    /// Records how deliveries went, all in one transaction; the first delivery of an occurrence marks
    /// when the person was first told.
    public func settle(_ settlements: [Settlement]) throws {
        guard !settlements.isEmpty else { return }
        try queue.write { db in
            for s in settlements {
                switch s.result {
                case .delivered(let state, let error):
                    try db.cachedStatement(sql: "UPDATE nudge SET state = ?, error = ?, at = ? WHERE id = ?").execute(
                        arguments: [state.rawValue, error, s.at.microseconds, s.delivery.row])
                    try db.cachedStatement(
                        sql: "UPDATE occurrence SET first_delivered = ? WHERE id = ? AND first_delivered IS NULL"
                    ).execute(arguments: [s.at.microseconds, s.delivery.nudge.occurrence])
                case .failed(let reason, let retry):
                    let attempts =
                        try Int.fetchOne(
                            db.cachedStatement(sql: "SELECT attempts FROM nudge WHERE id = ?"),
                            arguments: [s.delivery.row]) ?? 1
                    let next: Int64? =
                        retry && attempts <= Self.retryDelays.count
                        ? s.at.microseconds + Self.retryDelays[attempts - 1].microseconds : nil
                    try db.cachedStatement(
                        sql: "UPDATE nudge SET state = '\(Ledger.failed)', error = ?, at = ?, retry_at = ? WHERE id = ?"
                    ).execute(arguments: [reason, s.at.microseconds, next, s.delivery.row])
                }
            }
        }
    }

    /// Ledger rows a killed run handed to their channel but never settled: their fate is unknown, so they
    /// are marked so and never sent again, and they count as telling the person (the miss clock starts at
    /// the attempt). Rows never handed over are left planned, for `unsent` to send.
    @discardableResult
    public func settleInterrupted() throws -> Int {
        try queue.write { db in
            try db.cachedStatement(
                sql: """
                    UPDATE occurrence SET first_delivered = (
                        SELECT MIN(n.attempted_at) FROM nudge n
                        WHERE n.occurrence = occurrence.id AND n.state = '\(Ledger.planned)' AND n.attempted_at IS NOT NULL)
                    WHERE first_delivered IS NULL AND EXISTS (
                        SELECT 1 FROM nudge n
                        WHERE n.occurrence = occurrence.id AND n.state = '\(Ledger.planned)' AND n.attempted_at IS NOT NULL)
                    """
            ).execute()
            try db.cachedStatement(
                sql: """
                    UPDATE nudge SET state = '\(Ledger.unknown)', at = attempted_at, error = 'interrupted while sending'
                    WHERE state = '\(Ledger.planned)' AND attempted_at IS NOT NULL
                    """
            ).execute()
            return db.changesCount
        }
    }

    /// Records that a delivery is being handed to its channel, just before it is: from here a crash
    /// leaves its fate unknown instead of unsent.
    public func attempt(_ delivery: Delivery, at now: Instant) throws {
        try queue.write { db in
            try db.cachedStatement(sql: "UPDATE nudge SET attempted_at = ? WHERE id = ?").execute(arguments: [
                now.microseconds, delivery.row,
            ])
        }
    }

    /// Deliveries recorded but never handed to their channel (a run killed in the middle of a batch):
    /// still to send while their occurrence awaits an answer; those of an occurrence answered meanwhile
    /// are marked failed, never to go out.
    public func unsent() throws -> [Delivery] {
        try queue.write { db in
            try db.cachedStatement(
                sql: """
                    UPDATE nudge SET state = '\(Ledger.failed)', error = 'not sent: answered before it went out'
                    WHERE state = '\(Ledger.planned)' AND attempted_at IS NULL AND occurrence IN (
                        SELECT id FROM occurrence WHERE outcome IS NOT NULL AND NOT (
                            outcome = 'missed' AND nudge.kind = 'repair'))
                    """
            ).execute()
            return try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT id, occurrence, kind, sequence, channel, planned_at FROM nudge
                        WHERE state = '\(Ledger.planned)' AND attempted_at IS NULL ORDER BY id
                        """)
            ).compactMap { row in
                guard let kind = NudgeKind(rawValue: row["kind"]) else { return nil }
                let n = PlannedNudge(
                    occurrence: row["occurrence"], kind: kind, sequence: row["sequence"],
                    at: Instant(microseconds: row["planned_at"]), usesFollowUp: false)
                return Delivery(row: row["id"], nudge: n, channel: row["channel"])
            }
        }
    }

    static func plan(_ db: Database, _ nudges: [PlannedNudge], now: Instant, channels: (CommitmentID) -> [String])
        throws
        -> [Delivery]
    {
        var out: [Delivery] = []
        for n in nudges {
            guard
                let commitment = try String.fetchOne(
                    db.cachedStatement(
                        sql:
                            "SELECT commitment FROM occurrence WHERE id = ? AND (outcome IS NULL OR (? = 'repair' AND outcome = 'missed'))"
                    ), arguments: [n.occurrence, n.kind.rawValue]),
                let id = CommitmentID(commitment)
            else { continue }
            try handle(db, n)
            for channel in channels(id) {
                try db.cachedStatement(
                    sql: """
                        INSERT OR IGNORE INTO nudge (occurrence, kind, sequence, channel, state, planned_at, at)
                        VALUES (?, ?, ?, ?, '\(Ledger.planned)', ?, ?)
                        """
                ).execute(arguments: [
                    n.occurrence, n.kind.rawValue, n.sequence, channel, n.at.microseconds, now.microseconds,
                ])
                if db.changesCount == 1 {
                    out.append(Delivery(row: db.lastInsertedRowID, nudge: n, channel: channel))
                }
            }
        }
        return out
    }

    static func handle(_ db: Database, _ n: PlannedNudge) throws {
        try db.cachedStatement(
            sql: """
                UPDATE occurrence SET handled = ?, last_nudge_at = ?, follow_ups_used = follow_ups_used + ?
                WHERE id = ? AND handled <= ?
                """
        ).execute(arguments: [n.sequence + 1, n.at.microseconds, n.usesFollowUp ? 1 : 0, n.occurrence, n.sequence])
    }

    /// The columns `occurrence(_:)` reads, in its order (positions are much faster than names over a
    /// history of years).
    static func occurrenceColumns(_ prefix: String) -> String {
        [
            "id", "commitment", "due", "created", "outcome", "outcome_at", "snoozed_until", "first_delivered",
            "handled", "last_nudge_at", "follow_ups_used", "late_by",
        ].map { prefix + $0 }.joined(separator: ", ")
    }

    static let occurrenceColumns = occurrenceColumns("")

    /// An occurrence from a row of `occurrenceColumns`.
    static func occurrence(_ row: Row) -> Occurrence? {
        guard let id = CommitmentID(row[1]) else { return nil }
        var o = Occurrence(
            id: row[0], commitment: id, due: Instant(microseconds: row[2]), created: Instant(microseconds: row[3]))
        o.outcome = (row[4] as String?).flatMap(Outcome.init(rawValue:))
        o.outcomeAt = (row[5] as Int64?).map(Instant.init(microseconds:))
        o.snoozedUntil = (row[6] as Int64?).map(Instant.init(microseconds:))
        o.firstDelivered = (row[7] as Int64?).map(Instant.init(microseconds:))
        o.handled = row[8]
        o.lastNudgeAt = (row[9] as Int64?).map(Instant.init(microseconds:))
        o.followUpsUsed = row[10]
        o.lateBy = Span(microseconds: row[11])
        return o
    }

}

extension Store {
    /// The waits before the retries of a delivery known to have failed: 30 s, 2 min, 10 min.
    public static let retryDelays: [Span] = [.seconds(30), .minutes(2), .minutes(10)]

    /// Failed deliveries whose retry is due, now marked planned again (and attempted just before they go).
    public func retriesDue(now: Instant) throws -> [Delivery] {
        try queue.write { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT n.id, n.occurrence, n.kind, n.sequence, n.channel, n.planned_at FROM nudge n
                        JOIN occurrence o ON o.id = n.occurrence
                        WHERE n.state = '\(Ledger.failed)' AND n.retry_at IS NOT NULL AND n.retry_at <= ?
                            AND (o.outcome IS NULL OR n.kind = 'repair')
                        """), arguments: [now.microseconds])
            var out: [Delivery] = []
            for row in rows {
                guard let kind = NudgeKind(rawValue: row["kind"]) else { continue }
                try db.cachedStatement(
                    sql: """
                        UPDATE nudge SET state = '\(Ledger.planned)', attempts = attempts + 1, retry_at = NULL, attempted_at = NULL
                        WHERE id = ?
                        """
                ).execute(arguments: [row["id"] as Int64])
                let n = PlannedNudge(
                    occurrence: row["occurrence"], kind: kind, sequence: row["sequence"],
                    at: Instant(microseconds: row["planned_at"]), usesFollowUp: false)
                out.append(Delivery(row: row["id"], nudge: n, channel: row["channel"]))
            }
            return out
        }
    }

    /// The earliest pending retry, for the daemon's timer.
    public func nextRetry() throws -> Instant? {
        try read { db in
            try Int64.fetchOne(
                db.cachedStatement(
                    sql: "SELECT MIN(retry_at) FROM nudge WHERE state = '\(Ledger.failed)' AND retry_at IS NOT NULL")
            ).map(Instant.init(microseconds:))
        }
    }

    /// Remembers the Message-ID a delivery was sent with.
    public func setMessageID(_ delivery: Delivery, _ id: String) throws {
        try queue.write { db in
            try db.cachedStatement(sql: "UPDATE nudge SET message_id = ? WHERE id = ?").execute(arguments: [
                id, delivery.row,
            ])
        }
    }

    /// The Message-ID of the first mail sent for an occurrence through a channel: what follow-ups thread under.
    public func threadRoot(occurrence: Int64, channel: String) throws -> String? {
        try messageID(occurrence: occurrence, channel: channel, latest: false)
    }
}

extension Store {
    /// The last id recorded for an occurrence through a channel (a desktop notification id to replace).
    public func lastMessageID(occurrence: Int64, channel: String) throws -> String? {
        try messageID(occurrence: occurrence, channel: channel, latest: true)
    }

    /// The first (or latest) id recorded for an occurrence through a channel.
    private func messageID(occurrence: Int64, channel: String, latest: Bool) throws -> String? {
        try read { db in
            try String.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT message_id FROM nudge WHERE occurrence = ? AND channel = ? AND message_id IS NOT NULL
                        ORDER BY id \(latest ? "DESC" : "ASC") LIMIT 1
                        """), arguments: [occurrence, channel])
        }
    }
}

extension Store {
    /// Records the button pressed on a delivery's popup.
    public func recordAction(row: Int64, _ action: String, at: Instant) throws {
        try queue.write { db in
            try db.cachedStatement(sql: "UPDATE nudge SET action = ?, action_at = ? WHERE id = ?").execute(arguments: [
                action, at.microseconds, row,
            ])
        }
    }

    /// Records that a delivery's popup closed, and why (the server's reason code).
    public func recordClosed(row: Int64, reason: UInt32, at: Instant) throws {
        try queue.write { db in
            try db.cachedStatement(
                sql: "UPDATE nudge SET closed_at = ?, closed_reason = ? WHERE id = ? AND closed_at IS NULL"
            ).execute(arguments: [at.microseconds, Int64(reason), row])
        }
    }
}

extension Store: MessageLedger {}
