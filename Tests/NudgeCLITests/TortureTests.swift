import Foundation
import Testing

/// The daemon killed with SIGKILL at random moments while another process answers, with dozens of
/// promises due together and a hook that hangs for some: nothing is sent twice, no nudge is lost,
/// nothing acknowledged is lost, and the record stays whole.
@Suite(.serialized, .realTime)
struct TortureTests {
    /// A small deterministic generator, so a failure can be replayed from the printed seed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11 ^ state
        }
    }

    @Test func killedOverAndOverWhileAnsweredItLosesAndRepeatsNothing() throws {
        let count = 200
        var kills = 0
        let seed = UInt64(Date().timeIntervalSince1970)
        print("torture seed \(seed)")
        var random = Generator(state: seed)
        // 200 promises due over the next 7 seconds in groups of 25, 1 s apart, each with a reminder 1 s before
        // (so a group's reminders go out with the group before's due nudges), to the console and to a hook
        // that hangs (past its timeout) for every tenth.
        let start = Date().addingTimeInterval(3)
        var text = "[settings]\ntimezone = \"Europe/Berlin\"\nchannels = [\"console\", \"hook\"]\n"
        text += """
            [channel.hook]
            kind = "command"
            command = ["/bin/sh", "-c", "echo \\"$NUDGE_KIND $NUDGE_ID\\" >> \\"$0\\"; case $NUDGE_ID in *0) sleep 5;; esac", "HOOKLOG"]
            timeout = "1s"

            """
        for i in 0..<count {
            let at = CLIRunner.clockTime(start.addingTimeInterval(Double(i / 25)))
            text += """

                [[commitment]]
                id = "p\(i)"
                title = "Promise \(i)"
                when = "*-*-* \(at)"
                remind_before = "1s"
                follow_up = "1h"
                grace = "1h"

                """
        }
        let hooklog = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-hook-\(seed).log").path
        _ = FileManager.default.createFile(atPath: hooklog, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: hooklog) }
        let cli = try CLIRunner(config: text.replacingOccurrences(of: "HOOKLOG", with: hooklog))
        let sink = cli.dir.appendingPathComponent("console.log").path
        _ = FileManager.default.createFile(atPath: sink, contents: nil)
        let notify = try NotifySocket(path: cli.dir.appendingPathComponent("notify").path)

        // Every console line of every daemon goes to one append-only file.
        func daemon(notifying: Bool = false) throws -> Process {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CLIRunner.binary)
            p.arguments = ["daemon", "--log-target", "stderr"]
            p.environment = [
                "TZ": cli.zone, "TZDIR": CLIRunner.zoneinfo, "HOME": cli.dir.path,
                "NUDGE_CONFIG": cli.dir.appendingPathComponent("config.toml").path,
                "XDG_STATE_HOME": cli.dir.appendingPathComponent("state").path,
            ]
            // Only the last daemon talks to the socket (nobody reads it meanwhile, and a message waits up
            // to a tenth of a second for room when its queue is full).
            if notifying { p.environment?["NOTIFY_SOCKET"] = notify.path }
            let out = FileHandle(forWritingAtPath: sink)
            out?.seekToEndOfFile()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            p.standardInput = FileHandle.nullDevice
            try p.run()
            try out?.close()
            return p
        }

        // A second process answers, each promise at most once, while the daemon is killed and restarted.
        let answers = (0..<count).map { i in (id: "p\(i)", verb: ["done", "skip", "snooze"][i % 3]) }
            .shuffled(using: &random).prefix(90)
        let acknowledged = Acknowledged()
        let answering = Thread {
            for (n, a) in answers.enumerated() {
                // Spread over the run; some come before the promise is due ("done early").
                Thread.sleep(forTimeInterval: 0.025 + Double(n % 7) * 0.025)
                let args = a.verb == "snooze" ? ["snooze", a.id, "30m"] : [a.verb, a.id]
                if let r = try? cli.run(args), r.status == 0 { acknowledged.add(a.id, a.verb) }
            }
            acknowledged.finish()
        }
        answering.start()
        // Killed and restarted without a pause until past the last due time, so that every promise comes due
        // while some daemon runs (an answer given while none ran would rightly leave it untold).
        while Date() < start.addingTimeInterval(10) {
            let p = try daemon()
            usleep(UInt32.random(in: 25_000...325_000, using: &random))
            stop(p, signal: SIGKILL)
            kills += 1
        }
        // Past the last due time, one daemon runs undisturbed until everything due is done.
        let last = try daemon(notifying: true)
        #expect(notify.wait(for: "READY=1", timeout: 10) != nil)
        // The socket is read meanwhile: its queue holds 10 datagrams, and a full one delays each message.
        var answered = false
        let deadline = Date().addingTimeInterval(60)
        while !answered && Date() < deadline {
            answered = acknowledged.wait(timeout: 0.2)
            notify.wait(for: "never", timeout: 0.01)
        }
        #expect(answered)
        // Then until everything due was told and settled (a hung hook is cut off after its timeout).
        let untoldSQL = """
            SELECT o.commitment || ' ' || c.channel FROM occurrence o CROSS JOIN (SELECT 'console' AS channel
                UNION SELECT 'hook') c
            WHERE (o.outcome IS NULL OR o.outcome = 'missed' OR o.outcome_at >= o.due + 10000000)
            AND (o.snoozed_until IS NULL OR o.snoozed_until <= o.due)
            AND NOT EXISTS (SELECT 1 FROM nudge n WHERE n.occurrence = o.id AND n.channel = c.channel
                AND n.kind IN ('due', 'digest', 'follow-up') AND n.state IN ('sent', 'unknown'))
            """
        let settling = Date().addingTimeInterval(20)
        while Date() < settling {
            let planned = try cli.query("SELECT count(*) FROM nudge WHERE state = 'planned'")
            if planned == "0", try cli.query(untoldSQL).isEmpty { break }
            notify.wait(for: "never", timeout: 0.1)
        }
        stop(last)

        #expect(try cli.query("PRAGMA integrity_check") == "ok")
        // No (occurrence, nudge, channel) printed twice, and every line printed is in the ledger.
        let lines = try String(contentsOfFile: sink, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: " ").prefix(2).joined(separator: " ")
        }
        let counts = Dictionary(lines.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(counts.filter { $0.value > 1 }.isEmpty, "printed twice: \(counts.filter { $0.value > 1 })")
        let ledger = Set(
            try cli.query(
                """
                SELECT n.kind || ' ' || o.commitment FROM nudge n JOIN occurrence o ON o.id = n.occurrence
                WHERE n.state IN ('sent', 'unknown')
                """
            ).split(separator: "\n").map(String.init))
        #expect(
            Set(counts.keys).isSubset(of: ledger), "printed but not recorded: \(Set(counts.keys).subtracting(ledger))")
        #expect(try cli.query("SELECT count(*) FROM nudge WHERE state = 'planned'") == "0")
        // The hook ran each (nudge, promise) at most once too.
        let hooked = try String(contentsOfFile: hooklog, encoding: .utf8).split(separator: "\n").map(String.init)
        let hookCounts = Dictionary(hooked.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(hookCounts.filter { $0.value > 1 }.isEmpty, "hook ran twice: \(hookCounts.filter { $0.value > 1 })")
        // No nudge lost: every occurrence not answered (nor snoozed past it) within seconds of its due time
        // (while daemons were being killed) was told through each channel, sent or of unknown fate (cut
        // short by a kill, or a hook that hung).
        let untold = try cli.query(untoldSQL)
        #expect(untold.isEmpty, "never told: \(untold)")
        // Unknown fates are the hung hooks and what a kill cut short, a few per kill at most.
        let unknown = Int(try cli.query("SELECT count(*) FROM nudge WHERE state = 'unknown' AND channel = 'console'"))
        #expect((unknown ?? 0) <= kills * 4)
        // One occurrence per promise and due time, each with at most one outcome.
        #expect(
            try cli.query(
                "SELECT count(*) FROM (SELECT 1 FROM occurrence GROUP BY commitment, due HAVING count(*) > 1)") == "0")
        #expect(try cli.query("SELECT count(*) FROM occurrence") == "\(count)")
        // Every answer the command line acknowledged is recorded.
        let outcomes = Dictionary(
            try cli.query("SELECT commitment, coalesce(outcome, ''), coalesce(snoozed_until, '') FROM occurrence")
                .split(separator: "\n").map { line -> (String, (String, String)) in
                    let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                    return (f[0], (f[1], f[2]))
                }, uniquingKeysWith: { a, _ in a })
        let acked = acknowledged.all
        print(
            "torture: \(lines.count) nudges printed and \(hooked.count) hooks run over \(kills + 1) daemons, "
                + "\(acked.count) answers acknowledged, \(unknown ?? -1) console nudges of unknown fate")
        #expect(acked.count > 30, "only \(acked.count) answers were acknowledged")
        for (id, verb) in acked {
            let (outcome, snoozed) = outcomes[id] ?? ("?", "")
            switch verb {
            case "done": #expect(outcome == "kept", "\(id) done but \(outcome)")
            case "skip": #expect(outcome == "skipped", "\(id) skipped but \(outcome)")
            default: #expect(!snoozed.isEmpty, "\(id) snoozed but not recorded")
            }
        }
    }

    /// The answers the command line acknowledged, shared with the answering thread.
    final class Acknowledged: @unchecked Sendable {
        private let lock = NSCondition()
        private var answers: [(String, String)] = []
        private var done = false

        func add(_ id: String, _ verb: String) {
            lock.lock()
            answers.append((id, verb))
            lock.unlock()
        }

        func finish() {
            lock.lock()
            done = true
            lock.broadcast()
            lock.unlock()
        }

        func wait(timeout: Double) -> Bool {
            lock.lock()
            defer { lock.unlock() }
            let end = Date().addingTimeInterval(timeout)
            while !done && lock.wait(until: end) {}
            return done
        }

        var all: [(String, String)] {
            lock.lock()
            defer { lock.unlock() }
            return answers
        }
    }
}
