import Foundation
import GRDB
import Testing

@testable import NudgeCore

/// The people promises are made to, lived as a new user would (DESIGN.md §4.12, §9): running late, moving a
/// promise ahead of time, and telling them — through msmtp into a real SMTP sink, or their own command.
@Suite(.pinnedZones, .serialized)
struct PeopleLifeTests {
    typealias F = ChannelFixtures

    /// Mom is called on Sundays at 19:00; she is reached by mail, sent with the mail channel's sender and
    /// program (`sendmail`); nudges go to the console only.
    static func config(sendmail: [String], reach: String = "email = \"mom@example.org\"") -> String {
        """
        [settings]
        timezone = "Europe/Berlin"
        channels = ["console"]

        [channel.mail]
        kind = "email"
        to = ["me@example.org"]
        from = "Me <me@example.org>"
        sendmail = [\(sendmail.map { "\"\($0)\"" }.joined(separator: ", "))]

        [person.mom]
        name = "Mom"
        \(reach)

        [[commitment]]
        id = "call-mom"
        title = "Call Mom"
        when = "Sun 19:00"
        with = "mom"
        follow_up = "15m"
        follow_ups = 2
        grace = "2h"
        """
    }

    @Test func runningLateWithTellSendsExactlyOneMailToMomAndWithoutTellNothing() throws {
        try F.withScratch { dir in
            guard let sink = try SMTPSink.start(in: dir, for: "runningLateWithTell") else { return }
            defer { sink.stop() }
            let life = try Life(Self.config(sendmail: sink.sendmail), start: "2026-12-06 18:00")
            try life.liveAsDaemon(until: try life.t("2026-12-06 19:05"))

            // Without --tell: recorded, nobody told.
            let quiet = try life.answers.late("call-mom", span: "10m", told: false)
            #expect(quiet.message == nil)
            #expect(sink.mails().isEmpty)

            // A dry run shows the message and records nothing.
            let dry = try life.answers.late(
                "call-mom", span: "10m", told: false, telling: Telling(tell: true, dryRun: true))
            #expect(dry.message?.text == "Running late, about 20 min.")
            #expect(try life.answers.said(dry, told: false).contains("(dry run: nothing recorded or sent)"))
            #expect(sink.mails().isEmpty)
            #expect(try life.store.pending().first?.lateBy == .minutes(10))

            // With --tell: one mail to Mom's address, from the mail channel's sender, saying so.
            let told = try life.answers.late("call-mom", span: "10m", told: false, telling: Telling(tell: true))
            #expect(told.total == .minutes(20))
            let mails = sink.mails()
            #expect(mails.count == 1)
            let mail = try #require(mails.first)
            #expect(mail.value("X-RcptTo") == "mom@example.org")
            #expect(mail.value("To") == "Mom <mom@example.org>")
            #expect(mail.value("From") == "Me <me@example.org>")
            #expect(mail.value("Subject") == "Running late, about 20 min.")
            let body = String(decoding: F.qDecode(mail.body), as: UTF8.self)
            #expect(body.trimmingCharacters(in: .newlines) == "Running late, about 20 min.")
            #expect(
                try life.answers.said(told, told: false).hasSuffix(
                    "told Mom (mom@example.org): Running late, about 20 min."))

            // Kept 45 minutes late (on time is 30m), after telling her in time: late with notice.
            life.now = try life.t("2026-12-06 19:45")
            _ = try life.answers.done("call-mom")
            let history = try HistoryListing(store: life.store, config: life.config, ids: nil, since: nil)
            #expect(history.text.contains("; told mom: Running late, about 20 min."), "\(history.text)")
            let report = try Self.report(life)
            let mom = try #require(report.people.first)
            #expect(mom.person == "mom" && mom.name == "Mom")
            #expect(mom.figures.lateWithNotice == 1 && mom.figures.lateWithoutNotice == 0)

            // Nudges never went to her: the life's channels got them, and the sink holds only the one mail.
            #expect(life.nudges("call-mom").count == 1)
            #expect(sink.mails().count == 1)
        }
    }

    @Test func renegotiatingOnSundayMovesItToMondayAndTellsHer() throws {
        try F.withScratch { dir in
            guard let sink = try SMTPSink.start(in: dir, for: "renegotiating") else { return }
            defer { sink.stop() }
            let life = try Life(Self.config(sendmail: sink.sendmail), start: "2026-12-06 14:00")
            try life.liveAsDaemon(until: try life.t("2026-12-06 15:00"))

            // Sunday afternoon: Monday 19:00 instead, and Mom is told the new time.
            let moved = try life.answers.renegotiate("call-mom", to: "mon 19:00", telling: Telling(tell: true))
            #expect(moved.message?.text == "I can't make Sun 19:00 — can we do Mon 19:00 instead?")
            let mail = try #require(sink.mails().first)
            #expect(sink.mails().count == 1)
            #expect(mail.value("X-RcptTo") == "mom@example.org")
            #expect(
                F.decodeWords(mail.value("Subject") ?? "") == "I can't make Sun 19:00 — can we do Mon 19:00 instead?")

            // No nudge on Sunday 19:00, one on Monday 19:00; `done call-mom` reaches the moved one.
            try life.liveAsDaemon(until: try life.t("2026-12-07 19:05"))
            #expect(life.nudges("call-mom") == [])
            #expect(life.nudges(moved.id.rawValue) == ["due@12-07 19:00"])
            let kept = try life.answers.done("call-mom")
            #expect(kept.commitment == moved.id)
            try life.liveAsDaemon(until: try life.t("2026-12-08 12:00"))

            // Nothing counts as missed; the moved one counts as keeping the promise, to Mom.
            #expect(try life.outcomes("call-mom") == ["12-06 19:00 renegotiated"])
            #expect(try life.outcomes(moved.id.rawValue) == ["12-07 19:00 kept"])
            let report = try Self.report(life)
            let part = try #require(report.commitments.first { $0.id.rawValue == "call-mom" })
            #expect(part.figures.kept == 1 && part.figures.renegotiated == 1 && part.figures.missed == 0)
            #expect(!report.commitments.contains { $0.id == moved.id })
            let mom = try #require(report.people.first)
            #expect(mom.figures.kept == 1 && mom.figures.onTime == 1 && mom.figures.renegotiated == 1)
            #expect(mom.figures.missed == 0)
            #expect(sink.mails().count == 1)
        }
    }

    @Test func aMovedTimeMustComeBeforeTheNextOneAndOnlyWhilePending() throws {
        let life = try Life(Self.config(sendmail: ["/bin/false"]), start: "2026-12-06 14:00")
        try life.liveAsDaemon(until: try life.t("2026-12-06 15:00"))
        #expect(throws: AnswerError.self) { try life.answers.renegotiate("call-mom", to: "2026-12-13 19:30") }
        do {
            _ = try life.answers.renegotiate("call-mom", to: "2026-12-13 19:30")
        } catch let error as AnswerError {
            #expect(error.message.contains("that is the next one: skip this one instead"), "\(error)")
            #expect(error.kind == .badInput)
        }
        // A failed send keeps the move and says they were not told (75).
        do {
            _ = try life.answers.renegotiate("call-mom", to: "mon 19:00", telling: Telling(tell: true))
            Issue.record("a failing sendmail was taken for sent")
        } catch let error as AnswerError {
            #expect(error.kind == .unsent, "\(error)")
            #expect(error.message.contains("it is moved, but they were not told"), "\(error)")
        }
        #expect(try life.outcomes("call-mom") == ["12-06 19:00 renegotiated"])
        // Ended: nothing left to renegotiate; undo takes it back, and the moved one goes.
        #expect(throws: AnswerError.self) { try life.answers.renegotiate("call-mom", to: "mon 20:00") }
        let undone = try life.answers.undo("call-mom")
        #expect(undone.commitment.rawValue == "call-mom" && undone.outcome == nil)
        try life.liveAsDaemon(until: try life.t("2026-12-07 20:00"))
        #expect(try life.outcomes("call-mom") == ["12-06 19:00 missed"])
        #expect(life.nudges("call-mom-moved") == [])
    }

    @Test func aPersonsCommandGetsTheMessageAndTheirName() throws {
        try F.withScratch { dir in
            let out = dir.appendingPathComponent("told").path
            let hook = try F.script("tell", in: dir, "printf '%s|%s' \"$1\" \"$2\" > '\(out)'")
            let life = try Life(
                Self.config(sendmail: ["/bin/false"], reach: "command = [\"\(hook)\", \"{name}\", \"{message}\"]"),
                start: "2026-12-06 18:00")
            try life.liveAsDaemon(until: try life.t("2026-12-06 19:05"))
            let late = try life.answers.late(
                "call-mom", span: "1h30m", told: false, telling: Telling(tell: true, message: "Stuck on the train!"))
            #expect(late.message?.to == hook)
            #expect(F.read(dir, "told") == "Mom|Stuck on the train!")
        }
    }

    @Test func timesInAMessageAreInThePersonsZoneAndADryRunRecordsNothing() throws {
        let reach = "email = \"mom@example.org\"\ntimezone = \"America/Chicago\""
        let life = try Life(Self.config(sendmail: ["/bin/false"], reach: reach), start: "2026-12-06 14:00")
        try life.liveAsDaemon(until: try life.t("2026-12-06 15:00"))
        let moved = try life.answers.renegotiate("call-mom", to: "mon 19:00", telling: Telling(dryRun: true))
        #expect(moved.message?.text == "I can't make Sun 12:00 — can we do Mon 12:00 instead?")
        #expect(!moved.recorded)
        // Not even started early: nothing is recorded.
        #expect(try life.outcomes("call-mom") == [])
        #expect(try life.store.addedIDs().isEmpty)
    }

    @Test func tellingSomeoneWhoCannotBeToldIsRefusedBeforeAnythingIsRecorded() throws {
        let toml = Self.config(sendmail: ["/bin/false"], reach: "").replacingOccurrences(
            of: "with = \"mom\"", with: "with = \"Dad\"")
        let life = try Life(toml, start: "2026-12-06 18:00")
        try life.liveAsDaemon(until: try life.t("2026-12-06 19:05"))
        do {
            _ = try life.answers.late("call-mom", span: "10m", told: false, telling: Telling(tell: true))
            Issue.record("told someone who is not a [person.ID]")
        } catch let error as AnswerError {
            #expect(error.kind == .config)
            #expect(error.message.contains("\"Dad\", which is not a [person.ID]"), "\(error)")
        }
        #expect(try life.store.pending().first?.lateBy == .zero)
        #expect(throws: AnswerError("--message goes with --tell", .usage)) {
            try life.answers.late("call-mom", span: "10m", told: false, telling: Telling(message: "hi"))
        }
    }

    /// Six Sundays with Mom, lived by the daemon: on time; late after telling her; late without a word; moved
    /// to Monday and kept; moved and then missed; missed, and made up after saying sorry. Mom got exactly the
    /// three messages asked for, and the ledger says what happened.
    @Test func sixSundaysWithMom() throws {
        try F.withScratch { dir in
            let out = dir.appendingPathComponent("told").path
            let hook = try F.script("tell", in: dir, "printf '%s\\n' \"$1\" >> '\(out)'")
            let life = try Life(
                Self.config(sendmail: ["/bin/false"], reach: "command = [\"\(hook)\", \"{message}\"]"),
                start: "2026-12-06 12:00")
            func live(_ until: String) throws { try life.liveAsDaemon(until: try life.t(until)) }
            let tell = Telling(tell: true)
            // 1: kept on time.
            try live("2026-12-06 19:10")
            _ = try life.answers.done("call-mom")
            // 2: late, told before due + on_time, kept 50 minutes late.
            try live("2026-12-13 19:10")
            _ = try life.answers.late("call-mom", span: "45m", told: false, telling: tell)
            try live("2026-12-13 19:50")
            _ = try life.answers.done("call-mom")
            // 3: late without a word.
            try live("2026-12-20 19:10")
            _ = try life.answers.late("call-mom", span: "45m", told: false)
            try live("2026-12-20 19:50")
            _ = try life.answers.done("call-mom")
            // 4: moved on Sunday afternoon to Monday 19:00, told, kept on time.
            try live("2026-12-27 15:00")
            _ = try life.answers.renegotiate("call-mom", to: "mon 19:00", telling: tell)
            try live("2026-12-28 19:05")
            _ = try life.answers.done("call-mom")
            // 5: moved, not told, and the moved one is missed.
            try live("2027-01-03 15:00")
            _ = try life.answers.renegotiate("call-mom", to: "mon 19:00")
            // 6: missed; made up for on Monday after saying sorry.
            try live("2027-01-11 08:00")
            _ = try life.answers.repair("call-mom", at: "2027-01-11 19:00", telling: tell)
            try live("2027-01-11 19:05")
            _ = try life.answers.done("call-mom")
            try live("2027-01-12 12:00")

            // No nudge at a renegotiated time, one at each moved one.
            let nudged = life.sent.map { life.show($0.at) }
            #expect(!nudged.contains("12-27 19:00") && !nudged.contains("01-03 19:00"), "\(nudged)")
            #expect(nudged.contains("12-28 19:00") && nudged.contains("01-04 19:00"), "\(nudged)")
            #expect(
                try life.outcomes("call-mom") == [
                    "12-06 19:00 kept", "12-13 19:00 kept", "12-20 19:00 kept", "12-27 19:00 renegotiated",
                    "01-03 19:00 renegotiated", "01-10 19:00 missed",
                ])
            #expect(try life.outcomes("call-mom-moved") == ["12-28 19:00 kept"])
            #expect(try life.outcomes("call-mom-moved-2") == ["01-04 19:00 missed"])
            // Exactly the three messages asked for.
            #expect(
                F.read(dir, "told").split(separator: "\n").map(String.init) == [
                    "Running late, about 45 min.", "I can't make Sun 19:00 — can we do Mon 19:00 instead?",
                    "Sorry I missed Sun 19:00. Can I make it up to you Mon 19:00?",
                ])
            let mom = try #require(try Self.report(life).people.first).figures
            #expect(
                [mom.kept, mom.onTime, mom.lateWithNotice, mom.lateWithoutNotice, mom.renegotiated, mom.missed]
                    == [Int](arrayLiteral: 4, 2, 1, 1, 2, 2))
            #expect(mom.repaired == 1 && mom.skipped == 0)
        }
    }

    /// The report of the life so far, as `nudge report` builds it.
    static func report(_ life: Life) throws -> Report {
        try Report.of(config: life.answers.config, store: life.store, now: life.now)
    }
}
