import Foundation
import Testing

/// Desktop notifications through a private session bus (dbus-daemon) and a notification server.
@Suite(.serialized, .realTime)
struct DesktopTests {
    static let server = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("notification-server.py").path

    /// A private bus with the test notification server on it.
    final class Session {
        let dir: URL
        let address: String
        let daemon = Process()
        let server = Process()
        let log: URL

        init(dir: URL) throws {
            self.dir = dir
            let socket = dir.appendingPathComponent("bus").path
            address = "unix:path=\(socket)"
            log = dir.appendingPathComponent("notifications.jsonl")
            daemon.executableURL = URL(fileURLWithPath: "/usr/bin/dbus-daemon")
            daemon.arguments = ["--session", "--address=\(address)", "--nofork", "--nopidfile"]
            daemon.standardOutput = FileHandle.nullDevice
            daemon.standardError = FileHandle.nullDevice
            try daemon.run()
            for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { usleep(50_000) }
            server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            server.arguments = [DesktopTests.server, log.path]
            server.environment = ["DBUS_SESSION_BUS_ADDRESS": address]
            // Neither may hold the test's own output open.
            server.standardOutput = FileHandle.nullDevice
            server.standardError = FileHandle.nullDevice
            server.standardInput = FileHandle.nullDevice
            daemon.standardInput = FileHandle.nullDevice
            try server.run()
            for _ in 0..<100 where !((try? String(contentsOf: log, encoding: .utf8))?.contains("ready") ?? false) {
                usleep(50_000)
            }
        }

        func calls() -> [[String: Any]] {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
            }.filter { ($0["call"] as? String) != "ready" }
        }

        func stop() {
            for p in [server, daemon] { NudgeCLITests.stop(p, signal: SIGKILL) }
        }
    }

    static func available() -> Bool {
        let ok =
            FileManager.default.isExecutableFile(atPath: "/usr/bin/dbus-daemon")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
        if !ok { peerMissing("dbus-daemon or python3 is missing; .ci/run installs dbus python3-dbus python3-gi") }
        return ok
    }

    @Test func aNudgeShowsUpAndAFollowUpReplacesIt() throws {
        guard Self.available(), CLIRunner.faketime() != nil else { return }
        let cli = try CLIRunner(
            config: """
                [settings]
                timezone = "Europe/Berlin"

                [[commitment]]
                id = "call-mom"
                title = "Call Mom"
                when = "Sun 19:00"
                follow_up = "15m"
                follow_ups = 1
                urgency = "critical"
                note = "Ask how the knee is"
                """)
        let session = try Session(dir: cli.dir)
        defer { session.stop() }
        var env = cli
        env.extra = ["DBUS_SESSION_BUS_ADDRESS": session.address]
        #expect(try env.run(["tick"], at: "2026-11-29 18:00:00").out == "")
        #expect(try env.run(["tick"], at: "2026-11-29 19:00:00").out == "")
        #expect(try env.run(["tick"], at: "2026-11-29 19:15:00").out == "")
        let calls = session.calls()
        #expect(calls.count == 2, "\(calls)")
        let first = calls.first ?? [:]
        #expect(first["app"] as? String == "nudge")
        #expect(first["summary"] as? String == "Call Mom")
        #expect((first["body"] as? String)?.contains("Ask how the knee is") == true)
        #expect((first["body"] as? String)?.contains("answer with: nudge done call-mom") == true)
        #expect(first["category"] as? String == "x-nudge.reminder")
        #expect(first["urgency"] as? Int == 2)
        #expect(first["expire"] as? Int == 0)
        // The follow-up replaces the first popup.
        let second = calls.last ?? [:]
        #expect(second["replaces"] as? Int == first["id"] as? Int)
        #expect((first["id"] as? Int ?? 0) > 0)
        // An answer from the shell closes the open popup.
        #expect(try env.run(["done", "call-mom"], at: "2026-11-29 19:20:00", frozen: true).status == 0)
        let close = session.calls().last ?? [:]
        #expect(close["call"] as? String == "CloseNotification")
        #expect(close["id"] as? Int == first["id"] as? Int)
    }

    @Test func withoutASessionBusTheFallbackTakesTheNudge() throws {
        guard CLIRunner.faketime() != nil else { return }
        let cli = try CLIRunner(
            config: """
                [[commitment]]
                id = "plants"
                title = "Water the plants"
                when = "Sat 10:00"
                follow_ups = 0
                """)
        let test = try cli.run(["test-channel", "desktop"])
        #expect(test.status == 69)
        #expect(test.err.contains("unavailable"))
        _ = try cli.run(["tick"], at: "2026-11-27 12:00:00")
        #expect(try cli.run(["tick"], at: "2026-11-28 10:00:00").out == "due plants Water the plants (due 10:00)\n")
    }

    @Test func withoutASessionBusAndMailAsTheFallbackTheNudgeArrivesByMail() throws {
        guard CLIRunner.faketime() != nil else { return }
        let cli = try CLIRunner(config: "")
        // A sendmail-compatible program that keeps each message it is given.
        let sendmail = cli.dir.appendingPathComponent("sendmail").path
        try """
        #!/bin/sh
        cat > "\(cli.dir.path)/mail-$$.eml"
        """.write(toFile: sendmail, atomically: true, encoding: .utf8)
        chmod(sendmail, 0o755)
        try """
        [settings]
        fallback = "mail"

        [channel.mail]
        kind = "email"
        to = "me@example.org"
        sendmail = ["\(sendmail)", "-t", "-i"]

        [[commitment]]
        id = "plants"
        title = "Water the plants"
        when = "Sat 10:00"
        channels = ["desktop"]
        follow_ups = 0
        """.write(to: cli.dir.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        _ = try cli.run(["tick"], at: "2026-11-27 12:00:00")
        // No DBUS_SESSION_BUS_ADDRESS and no $XDG_RUNTIME_DIR/bus: the desktop is unavailable.
        let tick = try cli.run(["tick"], at: "2026-11-28 10:00:00")
        #expect(tick.status == 0, "\(tick.err)")
        #expect(tick.out == "")
        let mails = try FileManager.default.contentsOfDirectory(atPath: cli.dir.path).filter { $0.hasSuffix(".eml") }
        #expect(mails.count == 1)
        let mail = try String(contentsOfFile: cli.dir.appendingPathComponent(mails.first ?? "").path, encoding: .utf8)
        #expect(mail.contains("To: me@example.org\r\n"))
        #expect(mail.contains("Subject: Water the plants"))
        #expect(mail.contains("nudge done plants"))
        // Recorded as sent, with the reason it went by mail.
        let row = try cli.query("SELECT channel, state, error FROM nudge")
        #expect(row.hasPrefix("desktop|sent|unavailable"), "\(row)")
        #expect(row.contains("sent to mail: sent"))
    }
}
