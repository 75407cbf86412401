import Foundation
import NudgeCore
import Testing

/// The systemd units: what the repository ships, what `nudge install` writes, and that systemd accepts them.
@Suite(.serialized, .realTime)
struct UnitTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theEmbeddedUnitsAreTheRepositorysUnits() throws {
        for name in Units.names {
            let file = try String(contentsOf: Self.repo.appendingPathComponent("systemd/\(name)"), encoding: .utf8)
            #expect(Units.text(name) == file, "\(name)")
        }
    }

    @Test func systemdAnalyzeVerifiesEveryUnit() throws {
        let analyze = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: analyze) else {
            peerMissing("systemd-analyze is not installed; .ci/run installs systemd")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-units-\(UUID().uuidString)")
        let runtime = dir.appendingPathComponent("runtime")
        try FileManager.default.createDirectory(
            at: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var paths: [String] = []
        for name in Units.names {
            // ExecStart must exist for verify: point it at the built binary.
            let url = dir.appendingPathComponent(name)
            try Data((Units.text(name, execStart: CLIRunner.binary) ?? "").utf8).write(to: url)
            paths.append(url.path)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: analyze)
        p.arguments = ["verify", "--user"] + paths
        p.environment = ["XDG_RUNTIME_DIR": runtime.path, "PATH": "/usr/bin:/bin"]
        let err = Pipe()
        p.standardError = err
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(text)")
    }

    @Test func installWritesUnitsForThisBinaryAndUninstallRemovesThem() throws {
        let cli = try CLIRunner(config: "")
        let printed = try cli.run(["install", "--print"])
        #expect(printed.out.contains("ExecStart=\(CLIRunner.binary) daemon"))
        let noEnable = try cli.run(["install", "--no-enable"])
        #expect(noEnable.status == 0)
        let dir = cli.dir.appendingPathComponent(".config/systemd/user")
        for name in Units.names {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path))
        }
        // No user manager runs here: install says what to do and exits 69.
        let install = try cli.run(["install"])
        #expect(install.status == 69)
        #expect(install.err.contains("systemctl --user enable --now nudge.service"))
        #expect(try cli.run(["uninstall"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("nudge.service").path))
        #expect(try cli.run(["uninstall"]).out.contains("nothing to remove"))
    }
}
