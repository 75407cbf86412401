import Foundation
import GRDB
import Testing

@testable import NudgeCore

/// The life of an occurrence where people live every day (DESIGN.md §4): adds beside a running
/// daemon, reloads, double answers, quiet hours, downtime.
@Suite(.pinnedZones)
struct LifecycleTests {
    static let meds = """
        [settings]
        timezone = "Europe/Berlin"
        channels = ["console"]

        [[commitment]]
        id = "meds"
        title = "Take the pills"
        when = "*-*-* 08:00"
        follow_up = "15m"
        follow_ups = 2
        grace = "2h"
        """

    /// What `nudge add` records.
    func add(_ life: Life, _ id: String, at due: String, remind: Span? = nil) throws {
        try life.store.add(
            id: try #require(CommitmentID(id)), title: "Call Sam back", with: nil, due: try life.t(due),
            remindBefore: remind, now: life.now)
    }

    /// Runs `body` after each commit of the connection it observes: a daemon that plans the moment the
    /// command line's first write lands.
    final class PlansAfterCommit: TransactionObserver, @unchecked Sendable {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) { body() }
        func databaseDidRollback(_ db: Database) {}
    }

    /// An answer that starts its occurrence (here during a pause) starts and gives it in one transaction:
    /// the daemon, woken by a start on its own, ended it "paused" before the answer could land.
    @Test func anAnswerThatStartsItsOccurrenceLandsThoughTheDaemonPlansInBetween() throws {
        let life = try Life(Self.meds, start: "2026-12-01 07:00")
        try life.run()
        _ = try life.answers.pause(nil, until: try life.t("2026-12-01 09:00"))
        life.now = try life.t("2026-12-01 08:10")
        try life.run()
        let daemon = PlansAfterCommit { _ = try? life.run() }
        try life.cli.queue.write { db in db.add(transactionObserver: daemon, extent: .observerLifetime) }
        let kept = try life.answers.done("meds")
        #expect(kept.due == (try life.t("2026-12-01 08:00")))
        #expect(try life.outcomes("meds") == ["12-01 08:00 kept"])
    }

    @Test func aPromiseAddedBesideARunningDaemonIsNudged() throws {
        let life = try Life(Self.meds, start: "2026-12-01 10:00")
        try life.run()
        try add(life, "call-sam", at: "2026-12-01 10:20")
        // The daemon wakes for the record's change and plans again.
        try life.run()
        try life.liveAsDaemon(until: try life.t("2026-12-01 10:21"))
        #expect(life.nudges("call-sam") == ["due@12-01 10:20"])
        #expect(try life.outcomes("call-sam") == ["12-01 10:20 pending"])
    }

    @Test func aReloadLeavesAddedPromisesAlone() throws {
        let life = try Life(Self.meds, start: "2026-12-01 10:00")
        try life.run()
        try add(life, "call-sam", at: "2026-12-01 11:00", remind: .minutes(30))
        try life.run(at: "2026-12-01 10:30")
        #expect(life.nudges("call-sam") == ["reminder@12-01 10:30"])
        // A reload reads the config file again: it holds no added promise.
        life.config = try #require(try ConfigLoaderTests.load(Self.meds).config)
        try life.run(at: "2026-12-01 10:31")
        try life.liveAsDaemon(until: try life.t("2026-12-01 11:01"))
        #expect(life.nudges("call-sam") == ["reminder@12-01 10:30", "due@12-01 11:00"])
        #expect(try life.reasons("call-sam") == [nil])
    }

    @Test func aPromiseAddedBeforeDowntimeIsNudgedAfterIt() throws {
        let life = try Life(Self.meds, start: "2026-12-01 10:00")
        try add(life, "call-sam", at: "2026-12-01 10:20")
        // No run until long after its time (suspended laptop).
        try life.run(at: "2026-12-01 12:00")
        #expect(life.nudges("call-sam") == ["digest@12-01 12:00"])
        #expect(try life.outcomes("call-sam") == ["12-01 10:20 pending"])
    }

    @Test func runningLateMovesTheFollowUpsAndTheMissAndAddsUp() throws {
        let life = try Life(Self.meds, start: "2026-12-01 07:00")
        try life.liveAsDaemon(until: try life.t("2026-12-01 08:05"))
        // Said twice: the moves add up.
        let late = try life.answers.late("meds", span: "10m", told: false)
        #expect(late.answered.commitment.rawValue == "meds" && late.total == .minutes(10))
        #expect(try life.answers.late("meds", span: "10m", told: true).total == .minutes(20))
        try life.liveAsDaemon(until: try life.t("2026-12-01 10:10"))
        // Follow-ups at 08:35 and 08:50 instead of 08:15 and 08:30; no miss at 10:00 (grace 2h + 20m).
        #expect(life.nudges("meds") == ["due@12-01 08:00", "follow-up@12-01 08:35", "follow-up@12-01 08:50"])
        #expect(try life.outcomes("meds") == ["12-01 08:00 pending"])
        try life.liveAsDaemon(until: try life.t("2026-12-01 10:21"))
        #expect(try life.outcomes("meds") == ["12-01 08:00 missed"])
        // History says it, with the whole move and whether they were told.
        let history = try HistoryListing(store: life.store, config: life.config, ids: nil, since: nil)
        #expect(history.text.contains("said late by 20min, told them"), "\(history.text)")
        #expect(history.csv.contains(",1200,"), "\(history.csv)")
        // The record keeps the whole move, and when the person was told.
        let told = try life.store.queue.read { db in
            try Row.fetchOne(db, sql: "SELECT late_by, late_said_at, told_at FROM occurrence")
        }
        #expect(told?["late_by"] == Span.minutes(20).microseconds)
        #expect(told?["told_at"] == (try life.t("2026-12-01 08:05")).microseconds)
        // A bare number is refused with the units it may have meant.
        #expect(throws: AnswerError("\"10\" has no unit: 10m? 10s?", .badInput)) {
            try life.answers.late("meds", span: "10", told: false)
        }
        // Nothing pending: nothing to be late for.
        #expect(throws: AnswerError.self) { try life.answers.late("meds", span: "5m", told: false) }
    }

    @Test func thePopupsRunningLateMovesByFifteenMinutesTellingNobody() throws {
        let life = try Life(Self.meds, start: "2026-12-01 07:00")
        try life.liveAsDaemon(until: try life.t("2026-12-01 08:05"))
        let pending = try #require(try life.store.pending().first)
        #expect(try life.answers.popup(pending.id, action: "late", snooze: .minutes(10)))
        try life.liveAsDaemon(until: try life.t("2026-12-01 09:00"))
        #expect(life.nudges("meds") == ["due@12-01 08:00", "follow-up@12-01 08:30", "follow-up@12-01 08:45"])
        let told = try life.store.queue.read { db in try Int64?.fetchOne(db, sql: "SELECT told_at FROM occurrence") }
        #expect(told == .some(nil))
    }

    @Test func aSecondDoneDoesNotKeepTomorrowsOccurrence() throws {
        let life = try Life(Self.meds, start: "2026-12-01 07:00")
        try life.liveAsDaemon(until: try life.t("2026-12-01 08:05"))
        #expect(try life.answers.done("meds").lateness == .minutes(5))
        life.now = try life.t("2026-12-01 08:10")
        #expect(
            throws: AnswerError(
                "meds was already kept at 08:05; `nudge done meds --next` answers the one due tomorrow 08:00")
        ) {
            try life.answers.done("meds")
        }
        #expect(try life.outcomes("meds") == ["12-01 08:00 kept"])
        try life.liveAsDaemon(until: try life.t("2026-12-02 08:01"))
        #expect(life.nudges("meds") == ["due@12-01 08:00", "due@12-02 08:00"])
    }

    @Test func doneNextAnswersTheNextOneEarly() throws {
        let life = try Life(Self.meds, start: "2026-12-01 07:00")
        try life.liveAsDaemon(until: try life.t("2026-12-01 08:05"))
        _ = try life.answers.done("meds")
        life.now = try life.t("2026-12-01 20:00")
        let early = try life.answers.done("meds", next: true)
        #expect(life.show(early.due) == "12-02 08:00")
        try life.liveAsDaemon(until: try life.t("2026-12-02 09:00"))
        #expect(life.nudges("meds") == ["due@12-01 08:00"])
    }

    @Test func afterUndoDoneAtLandsOnTheOccurrenceOfThatTime() throws {
        let life = try Life(Self.meds, start: "2026-12-01 07:00")
        try life.liveAsDaemon(until: try life.t("2026-12-01 08:05"))
        _ = try life.answers.done("meds")
        life.now = try life.t("2026-12-01 08:06")
        #expect(try life.store.undo(since: life.now - Span.hours(24), commitments: nil, now: life.now) != nil)
        let kept = try life.answers.done("meds", at: try life.t("2026-12-01 07:01"))
        #expect(life.show(kept.due) == "12-01 08:00")
        #expect(kept.lateness == .minutes(-59))
        #expect(try life.outcomes("meds") == ["12-01 08:00 kept"])
    }

    @Test func doneAtOutsideEveryWindowIsRefused() throws {
        let life = try Life(Self.meds, start: "2026-11-20 07:00")
        try life.liveAsDaemon(until: try life.t("2026-11-26 08:05"))
        let error = #expect(throws: AnswerError.self) {
            try life.answers.done("meds", at: try life.t("2026-11-19 21:00"))
        }
        #expect(error?.kind == .badInput)
        // Five days back lands on that day's occurrence, a miss turned kept (on time), not on today's.
        let kept = try life.answers.done("meds", at: try life.t("2026-11-21 08:10"))
        #expect(life.show(kept.due) == "11-21 08:00")
        #expect(kept.amendedMiss != nil)
    }

    @Test func aDoneAtOfAnAnsweredOccurrenceSaysSoAndChangesNothing() throws {
        let life = try Life(Self.meds, start: "2026-12-01 07:00")
        try life.liveAsDaemon(until: try life.t("2026-12-01 08:05"))
        _ = try life.answers.done("meds")
        life.now = try life.t("2026-12-01 08:10")
        #expect(throws: AnswerError.self) { try life.answers.done("meds", at: try life.t("2026-12-01 07:01")) }
        #expect(try life.outcomes("meds") == ["12-01 08:00 kept"])
    }

    @Test func aCheckInAnsweredAfterItsTimeComesBackEveryThreeDays() throws {
        let life = try Life(
            """
            [settings]
            timezone = "Europe/Berlin"
            channels = ["console"]

            [[commitment]]
            id = "checkin"
            title = "Check in with Sam"
            every = "3d"
            at = "21:00"
            """, start: "2026-12-01 20:00")
        try life.liveAsDaemon(until: try life.t("2026-12-01 21:05"))
        _ = try life.answers.done("checkin")
        try life.liveAsDaemon(until: try life.t("2026-12-04 21:20"))
        _ = try life.answers.done("checkin")
        try life.liveAsDaemon(until: try life.t("2026-12-07 21:01"))
        #expect(try life.outcomes("checkin") == ["12-01 21:00 kept", "12-04 21:00 kept", "12-07 21:00 pending"])
    }

    static let quietMorning = """
        [settings]
        timezone = "Europe/Berlin"
        channels = ["console"]
        quiet_hours = "22:30-07:30"

        [[commitment]]
        id = "walk"
        title = "Walk the dog"
        when = "*-*-* 07:00"
        remind_before = "15m"
        follow_up = "15m"
        follow_ups = 2
        grace = "3h"
        """

    @Test(arguments: ["daemon", "ticks"])
    func quietHoursHoldTheDueNudgeAndKeepEveryFollowUp(_ mode: String) throws {
        let life = try Life(Self.quietMorning, start: "2026-12-01 20:00")
        let end = try life.t("2026-12-02 09:00")
        if mode == "daemon" { try life.liveAsDaemon(until: end) } else { try life.liveByTicks(until: end) }
        #expect(life.nudges("walk") == ["due@12-02 07:30", "follow-up@12-02 07:45", "follow-up@12-02 08:00"])
    }

    @Test func aRepairNudgeWaitsForTheEndOfQuietHours() throws {
        let life = try Life(
            """
            [settings]
            timezone = "Europe/Berlin"
            channels = ["console"]
            quiet_hours = "22:30-07:30"

            [[commitment]]
            id = "call-mom"
            title = "Call Mom"
            when = "Sun 19:00"
            follow_ups = 0
            grace = "4h"
            repair = true
            """, start: "2026-11-29 12:00")
        try life.liveAsDaemon(until: try life.t("2026-11-30 09:00"))
        #expect(life.nudges("call-mom") == ["due@11-29 19:00", "repair@11-30 07:30"])
        #expect(try life.outcomes("call-mom") == ["11-29 19:00 missed"])
    }

    @Test func aMakeUpIsReachedByTheCommitmentsOwnIdAndCountsAsARepairNotASecondKeep() throws {
        let life = try Life(
            """
            [settings]
            timezone = "Europe/Berlin"
            channels = ["console"]

            [[commitment]]
            id = "call-mom"
            title = "Call Mom"
            when = "Sun 19:00"
            follow_ups = 0
            grace = "4h"
            repair = true
            """, start: "2026-11-29 12:00")
        try life.liveAsDaemon(until: try life.t("2026-11-30 09:00"))
        let added = try life.answers.repair("call-mom", at: "2026-11-30 19:00").0
        #expect(added.title == "Call Mom (make-up)")
        try life.liveAsDaemon(until: try life.t("2026-11-30 19:05"))
        #expect(life.nudges(added.id.rawValue) == ["due@11-30 19:00"])
        // The commitment's own id reaches the make-up, and so does a prefix of it.
        #expect(try life.answers.done("call").commitment == added.id)
        #expect(try life.outcomes("call-mom") == ["11-29 19:00 missed"])
        // The miss stays a miss and is repaired; the make-up is no second keep and no row of its own.
        let records = try life.store.outcomeRecords(config: life.config, repaired: try life.store.repaired())
        #expect(records.map(\.subject.commitment.rawValue) == ["call-mom"])
        #expect(records.map(\.repaired) == [true])
        // Taken back by the commitment's id too.
        #expect(try life.answers.undo("call-mom").commitment == added.id)
        #expect(try life.store.repaired().isEmpty)
    }

    @Test(arguments: ["nudge", "miss"])
    func occurrencesThatFellInsideDowntimeAreRecorded(_ catchUp: String) throws {
        let life = try Life(
            Self.meds.replacingOccurrences(of: "[settings]\n", with: "[settings]\ncatch_up = \"\(catchUp)\"\n"),
            start: "2026-12-01 07:00")
        try life.liveAsDaemon(until: try life.t("2026-12-01 08:01"))
        _ = try life.answers.done("meds")
        // Off from Tuesday 08:01 to Friday 09:00: Wednesday's and Thursday's fell wholly inside.
        try life.run(at: "2026-12-04 09:00")
        let away = catchUp == "miss" ? "missed" : "skipped"
        #expect(
            try life.outcomes("meds") == [
                "12-01 08:00 kept", "12-02 08:00 \(away)", "12-03 08:00 \(away)", "12-04 08:00 pending",
            ])
        if catchUp == "nudge" { #expect(try life.reasons("meds") == [nil, "away", "away", nil]) }
        // Only the latest is nudged, in the digest, and it counts as its due nudge: its follow-ups follow.
        try life.liveAsDaemon(until: try life.t("2026-12-04 09:31"))
        #expect(
            life.nudges("meds") == [
                "due@12-01 08:00", "digest@12-04 09:00", "follow-up@12-04 09:15", "follow-up@12-04 09:30",
            ])
    }

    @Test func statusDuringAPauseSaysSoAndListsNothingThatWillNotFire() throws {
        let life = try Life(Self.meds, start: "2026-12-01 07:00")
        try life.run()
        try life.store.pause(nil, since: life.now, until: try life.t("2026-12-03 12:00"))
        life.now = try life.t("2026-12-01 09:00")
        let status = try life.status()
        #expect(status.paused.map(\.id) == [nil])
        #expect(status.text.hasPrefix("paused everything until 2026-12-03 12:00"))
        #expect(status.pending.isEmpty)
        // The 2nd and 3rd fall inside the pause; the next nudge is the 4th's.
        #expect(status.next.map { String($0.due.prefix(16)) }.first == "2026-12-04T08:00")
        #expect(status.short.hasPrefix("paused"))
    }

    @Test func anAnswerThatRacedTheDaemonsStartLandsOnTheOneOccurrence() throws {
        let life = try Life(Self.meds, start: "2026-12-01 07:00")
        try life.run()
        life.now = try life.t("2026-12-01 08:00:01")
        // The command line resolved "start 08:00 early" just before the daemon started it itself.
        let meds = try #require(CommitmentID("meds"))
        try life.run()
        let started = try #require(try life.store.pending().first)
        #expect(try life.cli.startEarly(meds, due: try life.t("2026-12-01 08:00"), now: life.now) == started.id)
        _ = try life.answers.skip("meds", reason: nil)
        try life.liveAsDaemon(until: try life.t("2026-12-01 12:00"))
        #expect(try life.outcomes("meds") == ["12-01 08:00 skipped"])
        #expect(life.nudges("meds") == ["due@12-01 08:00"])
    }

    @Test func aOneOffThatFellDueInsideAPauseIsRecordedSkipped() throws {
        let life = try Life(Self.meds, start: "2026-12-01 07:00")
        try life.run()
        try add(life, "call-sam", at: "2026-12-01 18:00")
        try life.store.pause(nil, since: life.now, until: try life.t("2026-12-02 12:00"))
        try life.liveAsDaemon(until: try life.t("2026-12-01 18:05"))
        #expect(try life.outcomes("call-sam") == ["12-01 18:00 skipped"])
        #expect(try life.reasons("call-sam") == ["paused"])
        // A one-off seen only after the pause let it fall is recorded too, once.
        try add(life, "call-jo", at: "2026-12-01 20:00")
        life.now = try life.t("2026-12-01 19:00")
        #expect(try life.store.resume(nil, now: life.now) == 1)
        try life.liveAsDaemon(until: try life.t("2026-12-02 13:00"))
        #expect(life.nudges("call-sam").isEmpty)
        #expect(try life.outcomes("call-sam") == ["12-01 18:00 skipped"])
        #expect(life.nudges("call-jo") == ["due@12-01 20:00", "follow-up@12-01 20:15", "follow-up@12-01 20:30"])
    }

    @Test func afterResumeStatusShowsTheNextDueTimesNotPastOnes() throws {
        let life = try Life(Self.meds, start: "2026-12-01 07:00")
        try life.run()
        try life.store.pause(nil, since: life.now, until: try life.t("2026-12-10 12:00"))
        try life.run(at: "2026-12-03 07:00")
        life.now = try life.t("2026-12-03 07:30")
        #expect(try life.store.resume(nil, now: life.now) == 1)
        let status = try life.status()
        #expect(status.paused.isEmpty)
        #expect(status.next.map { String($0.due.prefix(16)) }.first == "2026-12-03T08:00")
        // The planner agrees: the 08:00 of the day of the resume is nudged.
        try life.liveAsDaemon(until: try life.t("2026-12-03 08:01"))
        #expect(life.nudges("meds") == ["due@12-03 08:00"])
    }

    @Test func afterDowntimeStatusShowsWhatCameDueBeforeAnyRun() throws {
        let life = try Life(Self.meds, start: "2026-12-01 07:00")
        try life.run()
        life.now = try life.t("2026-12-01 09:00")
        let status = try life.status()
        #expect(status.pending.map(\.id) == ["meds"])
        #expect(status.pending.first?.overdueSeconds == 3600)
        #expect(status.next.map { String($0.due.prefix(16)) }.first == "2026-12-02T08:00")
    }

    @Test func anExpiredSnoozeIsNotShown() throws {
        let life = try Life(Self.meds, start: "2026-12-01 07:00")
        try life.liveAsDaemon(until: try life.t("2026-12-01 08:01"))
        _ = try life.answers.snooze("meds", until: try life.t("2026-12-01 08:10"))
        #expect(try life.status().pending.first?.snoozedUntil != nil)
        life.now = try life.t("2026-12-01 08:20")
        #expect(try life.status().pending.first?.snoozedUntil == nil)
    }

    @Test func resumeSaysWhatIsPausedWhenItCannotResume() throws {
        let life = try Life(Self.meds, start: "2026-12-01 07:00")
        try life.run()
        let pausing = try life.answers
        #expect(throws: AnswerError("nothing is paused")) { try pausing.resume(nil) }
        #expect(throws: AnswerError("meds is not paused")) { try pausing.resume("meds") }
        _ = try pausing.pause(nil, until: try life.t("2026-12-03 12:00"))
        #expect(
            throws: AnswerError(
                "meds has no pause of its own; everything is paused until Thu 2026-12-03 12:00:00 CET: "
                    + "`nudge resume` ends that")
        ) { try pausing.resume("meds") }
        #expect(try pausing.resume(nil) == nil)
        _ = try pausing.pause("meds", until: try life.t("2026-12-03 12:00"))
        #expect(throws: AnswerError("everything is not paused, only: meds; `nudge resume ID` ends one")) {
            try pausing.resume(nil)
        }
        #expect(try pausing.resume("me")?.rawValue == "meds")
    }

    @Test func aSkipKeepsItsReason() throws {
        let life = try Life(Self.meds, start: "2026-12-01 07:00")
        try life.liveAsDaemon(until: try life.t("2026-12-01 08:01"))
        _ = try life.answers.skip("meds", reason: "doctor said pause them")
        let skipped = try #require(try life.store.history().first)
        #expect(try life.store.reasons()[skipped.id] == "doctor said pause them")
    }

    @Test func renamingAnIdCarriesItsHistoryOver() throws {
        let life = try Life(Self.meds, start: "2026-12-01 07:00")
        try life.liveAsDaemon(until: try life.t("2026-12-01 08:01"))
        _ = try life.answers.done("meds")
        // The id is changed in the config; its history is orphaned until renamed.
        life.config = try #require(
            try ConfigLoaderTests.load(Self.meds.replacingOccurrences(of: "id = \"meds\"", with: "id = \"pills\""))
                .config)
        let renaming = try life.answers
        #expect(try renaming.orphans() == ["meds"])
        #expect(throws: AnswerError.self) { try renaming.rename("meds", to: "nothing-such") }
        #expect(try renaming.rename("meds", to: "pills") == 1)
        #expect(try renaming.orphans().isEmpty)
        #expect(try life.outcomes("pills") == ["12-01 08:00 kept"])
        // The next one follows on as if nothing happened: tomorrow's, not a new first day.
        try life.liveAsDaemon(until: try life.t("2026-12-02 08:01"))
        #expect(try life.outcomes("pills") == ["12-01 08:00 kept", "12-02 08:00 pending"])
    }
}
