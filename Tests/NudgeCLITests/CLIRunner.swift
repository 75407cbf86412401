import Foundation
import Testing

/// A peer a test needs is missing: in CI that fails the test (.ci/run installs every peer); elsewhere the
/// test is skipped, with the reason printed.
func peerMissing(_ why: String) {
    if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record("\(why)") } else { print("skipping: \(why)") }
}

/// Sends `signal` to a child while it still runs, then waits for it to end.
///
/// Never signals a pid whose process already ended: once reaped, the number may name another process,
/// such as a command another suite runs at the same time (a stray SIGKILL there made a faketime'd
/// `nudge repair` exit 1 with nothing on stdout).
func stop(_ p: Process, signal: Int32 = SIGTERM) {
    guard p.processIdentifier > 0 else { return }
    if p.isRunning { kill(p.processIdentifier, signal) }
    p.waitUntilExit()
}

/// Runs a program to its end with standard input closed; returns its status, stdout and stderr.
func runProcess(_ program: String, _ args: [String], environment: [String: String], in dir: URL? = nil) throws -> (
    status: Int32, out: String, err: String
) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program)
    p.arguments = args
    p.environment = environment
    if let dir { p.currentDirectoryURL = dir }
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    // Both pipes are read at once: a child that fills one while the other is read to its end would hang.
    let errors = PipeReader(err.fileHandleForReading)
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = errors.wait()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// Reads a pipe to its end on a thread of its own.
final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    /// Everything the pipe carried, once its writers closed it.
    func wait() -> Data {
        done.wait()
        return data
    }
}

/// Runs the built `nudge` binary, optionally under faketime, in a private config and state directory.
struct CLIRunner {
    let dir: URL
    var zone = "Europe/Berlin"
    /// More environment for the runs (a session bus address).
    var extra: [String: String] = [:]

    /// The directory holding the built products (the `nudge` binary sits beside the test bundle).
    static let products: URL = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: url.appendingPathComponent("nudge").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    static var binary: String { products.appendingPathComponent("nudge").path }

    /// A fresh directory with `config` written 0600 as its config.
    init(config: String) throws {
        // Under /tmp with a short name, whatever TMPDIR says: the tests bind unix sockets (NOTIFY_SOCKET,
        // a session bus) in it, and a socket's path must fit in 108 bytes.
        dir = URL(fileURLWithPath: "/tmp/nudge-" + UUID().uuidString.prefix(13).lowercased())
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("config.toml").path
        _ = FileManager.default.createFile(
            atPath: path, contents: Data(config.utf8), attributes: [.posixPermissions: 0o600])
    }

    /// "HH:MM:SS UTC", for a calendar expression due at `date`: in UTC, so that a repeated hour (a
    /// fall-back night) cannot move it a day, and in digits whatever the host's locale.
    static func clockTime(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "HH:mm:ss"
        return f.string(from: date) + " UTC"
    }

    /// Zone files that do not change under the tests: those the calendar oracle's cases were recorded
    /// with. Every run of the binary reads these (TZDIR), so expected outputs do not depend on the
    /// tzdata the machine has installed.
    static let zoneinfo = UnitTests.repo.appendingPathComponent("Tests/NudgeCoreTests/Fixtures/zoneinfo").path

    /// `faketime`, or nil (with the reason printed) when it is missing outside CI; in CI it must exist.
    static func faketime() -> String? {
        for p in ["/usr/bin/faketime", "/usr/local/bin/faketime"] where FileManager.default.isExecutableFile(atPath: p)
        {
            return p
        }
        peerMissing("faketime is not installed; .ci/run installs it (apt-get install faketime)")
        return nil
    }

    /// Runs `nudge ARGS` at local time `at` ("2026-11-29 18:45:00"), returning status, stdout and stderr.
    /// The clock starts at `at` and runs on; `frozen` stops it there, for output that shows the seconds
    /// of "now" (a loaded machine can take a second to get there). Only for commands that wait on no
    /// timeout: a frozen clock never reaches one.
    func run(_ args: [String], at: String? = nil, frozen: Bool = false) throws -> (
        status: Int32, out: String, err: String
    ) {
        var program = Self.binary
        var argv = args
        if let at {
            guard let faketime = Self.faketime() else { return (-1, "", "no faketime") }
            program = faketime
            argv = (frozen ? ["-f", at] : [at]) + [Self.binary] + args
        }
        let environment = [
            "TZ": zone, "TZDIR": Self.zoneinfo, "HOME": dir.path,
            "NUDGE_CONFIG": dir.appendingPathComponent("config.toml").path,
            "XDG_STATE_HOME": dir.appendingPathComponent("state").path, "PATH": "/usr/bin:/bin", "NO_COLOR": "1",
        ].merging(extra) { _, b in b }
        let result = try runProcess(program, argv, environment: environment)
        if at != nil, result.err.contains("faketime: ") || result.err.hasPrefix("Caught ") {
            Issue.record("the faketime wrapper failed, not nudge: \(result.err)")
        }
        return result
    }
}

extension CLIRunner {
    /// The record's database file.
    var database: String { dir.appendingPathComponent("state/nudge/nudge.sqlite").path }

    /// Runs one SQL query on the record with Python's sqlite3 (another process, like any reader); rows are
    /// lines, columns separated by "|".
    func query(_ sql: String, in file: String? = nil) throws -> String {
        let script =
            "import sqlite3,sys\nfor r in sqlite3.connect(sys.argv[1], isolation_level=None).execute(sys.argv[2]): print('|'.join(map(str, r)))"
        return try runProcess("/usr/bin/python3", ["-c", script, file ?? database, sql], environment: [:]).out
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
