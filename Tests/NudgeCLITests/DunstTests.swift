import Foundation
import Testing

/// The daemon with the notification server people run: dunst on an Xvfb screen, on a private session bus.
@Suite(.realTime)
struct DunstTests {
    static let tools = ["/usr/bin/dbus-daemon", "/usr/bin/Xvfb", "/usr/bin/dunst", "/usr/bin/dunstctl"]

    /// Whether the peers are installed; in CI they must be.
    static func available() -> Bool {
        let missing = tools.filter { !FileManager.default.isExecutableFile(atPath: $0) }
        guard missing.isEmpty else {
            peerMissing("\(missing.joined(separator: ", ")) missing; .ci/run installs dbus xvfb xauth dunst")
            return false
        }
        return true
    }

    /// A private session bus, an Xvfb screen on a free display and dunst on both; stopped by PID.
    final class Screen {
        let dir: URL
        let address: String
        private(set) var display = ""
        private var processes: [Process] = []

        init(dir: URL) throws {
            self.dir = dir
            let socket = dir.appendingPathComponent("bus").path
            address = "unix:path=\(socket)"
            try start("/usr/bin/dbus-daemon", ["--session", "--address=\(address)", "--nofork", "--nopidfile"])
            for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { usleep(50_000) }
            // Xvfb picks a free display and writes its number to the descriptor given.
            let number = Pipe()
            try start(
                "/usr/bin/Xvfb", ["-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp"], output: number)
            display = ":" + Self.readLine(number.fileHandleForReading.fileDescriptor, timeout: 10)
            // dunst asks pick.sh (its "dmenu") which menu entry to run; the test says so in the file "pick".
            let pick = dir.appendingPathComponent("pick.sh").path
            try """
            #!/bin/sh
            tee '\(dir.path)/menu.txt' | grep -F -- "$(sed -n 1p '\(dir.path)/pick')" \\
                | grep -F -- "$(sed -n 2p '\(dir.path)/pick')" | head -n 1
            """.write(toFile: pick, atomically: true, encoding: .utf8)
            chmod(pick, 0o755)
            let rc = dir.appendingPathComponent("dunstrc").path
            try """
            [global]
                dmenu = \(pick)
                font = DejaVu Sans 11
            [urgency_low]
                timeout = 0
            [urgency_normal]
                timeout = 0
            [urgency_critical]
                timeout = 0
            """.write(toFile: rc, atomically: true, encoding: .utf8)
            try start("/usr/bin/dunst", ["-config", rc])
            _ = wait(timeout: 10) { self.ctl(["count", "displayed"]) == "0" }
        }

        private func start(_ path: String, _ args: [String], output: Pipe? = nil) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: path)
            p.arguments = args
            p.environment = [
                "HOME": dir.path, "DISPLAY": display, "DBUS_SESSION_BUS_ADDRESS": address, "PATH": "/usr/bin:/bin",
            ]
            // None may hold the test's own output open.
            p.standardInput = FileHandle.nullDevice
            p.standardOutput = output ?? FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            processes.append(p)
        }

        static func readLine(_ fd: Int32, timeout: Double) -> String {
            var text = ""
            let end = Date().addingTimeInterval(timeout)
            while !text.contains("\n"), Date() < end {
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 100) > 0 else { continue }
                var byte: UInt8 = 0
                guard read(fd, &byte, 1) == 1 else { break }
                text.append(Character(UnicodeScalar(byte)))
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// `dunstctl ARGS`, its output trimmed.
        func ctl(_ args: [String]) -> String {
            let r = try? runProcess(
                "/usr/bin/dunstctl", args, environment: ["DBUS_SESSION_BUS_ADDRESS": address, "PATH": "/usr/bin:/bin"])
            return (r?.out ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// How many popups are on screen.
        var displayed: Int { Int(ctl(["count", "displayed"])) ?? -1 }

        /// Picks the menu entry for `action` on the popup titled `summary` from dunst's context menu.
        func press(_ action: String, on summary: String) throws {
            unlink(dir.appendingPathComponent("menu.txt").path)
            try "(\(summary))\n,\(action)]\n".write(
                to: dir.appendingPathComponent("pick"), atomically: true, encoding: .utf8)
            _ = ctl(["context"])
            // dunst runs the menu program on its own time.
            _ = wait(timeout: 5) { self.menu.contains(",\(action)]") }
        }

        /// The menu dunst offered last time.
        var menu: String { (try? String(contentsOf: dir.appendingPathComponent("menu.txt"), encoding: .utf8)) ?? "" }

        /// dunst's history (closed popups), newest first: each a dictionary of plain values.
        func history() -> [[String: Any]] {
            let json = (try? JSONSerialization.jsonObject(with: Data(ctl(["history"]).utf8))) as? [String: Any]
            let lists = json?["data"] as? [[[String: Any]]] ?? []
            return (lists.first ?? []).map { entry in entry.mapValues { ($0 as? [String: Any])?["data"] ?? $0 } }
        }

        func wait(timeout: Double, until ok: () -> Bool) -> Bool {
            let end = Date().addingTimeInterval(timeout)
            while Date() < end {
                if ok() { return true }
                usleep(100_000)
            }
            return ok()
        }

        func stop() {
            for p in processes.reversed() { NudgeCLITests.stop(p, signal: SIGKILL) }
        }
    }

    @Test func buttonsOnADunstPopupAnswerLikeTheCommandLine() throws {
        guard Self.available() else { return }
        // Far enough ahead that a loaded machine (the other suites run meanwhile) has the daemon up
        // before the reminder is due.
        let (at, _) = DaemonTests().secondsFromNow(12)
        let cli = try CLIRunner(
            config: """
                [settings]
                timezone = "Europe/Berlin"
                channels = ["desktop"]

                [[commitment]]
                id = "call-mom"
                title = "Call Mom"
                when = "*-*-* \(at)"
                remind_before = "5s"
                follow_up = "1h"
                note = "Ask how the knee is"

                [[commitment]]
                id = "stretch"
                title = "Stretch"
                when = "*-*-* \(at)"
                follow_up = "1h"

                [[commitment]]
                id = "water"
                title = "Water the plants"
                when = "*-*-* \(at)"
                follow_up = "1h"
                """)
        let screen = try Screen(dir: cli.dir)
        defer { screen.stop() }
        let bus = ["DBUS_SESSION_BUS_ADDRESS": screen.address]
        let notify = try NotifySocket(path: cli.dir.appendingPathComponent("notify").path)
        let child = try DaemonTests().start(cli, notify: notify, watchdog: false, extra: bus)
        defer { child.stop() }
        #expect(notify.wait(for: "READY=1", timeout: 10) != nil)
        // The reminder shows first; at the due time it is replaced, and the other two join it.
        #expect(screen.wait(timeout: 14) { screen.displayed == 1 })
        #expect(notify.wait(for: "STATUS=3 pending", timeout: 10) != nil)
        #expect(screen.wait(timeout: 3) { screen.displayed == 3 })
        let ids = try cli.query(
            """
            SELECT n.kind, n.message_id FROM nudge n JOIN occurrence o ON o.id = n.occurrence
            WHERE o.commitment = 'call-mom' ORDER BY n.id
            """
        ).split(separator: "\n").map { $0.split(separator: "|").map(String.init) }
        #expect(ids.map { $0.first } == ["reminder", "due"])
        #expect(ids.count == 2 && ids[0].last == ids[1].last)

        // "Snooze 10 min" from dunst's menu: the popup goes, the promise is snoozed.
        try screen.press("snooze", on: "Call Mom")
        #expect(screen.menu.contains("#Snooze 10 min (Call Mom)"), "\(screen.menu)")
        #expect(screen.menu.contains("#Done (Stretch)"))
        #expect(screen.menu.contains("#Skip (Water the plants)"))
        #expect(screen.menu.contains("#Running late (Water the plants)"))
        #expect(screen.wait(timeout: 5) { screen.displayed == 2 })
        #expect(try cli.run(["status"]).out.contains("snoozed until"))

        // "Done": kept, recorded as answered from the notification; its follow-ups are off.
        try screen.press("done", on: "Stretch")
        #expect(screen.wait(timeout: 5) { screen.displayed == 1 })
        #expect(notify.wait(for: "STATUS=2 pending", timeout: 3) != nil)
        #expect(
            try cli.query(
                """
                SELECT o.outcome, a.note FROM occurrence o JOIN amendment a ON a.occurrence = o.id
                WHERE o.commitment = 'stretch'
                """) == "kept|notification")

        // `nudge done` from a shell closes the last popup.
        var shell = cli
        shell.extra = bus
        #expect(try shell.run(["done", "water"]).status == 0)
        #expect(screen.wait(timeout: 5) { screen.displayed == 0 })

        // What the buttons did and how each popup closed (3: closed by a call) is in the ledger.
        #expect(
            screen.wait(timeout: 3) { (try? cli.query("SELECT count(*) FROM nudge WHERE closed_reason = 3")) == "3" })
        #expect(
            try cli.query(
                "SELECT o.commitment, n.action FROM nudge n JOIN occurrence o ON o.id = n.occurrence WHERE n.action IS NOT NULL ORDER BY o.commitment"
            )
                == "call-mom|snooze\nstretch|done")

        // dunst kept them in its history with our app name, summary and body.
        let history = screen.history()
        #expect(Set(history.compactMap { $0["summary"] as? String }) == ["Call Mom", "Stretch", "Water the plants"])
        #expect(history.allSatisfy { $0["appname"] as? String == "nudge" })
        let mom = history.first { $0["summary"] as? String == "Call Mom" }
        #expect((mom?["body"] as? String)?.contains("Ask how the knee is") == true)
        // With buttons there, the body does not spell out a command.
        #expect((mom?["body"] as? String)?.contains("answer with") == false)
    }

    @Test func afterTheSessionBusWentAwayTheNextNudgeFindsTheNewOne() throws {
        guard Self.available() else { return }
        let (first, _) = DaemonTests().secondsFromNow(4)
        let (second, _) = DaemonTests().secondsFromNow(10)
        let cli = try CLIRunner(
            config: """
                [settings]
                timezone = "Europe/Berlin"
                channels = ["desktop"]

                [[commitment]]
                id = "first"
                title = "First"
                when = "*-*-* \(first)"

                [[commitment]]
                id = "second"
                title = "Second"
                when = "*-*-* \(second)"
                """)
        var screen = try Screen(dir: cli.dir)
        defer { screen.stop() }
        let notify = try NotifySocket(path: cli.dir.appendingPathComponent("notify").path)
        let child = try DaemonTests().start(
            cli, notify: notify, watchdog: false, extra: ["DBUS_SESSION_BUS_ADDRESS": screen.address])
        defer { child.stop() }
        #expect(notify.wait(for: "READY=1", timeout: 10) != nil)
        #expect(screen.wait(timeout: 8) { screen.displayed == 1 })
        // The session ends (bus, screen and server) and a new one starts at the same address.
        screen.stop()
        unlink(cli.dir.appendingPathComponent("bus").path)
        screen = try Screen(dir: cli.dir)
        #expect(screen.wait(timeout: 10) { screen.displayed == 1 })
        #expect(try cli.query("SELECT channel, state FROM nudge ORDER BY id") == "desktop|sent\ndesktop|sent")
    }
}
