import Foundation
import Testing

/// Hostile input at the command line: each case gets a clear message and a non-zero exit, never a
/// crash, and the record is never truncated or corrupted (issue #7).
@Suite(.serialized, .realTime)
struct BadInputTests {
    /// Ten years ahead of whatever today is, so the promise never passes under the test.
    static let farYear = Calendar(identifier: .gregorian).component(.year, from: Date()) + 10
    static let far = "[[commitment]]\nid = \"far\"\ntitle = \"Far away\"\nonce = \"\(farYear)-01-01 10:00\"\n"

    @Test func unboundedSpansAndMomentsGetASentence() throws {
        let cli = try CLIRunner(config: Self.far)
        expectClean(try cli.run(["snooze", "far", "292270y"]), status: 65, says: "is longer than a year")
        expectClean(try cli.run(["snooze", "far", "10"]), status: 65, says: "has no unit: 10m? 10s?")
        expectClean(try cli.run(["snooze", "far", "-1h"]), status: 65, says: "a snooze moves forward")
        expectClean(
            try cli.run(["add", "x", "--at", "tomorrow 9:00", "--remind-before", "292271y"]), status: 65,
            says: "is longer than a year")
        expectClean(
            try cli.run(["add", "y", "--at", "2999-01-01 10:00"]), status: 65, says: "more than a century away")
        expectClean(try cli.run(["calendar", "--iterations", "999999999", "daily"]), status: 64, says: "--iterations")
        writeConfig(
            cli,
            Data(
                "[[commitment]]\nid = \"a\"\ntitle = \"A\"\nevery = \"1us\"\n[[commitment]]\nid = \"b\"\ntitle = \"B\"\nwhen = \"*:*:0/0.000001\"\n"
                    .utf8))
        expectClean(try cli.run(["check"]), status: 78, says: "would nudge more than once a minute")
    }

    /// What a run printed, checked for the signs of a crash.
    func expectClean(_ r: (status: Int32, out: String, err: String), status: Int32, says: String) {
        #expect(r.status == status, "exit \(r.status): \(r.err)")
        #expect(r.err.contains(says), "\(r.err)")
        for sign in ["Fatal error", "Stack dump", "backtrace", "Illegal instruction", "Segmentation"] {
            #expect(!r.err.contains(sign), "\(r.err)")
        }
        #expect(r.err.split(separator: "\n").count <= 12, "too long: \(r.err)")
    }

    func writeConfig(_ cli: CLIRunner, _ data: Data) {
        _ = FileManager.default.createFile(
            atPath: cli.dir.appendingPathComponent("config.toml").path, contents: data,
            attributes: [.posixPermissions: 0o600])
    }

    struct ConfigCase: CustomTestStringConvertible, Sendable {
        var name: String
        var data: @Sendable () -> Data
        var says: String
        var testDescription: String { name }
    }

    static let configCases = [
        ConfigCase(
            name: "non-UTF-8 bytes",
            data: { Data("[[commitment]]\nid = \"a\"\ntitle = \"Caf".utf8) + Data([0xE9, 0x22, 0x0A]) },
            says: "config.toml:3:"),
        ConfigCase(
            name: "a 50 MB config", data: { Data(repeating: 0x23, count: 50 << 20) }, says: "at most 1048576 (1 MiB)"),
        ConfigCase(
            name: "a 10,000-character title",
            data: {
                Data(
                    "[[commitment]]\nid = \"a\"\ntitle = \"\(String(repeating: "x", count: 10_000))\"\nwhen = \"daily\"\n"
                        .utf8)
            },
            says: "the title is 10000 characters long; at most 200"),
        ConfigCase(
            name: "an escape character in a title",
            data: { Data("[[commitment]]\nid = \"a\"\ntitle = \"Call \\u001b[31mMom\"\nwhen = \"daily\"\n".utf8) },
            says: "the title contains a control character (U+001B)"),
        ConfigCase(
            name: "a newline in a person",
            data: {
                Data("[[commitment]]\nid = \"a\"\ntitle = \"Call\"\nwith = \"Mom\\nBcc: x@y\"\nwhen = \"daily\"\n".utf8)
            },
            says: "the with contains a control character (U+000A)"),
        ConfigCase(
            name: "a right-to-left override in a title",
            data: { Data("[[commitment]]\nid = \"a\"\ntitle = \"Pay \\u202Efdp.exe\"\nwhen = \"daily\"\n".utf8) },
            says: "the title contains a bidirectional control (U+202E)"),
        ConfigCase(
            name: "a line separator in a title",
            data: { Data("[[commitment]]\nid = \"a\"\ntitle = \"Call\\u2028Mom\"\nwhen = \"daily\"\n".utf8) },
            says: "the title contains a line separator (U+2028)"),
    ]

    @Test(arguments: configCases) func aHostileConfigIsRefusedWithItsPlace(_ c: ConfigCase) throws {
        let cli = try CLIRunner(config: "")
        writeConfig(cli, c.data())
        expectClean(try cli.run(["check"]), status: 78, says: c.says)
        // The record is not touched by a config that cannot be read.
        expectClean(try cli.run(["tick"]), status: 78, says: c.says)
    }

    @Test func hostileTitlesFromTheCommandLineAreRefused() throws {
        let cli = try CLIRunner(config: Self.far)
        expectClean(
            try cli.run(["add", String(repeating: "y", count: 10_000), "--at", "tomorrow 10:00"]), status: 65,
            says: "the title is 10000 characters long")
        expectClean(
            try cli.run(["add", "Ring\u{7}the bell", "--at", "tomorrow 10:00"]), status: 65,
            says: "the title contains a control character (U+0007)")
        expectClean(
            try cli.run(["add", "Call\u{2066}Mom", "--at", "tomorrow 10:00"]), status: 65,
            says: "the title contains a bidirectional control (U+2066)")
        // A title that starts with a dash is text, after --.
        let dash = try cli.run(["add", "--at", "tomorrow 10:00", "--id", "dash", "--", "-rf the plants"])
        #expect(dash.status == 0, "\(dash.err)")
        #expect(try cli.run(["list"]).out.contains("-rf the plants"))
    }

    @Test func aRecordThatIsNotSQLiteIsNamedAndLeftAlone() throws {
        let cli = try CLIRunner(config: Self.far)
        let dir = cli.dir.appendingPathComponent("state/nudge")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let junk = Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
        try junk.write(to: URL(fileURLWithPath: cli.database))
        // Not temporary: 74, which the unit's RestartPreventExitStatus lists, so systemd does not loop on it.
        expectClean(try cli.run(["status"]), status: 74, says: "it is not an SQLite database; move it aside")
        #expect(try Data(contentsOf: URL(fileURLWithPath: cli.database)) == junk)
    }

    @Test func aRecordDamagedInUseIsSaidWithItsFixByEveryCommand() throws {
        let cli = try CLIRunner(config: Self.far)
        #expect(try cli.run(["add", "Call Sam", "--at", "tomorrow 10:00"]).status == 0)
        _ = try cli.query("PRAGMA wal_checkpoint(TRUNCATE)")
        // Garbage over every page but the first: the file opens, the first query fails.
        let handle = try #require(FileHandle(forUpdatingAtPath: cli.database))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 4096)
        try handle.write(contentsOf: Data(repeating: 0x5a, count: Int(size) - 4096))
        try handle.close()
        for args in [["status"], ["done", "call-sam"], ["tick"], ["history"], ["report"]] {
            expectClean(try cli.run(args), status: 74, says: "it is damaged; move it aside")
        }
    }

    @Test func aRecordFromANewerNudgeIsRefusedUntouched() throws {
        let cli = try CLIRunner(config: Self.far)
        #expect(try cli.run(["status"]).status == 0)
        _ = try cli.query("INSERT INTO grdb_migrations VALUES ('v99')")
        _ = try cli.query("PRAGMA wal_checkpoint(TRUNCATE)")
        // As an older SQLite tool may leave it: opening must not switch it back to WAL.
        _ = try cli.query("PRAGMA journal_mode = DELETE")
        let before = try Data(contentsOf: URL(fileURLWithPath: cli.database))
        expectClean(try cli.run(["done", "far"]), status: 78, says: "was written by a newer nudge")
        #expect(try Data(contentsOf: URL(fileURLWithPath: cli.database)) == before)
    }

    @Test func anEmptiedRecordIsRefusedNotStartedAfresh() throws {
        let cli = try CLIRunner(config: Self.far)
        #expect(try cli.run(["add", "Call Sam", "--at", "tomorrow 10:00"]).status == 0)
        _ = try cli.query("PRAGMA wal_checkpoint(TRUNCATE)")
        // Something outside nudge cut the record to nothing: nudge must not quietly begin a new history in it.
        try Data().write(to: URL(fileURLWithPath: cli.database))
        try? FileManager.default.removeItem(atPath: cli.database + "-wal")
        expectClean(try cli.run(["status"]), status: 74, says: "is empty (0 bytes)")
        expectClean(try cli.run(["add", "Call Sam", "--at", "tomorrow 10:00"]), status: 74, says: "remove it to start")
        #expect(try Data(contentsOf: URL(fileURLWithPath: cli.database)).isEmpty)
    }

    @Test func aFreshRecordIsCreatedWholeOrNotAtAll() throws {
        let cli = try CLIRunner(config: Self.far)
        #expect(try cli.run(["status"]).status == 0)
        let state = (cli.database as NSString).deletingLastPathComponent
        let names = try FileManager.default.contentsOfDirectory(atPath: state)
        #expect(names.filter { $0.hasPrefix("nudge.sqlite.new") }.isEmpty, "\(names)")
        #expect(try cli.query("SELECT count(*) FROM grdb_migrations") != "0")
    }

    @Test func withNoProcessToTryTheParserInTheConfigIsNotParsedAtAll() throws {
        // As another user allowed a single process, nudge itself: the parser's trial child cannot start.
        guard getuid() == 0 else { return peerMissing("the test needs root, to run nudge as nobody with setpriv") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-nproc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.toml").path
        try Self.far.write(toFile: config, atomically: true, encoding: .utf8)
        for path in [dir.path, config] { chown(path, 65534, 65534) }
        let r = try runProcess(
            "/usr/bin/setpriv",
            [
                "--reuid=65534", "--regid=65534", "--clear-groups", "prlimit", "--nproc=1", CLIRunner.binary, "check",
                "--config", config,
            ],
            environment: ["PATH": "/usr/bin:/bin", "HOME": dir.path, "TZ": "UTC"])
        // The file is fine: the system is out of processes, a temporary failure (75, not 78).
        #expect(r.status == 75, "\(r)")
        #expect(r.err.contains("no process could be started to try the parser in"), "\(r.err)")
        #expect(!r.err.contains("Fatal error") && r.out.isEmpty, "\(r)")
    }

    /// Mounts something for a test (root only); nil, with the reason, when that is not possible here.
    func mount(_ args: [String]) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/mount")
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else {
            peerMissing("/bin/mount cannot be run here: the test needs it, as root")
            return false
        }
        p.waitUntilExit()
        if p.terminationStatus != 0 {
            peerMissing("cannot mount (\(args.joined(separator: " "))): the test needs root")
            return false
        }
        return true
    }

    func unmount(_ path: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/umount")
        p.arguments = [path]
        try? p.run()
        p.waitUntilExit()
    }

    @Test func aReadOnlyStateDirectoryIsSaidPlainly() throws {
        var cli = try CLIRunner(config: Self.far)
        #expect(try cli.run(["status"]).status == 0)
        // Root ignores 0500: a read-only bind mount it is. Once empty, once holding the record.
        let empty = cli.dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let state = cli.dir.appendingPathComponent("state")
        for dir in [empty, state] {
            guard mount(["--bind", "-o", "ro", dir.path, dir.path]) else { return }
            defer { unmount(dir.path) }
            _ = mount(["-o", "remount,ro,bind", dir.path])
            cli.extra = ["XDG_STATE_HOME": dir.path]
            expectClean(
                try cli.run(["add", "Call Sam", "--at", "tomorrow 10:00"]), status: 73,
                says: "is on a read-only file system")
        }
        cli.extra = [:]
        #expect(try cli.query("PRAGMA integrity_check") == "ok")
    }

    @Test func aFullDiskLosesNothingRecorded() throws {
        var cli = try CLIRunner(config: Self.far)
        let full = cli.dir.appendingPathComponent("full")
        try FileManager.default.createDirectory(at: full, withIntermediateDirectories: true)
        guard mount(["-t", "tmpfs", "-o", "size=256k", "tmpfs", full.path]) else { return }
        defer { unmount(full.path) }
        cli.extra = ["XDG_STATE_HOME": full.path]
        #expect(try cli.run(["add", "Call Sam", "--at", "tomorrow 10:00", "--id", "sam"]).status == 0)
        // Fill the disk to the last block.
        let filler = full.appendingPathComponent("filler").path
        let fd = open(filler, O_WRONLY | O_CREAT, 0o600)
        let block = [UInt8](repeating: 0, count: 4096)
        while write(fd, block, block.count) > 0 {}
        close(fd)
        for i in 0..<3 {
            let r = try cli.run(["add", "Call Ann \(i)", "--at", "tomorrow 11:00"])
            #expect(r.status != 0)
            expectClean(r, status: r.status, says: "full")
        }
        unlink(filler)
        // Space again: everything recorded before is there, and the record is whole.
        let list = try cli.run(["list"])
        #expect(list.status == 0, "\(list.err)")
        #expect(list.out.contains("sam"))
        #expect(!list.out.contains("Call Ann"))
        #expect(try cli.query("PRAGMA integrity_check", in: full.path + "/nudge/nudge.sqlite") == "ok")
    }
}
