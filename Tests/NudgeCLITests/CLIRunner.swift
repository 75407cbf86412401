import Foundation
import Testing

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
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("config.toml").path
        _ = FileManager.default.createFile(
            atPath: path, contents: Data(config.utf8), attributes: [.posixPermissions: 0o600])
    }

    /// `faketime`, or nil (with the reason printed) when it is missing outside CI; in CI it must exist.
    static func faketime() -> String? {
        for p in ["/usr/bin/faketime", "/usr/local/bin/faketime"] where FileManager.default.isExecutableFile(atPath: p)
        {
            return p
        }
        if ProcessInfo.processInfo.environment["CI"] != nil {
            Issue.record("faketime is missing; .ci/run installs it (apt-get install faketime)")
        } else {
            print("skipping: faketime is not installed (apt-get install faketime)")
        }
        return nil
    }

    /// Runs `nudge ARGS` at local time `at` ("2026-11-29 18:45:00"), returning status, stdout and stderr.
    func run(_ args: [String], at: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        var argv = args
        if let at {
            guard let faketime = Self.faketime() else { return (-1, "", "no faketime") }
            p.executableURL = URL(fileURLWithPath: faketime)
            argv = [at, Self.binary] + args
        } else {
            p.executableURL = URL(fileURLWithPath: Self.binary)
        }
        p.arguments = argv
        p.environment = [
            "TZ": zone, "HOME": dir.path, "NUDGE_CONFIG": dir.appendingPathComponent("config.toml").path,
            "XDG_STATE_HOME": dir.appendingPathComponent("state").path, "PATH": "/usr/bin:/bin", "NO_COLOR": "1",
        ].merging(extra) { _, b in b }
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}

extension CLIRunner {
    /// The record's database file.
    var database: String { dir.appendingPathComponent("state/nudge/nudge.sqlite").path }

    /// Runs one SQL query on the record with Python's sqlite3 (another process, like any reader); rows are
    /// lines, columns separated by "|".
    func query(_ sql: String, in file: String? = nil) throws -> String {
        let q = Process()
        q.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        q.arguments = [
            "-c",
            "import sqlite3,sys\nfor r in sqlite3.connect(sys.argv[1], isolation_level=None).execute(sys.argv[2]): print('|'.join(map(str, r)))",
            file ?? database, sql,
        ]
        let out = Pipe()
        q.standardOutput = out
        q.standardError = FileHandle.nullDevice
        q.standardInput = FileHandle.nullDevice
        try q.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        q.waitUntilExit()
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
