import Foundation
import GRDB
import GRDBSQLite
import Testing

@testable import NudgeCore

@Suite(.pinnedZones)
struct StoreTests {
    func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent(
            "nudge-store-\(UUID().uuidString)/state/nudge.sqlite"
        ).path
    }

    @Test func theRecordIsPrivateAndInWALMode() throws {
        let path = tempPath()
        let store = try Store(path: path)
        let fileMode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        let dirMode =
            try FileManager.default.attributesOfItem(atPath: (path as NSString).deletingLastPathComponent)[
                .posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(dirMode == 0o700)
        let mode = try store.queue.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    /// Reading keeps the connection's prepared statements: GRDB's `read` toggles `PRAGMA query_only`,
    /// which makes SQLite expire them all, and every tick then parsed and authorized its queries again.
    @Test func readsKeepThePreparedStatements() throws {
        let store = try Store(path: tempPath())
        _ = try store.planState()
        _ = try store.pending()
        _ = try store.planState()
        let reprepared = try store.queue.writeWithoutTransaction { db in
            let statement = try db.cachedStatement(sql: "SELECT commitment, first_seen FROM seen")
            return sqlite3_stmt_status(statement.sqliteStatement, SQLITE_STMTSTATUS_REPREPARE, 0)
        }
        #expect(reprepared == 0)
    }

    @Test func aRecordFromANewerSchemaIsRefusedUntouched() throws {
        let path = tempPath()
        _ = try Store(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')") }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: StoreError.newerSchema(path)) { try Store(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func theRenegotiationMigrationKeepsEveryRecordedRow() throws {
        let path = tempPath()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // A record as the last nudge before `renegotiated` left it: answers, deliveries, an amendment, a
        // make-up, and a deleted last row, so the next id must not be reused.
        let old = try DatabaseQueue(path: path)
        try Store.migrator.migrate(old, upTo: "v7")
        try old.write { db in
            try db.execute(
                sql: """
                    INSERT INTO occurrence (id, commitment, due, created, outcome, outcome_at, lateness, late_by, told_at)
                    VALUES (1, 'call-mom', 100, 90, 'kept', 130, 30, 600, 95),
                           (2, 'call-mom', 200, 190, 'missed', 260, NULL, 0, NULL),
                           (3, 'call-mom', 300, 290, NULL, NULL, NULL, 0, NULL),
                           (4, 'gone', 400, 390, NULL, NULL, NULL, 0, NULL);
                    DELETE FROM occurrence WHERE id = 4;
                    INSERT INTO nudge (occurrence, kind, sequence, channel, state, planned_at, at)
                    VALUES (1, 'due', 0, 'desktop', 'sent', 100, 100);
                    INSERT INTO amendment (occurrence, at, new_outcome, new_outcome_at, note)
                    VALUES (1, 130, 'kept', 130, 'answer');
                    INSERT INTO added (id, title, due, created, repair_of) VALUES ('call-mom-make-up', 'x', 500, 270, 2);
                    """)
        }
        let dump = "SELECT * FROM occurrence ORDER BY id"
        let before = try old.read { db in try Row.fetchAll(db, sql: dump).map(\.description) }
        try old.close()

        let store = try Store(path: path)
        try store.queue.read { (db: Database) throws in
            #expect(try Row.fetchAll(db, sql: dump).map(\.description) == before)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM nudge") == 1)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM amendment") == 1)
            #expect(try String.fetchOne(db, sql: "SELECT repair_of FROM added") == "2")
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            let indexes = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE tbl_name = 'occurrence' AND type = 'index'")
            #expect(Set(indexes).isSuperset(of: ["occurrence_commitment", "one_pending"]))
        }
        // The new outcome is taken; the pending one stays unique; ids go on after the deleted one.
        #expect(
            try store.renegotiate(
                3, to: Instant(microseconds: 350), id: CommitmentID(made: "call-mom-moved"),
                title: "Call Mom", with: nil, remindBefore: nil, now: Instant(microseconds: 295)))
        let id = try #require(CommitmentID("again"))
        _ = try store.apply(
            .start(id, due: Instant(microseconds: 600), since: Instant(microseconds: 590)),
            now: Instant(microseconds: 590)
        ) { _ in [] }
        try store.queue.read { (db: Database) throws in
            #expect(try String.fetchOne(db, sql: "SELECT outcome FROM occurrence WHERE id = 3") == "renegotiated")
            #expect(try Int64.fetchOne(db, sql: "SELECT id FROM occurrence WHERE commitment = 'again'") == 5)
        }
        #expect(
            try store.linked() == [
                CommitmentID(made: "call-mom-make-up"): CommitmentID(made: "call-mom"),
                CommitmentID(made: "call-mom-moved"): CommitmentID(made: "call-mom"),
            ])
    }

    @Test func aNudgeIsRecordedBeforeItIsSentAndNeverTwice() throws {
        let store = try Store(path: tempPath())
        let id = try #require(CommitmentID("call-mom"))
        let now = Instant(seconds: 1_800_000_000)
        _ = try store.apply(.firstSeen(id, at: now), now: now) { _ in [] }
        _ = try store.apply(.start(id, due: now, since: now), now: now) { _ in [] }
        let occ = try #require(try store.pending().first)
        let nudge = PlannedNudge(occurrence: occ.id, kind: .due, sequence: 0, at: now, usesFollowUp: false)
        let first = try store.apply(.send(nudge), now: now) { _ in ["desktop", "mail"] }
        #expect(first.map(\.channel) == ["desktop", "mail"])
        // Killed while the desktop one was being sent, before the mail was handed over: the next run
        // settles the desktop one as unknown (never sent again, but the person counts as told) and
        // sends the mail, which never went out.
        try store.attempt(first[0], at: now + Span.seconds(1))
        #expect(try store.settleInterrupted() == 1)
        #expect(try store.unsent().map(\.channel) == ["mail"])
        #expect(try store.pending().first?.firstDelivered == now + Span.seconds(1))
        #expect(try store.apply(.send(nudge), now: now) { _ in ["desktop", "mail"] }.isEmpty)
        #expect(try store.pending().first?.handled == 1)
    }

    @Test func anUnsentNudgeOfAnAnsweredOccurrenceNeverGoesOut() throws {
        let store = try Store(path: tempPath())
        let id = try #require(CommitmentID("call-mom"))
        let now = Instant(seconds: 1_800_000_000)
        _ = try store.apply([.firstSeen(id, at: now), .start(id, due: now, since: now)], now: now) { _ in [] }
        let occ = try #require(try store.pending().first)
        let nudge = PlannedNudge(occurrence: occ.id, kind: .due, sequence: 0, at: now, usesFollowUp: false)
        #expect(try store.apply(.send(nudge), now: now) { _ in ["mail"] }.count == 1)
        try store.answer(occ.id, .kept, at: now + Span.minutes(1))
        #expect(try store.unsent().isEmpty)
    }

    @Test func doneEarlyOnAPromiseNeverPlannedIsNotStartedAgain() throws {
        // A commitment the planner has not seen yet, answered "done" the evening before it is due.
        let config = try #require(
            try ConfigLoaderTests.load(
                """
                [settings]
                timezone = "UTC"
                channels = ["console"]

                [[commitment]]
                id = "gym"
                title = "Gym"
                when = "Mon 07:00"
                """
            ).config)
        let store = try Store(path: tempPath())
        let sunday = Instant(seconds: 1_795_632_000)  // Sun 2026-11-29 16:00 UTC
        let monday = sunday + Span.hours(15).microseconds  // 07:00
        let gym = try #require(CommitmentID("gym"))
        let occ = try store.startEarly(gym, due: monday, now: sunday)
        try store.answer(occ, .kept, at: sunday, now: sunday)
        let runner = Runner(
            config: config, store: store, router: ChannelRouter(config: config) { _, _, _ in .sent })
        try runner.run(now: monday)
        try runner.run(now: monday + Span.hours(1).microseconds)
        let dues = try store.queue.read { db in try Int64.fetchAll(db, sql: "SELECT due FROM occurrence") }
        #expect(dues == [monday.microseconds])
        #expect(try store.planState().lastEnded[gym]?.id == occ)
    }

    @Test func twoWritersAtOnceLoseNothing() throws {
        let path = tempPath()
        let a = try Store(path: path)
        let b = try Store(path: path)
        let ids = (0..<40).compactMap { CommitmentID("c\($0)") }
        let now = Instant(seconds: 1_800_000_000)
        DispatchQueue.concurrentPerform(iterations: 2) { side in
            let store = side == 0 ? a : b
            for (i, id) in ids.enumerated() where i % 2 == side {
                _ = try? store.apply(.start(id, due: now, since: now), now: now) { _ in [] }
            }
        }
        #expect(try a.pending().count == 40)
        let answered = try a.pending().prefix(20)
        DispatchQueue.concurrentPerform(iterations: 2) { side in
            for (i, o) in answered.enumerated() where i % 2 == side {
                _ = try? (side == 0 ? a : b).answer(o.id, .kept, at: now + 60_000_000)
            }
        }
        #expect(try b.pending().count == 20)
        #expect(try a.history().count == 20)
        #expect(try a.lateness(answered[answered.startIndex].id) == .minutes(1))
    }

    @Test func aVersionOneRecordOpensWithEverythingKept() throws {
        let fixture = ConfigLoaderTests.fixtures.appendingPathComponent("store-v1.sqlite")
        let path = tempPath()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture.path, toPath: path)
        let store = try Store(path: path)
        let plants = try #require(CommitmentID("plants"))
        let state = try store.planState()
        #expect(state.firstSeen[plants] != nil)
        #expect(state.pending[plants]?.handled == 1)
        #expect(state.lastEnded[plants]?.outcome == .kept)
        #expect(try store.history().count == 1)
        #expect(try store.latenesses().values.first.map { $0 >= .minutes(20) } == true)
    }
}
