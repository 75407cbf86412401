import Foundation
import Testing

/// `nudge doctor` run as a user runs it: the built binary against a private config, record and session
/// bus (DesktopTests' dbus-daemon and notification server), with this machine's systemctl or a stand-in.
@Suite(.serialized, .realTime)
struct DoctorTests {
    /// A config whose every program is present: the desktop and a command channel running `true`.
    static let healthy = """
        [settings]
        timezone = "Europe/Berlin"

        [channel.phone]
        kind = "command"
        command = ["true", "--", "{title}"]

        [[commitment]]
        id = "call-mom"
        title = "Call Mom"
        when = "Sun 19:00"
        follow_ups = 0
        channels = ["desktop", "phone"]
        """

    /// Whether this machine runs systemd (then a user manager may well be there).
    static var bootedWithSystemd: Bool { FileManager.default.fileExists(atPath: "/run/systemd/system") }

    /// The output's lines, and the line after the one starting with `prefix` (its fix), if any.
    static func line(_ out: String, _ prefix: String) -> (line: String?, next: String?) {
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let i = lines.firstIndex(where: { $0.hasPrefix(prefix) }) else { return (nil, nil) }
        return (lines[i], i + 1 < lines.count ? lines[i + 1] : nil)
    }

    /// A stand-in `systemctl` in `dir/bin`: a user manager in `state`, nudge.service `enabled` and `active`.
    static func fakeSystemctl(in dir: URL, state: String, enabled: String, active: String) throws -> String {
        let bin = dir.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let path = bin.appendingPathComponent("systemctl").path
        try """
        #!/bin/sh
        [ "$1" = --user ] || exit 2
        case "$2 $3" in
          "is-system-running ") echo \(state) ;;
          "is-enabled nudge.service") echo \(enabled) ;;
          "is-active nudge.service") echo \(active) ;;
          "is-enabled nudge-tick.timer") echo disabled; exit 1 ;;
          *) echo inactive; exit 3 ;;
        esac
        """.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return bin.path + ":/usr/bin:/bin"
    }

    @Test func aHealthySetupPassesEverythingButTheMissingUserManager() throws {
        guard DesktopTests.available(), CLIRunner.faketime() != nil else { return }
        var cli = try CLIRunner(config: Self.healthy)
        let session = try DesktopTests.Session(dir: cli.dir)
        defer { session.stop() }
        cli.extra = ["DBUS_SESSION_BUS_ADDRESS": session.address]
        _ = try cli.run(["tick"], at: "2026-11-28 12:00:00")
        // Frozen clocks: the last nudge's time and its age are printed to the second.
        #expect(try cli.run(["tick"], at: "2026-11-29 19:00:00", frozen: true).status == 0)

        let r = try cli.run(["doctor"], at: "2026-11-29 19:05:00", frozen: true)
        #expect(r.err == "")
        let config = cli.dir.appendingPathComponent("config.toml").path
        #expect(Self.line(r.out, "✓ config:").line == "✓ config: \(config): 1 commitment")
        #expect(
            Self.line(r.out, "✓ config permissions:").line == "✓ config permissions: mode 0600, writable by you only")
        #expect(
            Self.line(r.out, "✓ state database:").line == "✓ state database: \(cli.database): writable, integrity ok")
        #expect(Self.line(r.out, "✓ session bus:").line == "✓ session bus: connected to \(session.address)")
        let server = Self.line(r.out, "✓ notification server:").line ?? r.out
        #expect(server.hasSuffix("has actions: popups get Done / Snooze / Skip"), "\(server)")
        // GetServerInformation of notification-server.py: name, vendor, version.
        #expect(server.contains("test-server 1 (nudge)"), "\(server)")
        #expect(Self.line(r.out, "✓ email:").line == "✓ email: not used")
        #expect(Self.line(r.out, "✓ channel phone (command):").line == "✓ channel phone (command): runs /usr/bin/true")
        #expect(
            Self.line(r.out, "✓ time zone:").line
                == "✓ time zone: Europe/Berlin (now 19:05 CET), from settings.timezone in config.toml:2")
        #expect(
            Self.line(r.out, "✓ last nudge:").line
                == "✓ last nudge: Sun 2026-11-29 19:00:00 CET (5min ago), due call-mom: desktop sent, phone sent")
        // Nothing of the doctor's reached the notification server but questions.
        #expect(session.calls().filter { $0["call"] as? String == "Notify" }.count == 1)

        guard !Self.bootedWithSystemd else { return }
        // No systemd here: the one problem, with what to do instead.
        #expect(r.status == 1)
        let manager = Self.line(r.out, "✗ user manager:")
        #expect(manager.line?.hasPrefix("✗ user manager: none (") == true, "\(r.out)")
        #expect(
            manager.next
                == "    run nudge tick from cron (crontab -e: * * * * * nudge tick), or run nudge daemon yourself")
        #expect(
            Self.line(r.out, "! service:").line == "! service: no nudge daemon running; fine if cron runs nudge tick")
        #expect(r.out.split(separator: "\n").filter { $0.hasPrefix("✗") }.count == 1, "\(r.out)")
    }

    @Test func withTheServiceRunningUnderAUserManagerEveryCheckPasses() throws {
        guard DesktopTests.available() else { return }
        var cli = try CLIRunner(config: Self.healthy)
        let session = try DesktopTests.Session(dir: cli.dir)
        defer { session.stop() }
        let path = try Self.fakeSystemctl(in: cli.dir, state: "running", enabled: "enabled", active: "active")
        cli.extra = ["DBUS_SESSION_BUS_ADDRESS": session.address, "PATH": path]
        let r = try cli.run(["doctor"])
        #expect(r.status == 0, "\(r.out)")
        #expect(!r.out.contains("✗"), "\(r.out)")
        #expect(Self.line(r.out, "✓ user manager:").line == "✓ user manager: systemd --user is running")
        #expect(Self.line(r.out, "✓ service:").line == "✓ service: nudge.service enabled, active")
        // No record yet: said so, and not created by the doctor.
        #expect(
            Self.line(r.out, "✓ state database:").line
                == "✓ state database: \(cli.database) not created yet; the first nudge command creates it")
        #expect(Self.line(r.out, "✓ last nudge:").line == "✓ last nudge: none sent yet")
        #expect(!FileManager.default.fileExists(atPath: cli.database))
    }

    @Test func aFailedServiceSaysWhereToLookAndHowToRestartIt() throws {
        let cli = try CLIRunner(config: "")
        var env = cli
        let path = try Self.fakeSystemctl(in: cli.dir, state: "degraded", enabled: "enabled", active: "failed")
        env.extra = ["PATH": path]
        let r = try env.run(["doctor"])
        #expect(r.status == 1)
        let manager = Self.line(r.out, "! user manager:")
        #expect(manager.line == "! user manager: systemd --user is degraded: a user unit failed")
        #expect(manager.next == "    run: systemctl --user --failed")
        let service = Self.line(r.out, "✗ service:")
        #expect(service.line == "✗ service: nudge.service failed")
        #expect(
            service.next
                == "    see why: journalctl --user -u nudge.service -n 20; then: systemctl --user restart nudge.service"
        )
    }

    @Test func aBrokenConfigShowsItsFirstDiagnosticAndPointsAtNudgeCheck() throws {
        let cli = try CLIRunner(
            config: """
                [[commitment]]
                id = "call-mom"
                title = "Call Mom"
                when = "Sun 19:00"
                remid_before = "15m"
                """)
        let r = try cli.run(["doctor"])
        #expect(r.status == 1)
        #expect(r.err == "")
        let config = cli.dir.appendingPathComponent("config.toml").path
        let check = Self.line(r.out, "✗ config:")
        #expect(check.line == "✗ config: \(config):5:1: error: unknown key \"remid_before\" in [[commitment]]")
        #expect(check.next == "    run: nudge check")
        // What depends on the config is not guessed at.
        #expect(Self.line(r.out, "! email:").line == "! email: not checked without a valid config")
        #expect(Self.line(r.out, "! command:").line == "! command: not checked without a valid config")
        // An explicit --config is carried into the fix.
        let other = try cli.run(["doctor", "--config", config])
        #expect(Self.line(other.out, "✗ config:").next == "    run: nudge check --config \(config)")
    }

    @Test func aGroupWritableConfigWithACommandChannelFailsWithTheChmod() throws {
        let cli = try CLIRunner(config: Self.healthy)
        let config = cli.dir.appendingPathComponent("config.toml").path
        chmod(config, 0o664)
        let r = try cli.run(["doctor"])
        #expect(r.status == 1)
        // The text itself is fine; the loader's permission rule refuses it.
        #expect(Self.line(r.out, "✓ config:").line == "✓ config: \(config): 1 commitment")
        let check = Self.line(r.out, "✗ config permissions:")
        #expect(
            check.line
                == "✗ config permissions: mode 0664: refusing a config that defines a command channel (\"phone\") "
                + "while it is writable by its group")
        #expect(check.next == "    run: chmod go-w '\(config)'")
        // Without programs to run, the same mode is only a warning.
        try "[settings]\ntimezone = \"UTC\"\n".write(toFile: config, atomically: false, encoding: .utf8)
        let plain = try cli.run(["doctor"])
        let warning = Self.line(plain.out, "! config permissions:")
        #expect(
            warning.line?.hasPrefix("! config permissions: mode 0664: writable by its group;") == true, "\(plain.out)")
        #expect(warning.next == "    run: chmod go-w \(config)")
    }

    @Test func aDatabaseThatIsNotSQLiteIsReportedAndLeftAlone() throws {
        let cli = try CLIRunner(config: Self.healthy)
        let dir = (cli.database as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let text = "these are my notes, not a database\n"
        try text.write(toFile: cli.database, atomically: false, encoding: .utf8)
        let r = try cli.run(["doctor"])
        #expect(r.status == 1)
        #expect(r.err == "")
        let check = Self.line(r.out, "✗ state database:")
        #expect(check.line == "✗ state database: \(cli.database) is not an SQLite database")
        #expect(check.next == "    run: mv \(cli.database) \(cli.database).broken  (nudge then starts a new record)")
        #expect(
            Self.line(r.out, "! last nudge:").line == "! last nudge: not checked: the state database cannot be used")
        #expect(try String(contentsOfFile: cli.database, encoding: .utf8) == text)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["nudge.sqlite"])

        // SQLite's header over garbage: named as not a database, still no crash.
        try Data("SQLite format 3\0".utf8 + [UInt8](repeating: 0x5a, count: 4000)).write(
            to: URL(fileURLWithPath: cli.database))
        let garbage = try cli.run(["doctor"])
        #expect(garbage.status == 1)
        #expect(garbage.err == "")
        let line = Self.line(garbage.out, "✗ state database:").line ?? garbage.out
        #expect(line.contains("it is not an SQLite database; move it aside"), "\(line)")
    }

    @Test func jsonHasEveryCheckWithItsFix() throws {
        // Only the console: with no session bus, the desktop checks pass as not used.
        let cli = try CLIRunner(
            config: """
                [settings]
                channels = ["console"]

                [channel.mail]
                kind = "email"
                to = "me@example.org"
                sendmail = ["/nonexistent/sendmail", "-t"]

                [[commitment]]
                id = "plants"
                title = "Water the plants"
                when = "Sat 10:00"
                channels = ["console", "mail"]
                """)
        let r = try cli.run(["doctor", "--json"])
        #expect(r.status == 1)
        let parsed = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]]
        let checks = try #require(parsed)
        let names = checks.compactMap { $0["check"] as? String }
        #expect(
            names == [
                "config", "config permissions", "state database", "session bus", "notification server",
                "channel mail (email)", "command", "user manager", "service", "time zone", "last nudge",
            ])
        for c in checks {
            let status = c["status"] as? String
            #expect(["ok", "warning", "failed"].contains(status ?? ""))
            #expect(c["ok"] as? Bool == (status != "failed"))
            #expect((c["detail"] as? String)?.isEmpty == false)
            // Every failure says what fixes it; a pass has nothing to fix.
            if status == "failed" { #expect((c["fix"] as? String)?.isEmpty == false, "\(c)") }
            if status == "ok" { #expect(c["fix"] is NSNull, "\(c)") }
        }
        func check(_ name: String) -> [String: Any] { checks.first { $0["check"] as? String == name } ?? [:] }
        #expect(check("session bus")["ok"] as? Bool == true)
        #expect(
            (check("session bus")["detail"] as? String)?.hasPrefix("not used (no commitment uses a desktop") == true)
        let mail = check("channel mail (email)")
        #expect(mail["ok"] as? Bool == false)
        #expect(mail["detail"] as? String == "/nonexistent/sendmail not found")
        #expect((mail["fix"] as? String)?.contains("[channel.mail]") == true)
        #expect(check("command")["detail"] as? String == "not used")
        let zone = check("time zone")["detail"] as? String ?? ""
        #expect(zone.hasPrefix("Europe/Berlin (now ") && zone.hasSuffix("), from $TZ=Europe/Berlin"), "\(zone)")
    }
}
