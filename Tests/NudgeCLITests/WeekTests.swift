import Foundation
import Testing

/// The command line through real time, under faketime: ticks, answers and what they record.
@Suite(.serialized, .realTime)
struct WeekTests {
    static let config = """
        [settings]
        timezone = "Europe/Berlin"
        channels = ["console"]

        [[commitment]]
        id = "call-mom"
        title = "Call Mom"
        with = "Mom"
        when = "Sun 19:00"
        remind_before = "15m"
        follow_up = "15m"
        follow_ups = 2
        grace = "4h"

        [[commitment]]
        id = "plants"
        title = "Water the plants"
        when = "Sat 10:00"
        follow_ups = 0
        grace = "1h"
        """

    @Test func sundayReminderThenDoneTwentyMinutesLate() throws {
        let cli = try CLIRunner(config: Self.config)
        guard CLIRunner.faketime() != nil else { return }
        #expect(try cli.run(["tick"], at: "2026-11-29 18:40:00").out == "")
        #expect(try cli.run(["tick"], at: "2026-11-29 18:45:00").out == "reminder call-mom Call Mom (due 19:00)\n")
        // Twice in the same second sends nothing twice.
        #expect(try cli.run(["tick"], at: "2026-11-29 18:45:00").out == "")
        #expect(try cli.run(["tick"], at: "2026-11-29 19:00:00").out == "due call-mom Call Mom (due 19:00)\n")
        let done = try cli.run(["done", "call"], at: "2026-11-29 19:20:00", frozen: true)
        #expect(done.status == 0)
        #expect(done.out == "kept call-mom: Call Mom (20min late, on time)\n")
        #expect(try cli.run(["tick"], at: "2026-11-29 19:30:00").out == "")
        let status = try cli.run(["status", "--short"], at: "2026-11-29 19:31:00")
        #expect(status.out == "next Call Mom 19:00\n" || status.out.hasPrefix("next "))
    }

    @Test func aMissIsRecordedOnlyAfterANudgeAndTheGrace() throws {
        let cli = try CLIRunner(config: Self.config)
        guard CLIRunner.faketime() != nil else { return }
        _ = try cli.run(["tick"], at: "2026-11-27 12:00:00")
        #expect(try cli.run(["tick"], at: "2026-11-28 10:00:00").out == "due plants Water the plants (due 10:00)\n")
        #expect(try cli.run(["status", "--short"], at: "2026-11-28 10:59:00").out.hasPrefix("1 due"))
        _ = try cli.run(["tick"], at: "2026-11-28 11:00:01")
        #expect(try cli.run(["status", "--short"], at: "2026-11-28 11:01:00").out.hasPrefix("next"))
        let skip = try cli.run(["skip", "plants"], at: "2026-11-28 11:02:00")
        // Nothing pending and the miss is nearer than the next one (a week away): it says so, changes
        // nothing and exits 1.
        #expect(skip.status == 1)
        #expect(skip.err.contains("plants was missed at 11:00; `nudge repair plants --at WHEN` makes up for it"))
    }

    @Test func answersNameAUniquePrefixOrTheOnlyPendingOne() throws {
        let cli = try CLIRunner(config: Self.config)
        guard CLIRunner.faketime() != nil else { return }
        _ = try cli.run(["tick"], at: "2026-11-27 12:00:00")
        _ = try cli.run(["tick"], at: "2026-11-28 10:00:00")
        let snooze = try cli.run(["snooze", "30m"], at: "2026-11-28 10:01:00")
        #expect(snooze.status == 0)
        #expect(snooze.out.hasPrefix("snoozed plants until Sat 2026-11-28 10:31:"))
        #expect(try cli.run(["tick"], at: "2026-11-28 10:20:00").out == "")
        #expect(
            try cli.run(["tick"], at: "2026-11-28 10:32:00").out == "follow-up plants Water the plants (due 10:00)\n")
        let unknown = try cli.run(["done", "zzz"], at: "2026-11-28 10:33:00")
        #expect(unknown.status == 1)
        #expect(unknown.err.contains("no commitment \"zzz\""))
        // Done early: nothing pending for call-mom, but it is due within 24 h.
        let early = try cli.run(["done", "call-mom"], at: "2026-11-29 18:00:00")
        #expect(early.status == 0)
        #expect(early.out.contains("early by 1h"))
    }

    @Test func aBackfillBeforeARecordedMissTurnsItIntoKeptAndUndoRevertsIt() throws {
        let cli = try CLIRunner(config: Self.config)
        guard CLIRunner.faketime() != nil else { return }
        _ = try cli.run(["tick"], at: "2026-11-27 12:00:00")
        _ = try cli.run(["tick"], at: "2026-11-28 10:00:00")
        _ = try cli.run(["tick"], at: "2026-11-28 11:00:01")
        #expect(try cli.run(["history", "--csv"], at: "2026-11-28 12:00:00").out.contains(",missed,"))
        // Forgot to tick it off: it was done at 10:20, before the miss was recorded at 11:00.
        let done = try cli.run(["done", "plants", "--at", "10:20"], at: "2026-11-28 12:00:00")
        #expect(done.status == 0)
        #expect(done.out.contains("is now kept"))
        #expect(done.out.contains("kept plants: Water the plants (20min late, on time)"))
        let history = try cli.run(["history"], at: "2026-11-28 12:01:00").out
        #expect(history.contains("plants  kept     +20min  Water the plants"), "\(history)")
        let undo = try cli.run(["undo"], at: "2026-11-28 12:02:00")
        #expect(undo.out == "plants: back to missed\n")
        #expect(try cli.run(["history", "--json"], at: "2026-11-28 12:03:00").out.contains("\"outcome\" : \"missed\""))
        #expect(try cli.run(["undo"], at: "2026-11-28 12:04:00").status == 1)
    }

    @Test func aOneOffAddedFromTheShellIsNudgedListedAndRemovable() throws {
        let cli = try CLIRunner(config: Self.config)
        guard CLIRunner.faketime() != nil else { return }
        let add = try cli.run(["add", "Call Sam back", "--at", "7pm", "--with", "Sam"], at: "2026-11-25 12:00:00")
        #expect(add.status == 0)
        #expect(add.out == "added call-sam-back: Call Sam back, due Wed 2026-11-25 19:00:00 CET\n")
        #expect(
            try cli.run(["list"], at: "2026-11-25 12:01:00").out.contains(
                "call-sam-back  once   2026-11-25 19:00  Call Sam back (with Sam)"))
        _ = try cli.run(["tick"], at: "2026-11-25 12:02:00")
        #expect(try cli.run(["tick"], at: "2026-11-25 19:00:00").out == "due call-sam-back Call Sam back (due 19:00)\n")
        #expect(try cli.run(["done"], at: "2026-11-25 19:05:00").out.hasPrefix("kept call-sam-back"))
        #expect(
            try cli.run(["add", "Again", "--at", "in 20m", "--id", "call-sam-back"], at: "2026-11-25 19:06:00").status
                == 65)
        #expect(try cli.run(["remove", "call-sam-back"], at: "2026-11-25 19:07:00").status == 0)
        #expect(try cli.run(["remove", "call-mom"], at: "2026-11-25 19:07:00").status == 1)
        #expect(try cli.run(["add", "x", "--at", "yesterday 10:00"], at: "2026-11-25 19:08:00").status == 65)
    }

    @Test func aMissWithRepairSendsARepairNudgeAndAKeptMakeUpRepairsIt() throws {
        let cli = try CLIRunner(
            config: Self.config.replacingOccurrences(of: "grace = \"4h\"", with: "grace = \"4h\"\nrepair = true"))
        guard CLIRunner.faketime() != nil else { return }
        _ = try cli.run(["tick"], at: "2026-11-29 18:00:00")
        _ = try cli.run(["tick"], at: "2026-11-29 18:45:00")
        _ = try cli.run(["tick"], at: "2026-11-29 19:00:00")
        #expect(try cli.run(["tick"], at: "2026-11-29 23:00:01").out == "repair call-mom Call Mom (due 19:00)\n")
        let repair = try cli.run(["repair", "call", "--at", "tomorrow 19:00"], at: "2026-11-29 23:05:00")
        #expect(repair.status == 0, "\(repair.err)")
        #expect(repair.out.hasPrefix("added call-mom-make-up: Call Mom (make-up), due Mon 2026-11-30 19:00:00 CET"))
        _ = try cli.run(["tick"], at: "2026-11-29 23:06:00")
        #expect(
            try cli.run(["tick"], at: "2026-11-30 18:45:00").out
                == "reminder call-mom-make-up Call Mom (make-up) (due 19:00)\n")
        #expect(try cli.run(["done", "call-mom-make-up"], at: "2026-11-30 18:50:00").status == 0)
        let csv = try cli.run(["report", "--csv"], at: "2026-11-30 19:00:00").out
        #expect(csv.contains("commitment,call-mom,Call Mom,Mom,0,0,1,1,"))
    }

    @Test func pauseAndResumeAreRecorded() throws {
        let cli = try CLIRunner(config: Self.config)
        guard CLIRunner.faketime() != nil else { return }
        _ = try cli.run(["tick"], at: "2026-11-27 12:00:00")
        let pause = try cli.run(["pause", "--until", "2026-12-01 09:00"], at: "2026-11-27 12:01:00")
        #expect(pause.out == "paused everything until Tue 2026-12-01 09:00:00 CET\n")
        #expect(try cli.run(["tick"], at: "2026-11-28 10:00:00").out == "")
        #expect(try cli.run(["resume", "plants"], at: "2026-11-28 10:01:00").status == 1)
        #expect(try cli.run(["resume"], at: "2026-11-29 18:00:00").out == "resumed everything\n")
        #expect(try cli.run(["tick"], at: "2026-11-29 18:45:00").out == "reminder call-mom Call Mom (due 19:00)\n")
    }

    @Test func theExampleConfigOnAMachineWithoutADesktopSession() throws {
        let example = try String(
            contentsOf: UnitTests.repo.appendingPathComponent("Config/nudge.example.toml"), encoding: .utf8)
        let cli = try CLIRunner(config: example.replacingOccurrences(of: "# timezone = ", with: "timezone = "))
        guard CLIRunner.faketime() != nil else { return }
        _ = try cli.run(["tick"], at: "2026-11-29 18:00:00")
        // No session bus: the desktop channel falls back to the console, which a person reads here.
        #expect(try cli.run(["tick"], at: "2026-11-29 18:45:00").out == "reminder call-mom Call Mom (due 19:00)\n")
        #expect(try cli.run(["done", "call"], at: "2026-11-29 19:20:00", frozen: true).out.contains("20min late"))
        #expect(
            try cli.run(["report", "--csv"], at: "2026-11-29 19:30:00").out.contains(
                "commitment,call-mom,Call Mom,Mom,1,0,0,0,"))
        _ = try cli.run(["tick"], at: "2026-12-06 18:45:00")
        _ = try cli.run(["tick"], at: "2026-12-06 19:00:00")
        #expect(try cli.run(["history", "--csv"], at: "2026-12-06 22:59:00").out.contains(",missed,") == false)
        _ = try cli.run(["tick"], at: "2026-12-06 23:00:01")
        #expect(try cli.run(["history", "--csv"], at: "2026-12-06 23:01:00").out.contains(",missed,"))
    }
}
