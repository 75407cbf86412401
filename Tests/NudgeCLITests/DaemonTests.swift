import Foundation
import Testing

/// `nudge daemon` as a child process, watched through NOTIFY_SOCKET and its output.
@Suite(.realTime)
struct DaemonTests {
    final class Child {
        let process = Process()
        let out = Pipe()
        let err = Pipe()
        var output = ""

        /// Ends the daemon (SIGTERM) if it still runs, and waits for it.
        func stop() { NudgeCLITests.stop(process) }

        func readOutput(until text: String, timeout: Double) -> Bool {
            let end = Date().addingTimeInterval(timeout)
            let fd = out.fileHandleForReading.fileDescriptor
            while Date() < end {
                if output.contains(text) { return true }
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 100) > 0 else { continue }
                var buffer = [UInt8](repeating: 0, count: 4096)
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n > 0 { output += String(decoding: buffer[0..<n], as: UTF8.self) }
            }
            return output.contains(text)
        }
    }

    func start(_ cli: CLIRunner, notify: NotifySocket, watchdog: Bool = true, extra: [String: String] = [:]) throws
        -> Child
    {
        let c = Child()
        c.process.executableURL = URL(fileURLWithPath: CLIRunner.binary)
        c.process.arguments = ["daemon", "--log-target", "stderr"]
        var env = [
            "TZ": cli.zone, "TZDIR": CLIRunner.zoneinfo, "HOME": cli.dir.path,
            "NUDGE_CONFIG": cli.dir.appendingPathComponent("config.toml").path,
            "XDG_STATE_HOME": cli.dir.appendingPathComponent("state").path, "NOTIFY_SOCKET": notify.path,
        ]
        if watchdog { env["WATCHDOG_USEC"] = "1000000" }
        c.process.environment = env.merging(extra) { _, b in b }
        c.process.standardOutput = c.out
        c.process.standardError = c.err
        c.process.standardInput = FileHandle.nullDevice
        try c.process.run()
        return c
    }

    /// A home whose one promise is years away (a daemon there only waits), and a notify socket in it.
    func farAway() throws -> (CLIRunner, NotifySocket) {
        let cli = try CLIRunner(
            config: """
                [[commitment]]
                id = "far"
                title = "Far away"
                once = "\(BadInputTests.farYear)-01-01 10:00"
                """)
        let notify = try NotifySocket(path: cli.dir.appendingPathComponent("notify").path)
        return (cli, notify)
    }

    /// A calendar time a few seconds from now, as "HH:MM:SS" in Europe/Berlin.
    func secondsFromNow(_ s: Int) -> (String, Date) {
        let date = Date().addingTimeInterval(Double(s))
        return (CLIRunner.clockTime(date), date)
    }

    @Test func speaksTheSystemdProtocolAndNudgesOnTime() throws {
        let (at, when) = secondsFromNow(3)
        let cli = try CLIRunner(
            config: """
                [settings]
                timezone = "Europe/Berlin"
                channels = ["console"]

                [[commitment]]
                id = "stretch"
                title = "Stretch"
                when = "*-*-* \(at)"
                follow_ups = 0
                """)
        let notify = try NotifySocket(path: cli.dir.appendingPathComponent("notify").path)
        let child = try start(cli, notify: notify)
        defer { child.stop() }
        #expect(notify.wait(for: "READY=1", timeout: 10) != nil)
        #expect(notify.wait(for: "WATCHDOG=1", timeout: 3) != nil)
        let before = notify.messages.last(where: { $0.contains("STATUS=") })
        #expect(child.readOutput(until: "due stretch Stretch", timeout: 6))
        // Nudged within a second of its time.
        #expect(Date().timeIntervalSince(when) < 1.5)
        #expect(notify.wait(for: "STATUS=1 pending", timeout: 3) != nil)
        #expect(before?.contains("0 pending") == true)
        kill(child.process.processIdentifier, SIGHUP)
        #expect(notify.wait(for: "RELOADING=1", timeout: 3) != nil)
        child.process.terminate()
        #expect(notify.wait(for: "STOPPING=1", timeout: 3) != nil)
        child.process.waitUntilExit()
        #expect(child.process.terminationReason == .exit)
        #expect(child.process.terminationStatus == 0)
    }

    /// A manager that stopped reading its notify socket holds the daemon up by a moment at most: it goes on
    /// pinging (messages are dropped, not waited for), and SIGTERM still ends it at once, with status 0.
    @Test func aManagerThatStoppedReadingCannotHoldTheDaemon() throws {
        let (cli, notify) = try farAway()
        let child = try start(cli, notify: notify, watchdog: false, extra: ["WATCHDOG_USEC": "200000"])
        defer { child.stop() }
        #expect(notify.wait(for: "READY=1", timeout: 10) != nil)
        #expect(notify.fill(timeout: 5))
        let pid = child.process.processIdentifier
        kill(pid, SIGTERM)
        let end = Date().addingTimeInterval(5)
        while child.process.isRunning && Date() < end { usleep(10_000) }
        #expect(!child.process.isRunning, "the daemon still runs 5 s after SIGTERM")
        if child.process.isRunning { kill(pid, SIGKILL) }
        child.process.waitUntilExit()
        #expect(child.process.terminationReason == .exit)
        #expect(child.process.terminationStatus == 0)
    }

    @Test func aBrokenConfigEditKeepsTheOldPlanAndAFixedOneIsPickedUp() throws {
        let (cli, notify) = try farAway()
        let child = try start(cli, notify: notify, watchdog: false)
        defer { child.stop() }
        #expect(notify.wait(for: "READY=1", timeout: 10) != nil)
        let config = cli.dir.appendingPathComponent("config.toml").path
        // An editor writes a new file and renames it over the old one.
        func replace(_ text: String) {
            let tmp = config + ".new"
            _ = FileManager.default.createFile(
                atPath: tmp, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            rename(tmp, config)
        }
        replace("[[commitment]]\nid = \"far\"\ntitle = \"Far away\"\nonce = \"not a date\"\n")
        #expect(notify.wait(for: "config error", timeout: 3) != nil)
        replace(
            "[[commitment]]\nid = \"near\"\ntitle = \"Near\"\nonce = \"\(BadInputTests.farYear - 1)-01-01 10:00\"\n")
        #expect(notify.wait(for: "next: Near", timeout: 3) != nil)
    }

    @Test func killedMidwayAndRestartedItSendsNothingTwiceAndLosesNothing() throws {
        // A promise due every second for eight seconds (nothing may nudge more often than once a minute,
        // so these are one-offs).
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let start0 = Date().addingTimeInterval(2)
        let promises = (0..<8).map { i in
            """

            [[commitment]]
            id = "tick-\(i)"
            title = "One of eight"
            once = "\(f.string(from: start0.addingTimeInterval(Double(i)))) UTC"
            follow_ups = 0
            """
        }.joined()
        let cli = try CLIRunner(config: "[settings]\nchannels = [\"console\"]\n" + promises)
        let notify = try NotifySocket(path: cli.dir.appendingPathComponent("notify").path)
        let first = try start(cli, notify: notify, watchdog: false)
        #expect(notify.wait(for: "READY=1", timeout: 10) != nil)
        _ = first.readOutput(until: "\n", timeout: 5)
        Thread.sleep(forTimeInterval: 3.1)
        NudgeCLITests.stop(first.process, signal: SIGKILL)
        _ = first.readOutput(until: "never", timeout: 0.3)
        let second = try start(cli, notify: notify, watchdog: false)
        _ = second.readOutput(until: "never", timeout: 4)
        second.stop()
        _ = second.readOutput(until: "never", timeout: 0.3)
        let printed = (first.output + second.output).split(separator: "\n").count
        #expect(printed >= 3)
        // Every line printed is one ledger row sent (or of unknown fate), and no row was sent twice.
        let rows = Int(try cli.query("select count(*) from nudge where state in ('sent','unknown')"))
        #expect(rows == printed)
    }

    @Test func hungHooksDelayNeitherTheWatchdogNorSIGTERM() throws {
        var text = "[settings]\ntimezone = \"Europe/Berlin\"\nchannels = [\"hang\"]\n"
        text += "[channel.hang]\nkind = \"command\"\ncommand = [\"/bin/sleep\", \"30\"]\ntimeout = \"8s\"\n"
        let cli = try CLIRunner(config: text)
        // Three promises due the moment they are added: the daemon sends them as it starts.
        for i in 0..<3 { #expect(try cli.run(["add", "Hung \(i)", "--id", "h\(i)", "--at", "now"]).status == 0) }
        let notify = try NotifySocket(path: cli.dir.appendingPathComponent("notify").path)
        let child = try start(cli, notify: notify)
        defer { child.stop() }
        #expect(notify.wait(for: "READY=1", timeout: 10) != nil)
        // The hooks hang; the watchdog (every 0.5 s) goes on meanwhile.
        let before = notify.messages.count
        _ = notify.wait(for: "never", timeout: 2)
        let pings = notify.messages[before...].filter { $0.contains("WATCHDOG=1") }.count
        #expect(pings >= 3)
        #expect(Int(try cli.query("SELECT count(*) FROM nudge WHERE attempted_at IS NOT NULL")) == 3)
        let sigterm = Date()
        kill(child.process.processIdentifier, SIGTERM)
        child.process.waitUntilExit()
        let took = Date().timeIntervalSince(sigterm)
        print("daemon: SIGTERM with three hooks hanging ended it in \(Int(took * 1000)) ms")
        #expect(took < 1.5)
        #expect(child.process.terminationStatus == 0)
        // Cut short in flight, the three are of unknown fate: never sent again.
        let restarted = try start(cli, notify: notify, watchdog: false)
        _ = restarted.readOutput(until: "never", timeout: 1.5)
        restarted.stop()
        #expect(Int(try cli.query("select count(*) from nudge where state = 'unknown'")) == 3)
        #expect(Int(try cli.query("select count(*) from nudge")) == 3)
    }

    /// Context switches of every thread of `pid` so far.
    func switches(_ pid: Int32) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.reduce(0) { sum, task in
            let status = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8)) ?? ""
            return sum
                + status.split(separator: "\n").filter { $0.contains("ctxt_switches:") }
                .compactMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }.reduce(0, +)
        }
    }

    @Test func anIdleDaemonOnANewRecordSleeps() throws {
        // Nothing due for years, no watchdog: between two looks the process runs no instruction at all.
        let cli = try CLIRunner(config: BadInputTests.far)
        let notify = try NotifySocket(path: cli.dir.appendingPathComponent("notify").path)
        let child = try start(cli, notify: notify, watchdog: false)
        defer { child.stop() }
        #expect(notify.wait(for: "READY=1", timeout: 10) != nil)
        _ = notify.wait(for: "never", timeout: 1.5)
        let before = switches(child.process.processIdentifier)
        _ = notify.wait(for: "never", timeout: 3)
        let woken = switches(child.process.processIdentifier) - before
        print("daemon: idle on a new record, \(woken) context switches in 3 s")
        #expect(woken == 0)
    }
}
