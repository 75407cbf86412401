import Foundation
import Testing

/// The daemon's log entries in a real journald (one per machine: this suite runs on its own).
@Suite(.serialized, .realTime)
struct JournalTests {
    static let socketPath = "/run/systemd/journal/socket"
    static let journald = "/lib/systemd/systemd-journald"

    /// Starts journald when none runs (as PEERS.md shows); returns the process to stop, if we started one.
    func ensureJournald() -> Process? {
        if Self.alive() { return nil }
        guard FileManager.default.isExecutableFile(atPath: Self.journald), getuid() == 0 else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.journald)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try? p.run()
        for _ in 0..<50 where !Self.alive() { usleep(100_000) }
        return p
    }

    /// Whether something listens on the journal socket (a stopped journald leaves the file behind).
    static func alive() -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in Array(socketPath.utf8).prefix(raw.count - 1).enumerated() { raw[i] = b }
        }
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return r == 0
    }

    @Test func daemonEntriesCarryTheNudgeFields() throws {
        let started = ensureJournald()
        defer {
            if let started { stop(started) }
        }
        guard Self.alive() else {
            peerMissing("no journald, and one could not be started (needs root and the systemd package)")
            return
        }
        let id = "j\(UInt32.random(in: 0...UInt32.max))"
        // Due the moment it is added: the daemon nudges it as it starts, no timer to wait for.
        let cli = try CLIRunner(config: "[settings]\ntimezone = \"UTC\"\n")
        #expect(try cli.run(["add", "Stretch", "--id", id, "--at", "now"]).status == 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLIRunner.binary)
        p.arguments = ["daemon", "--log-target", "journal"]
        p.environment = [
            "HOME": cli.dir.path, "NUDGE_CONFIG": cli.dir.appendingPathComponent("config.toml").path,
            "XDG_STATE_HOME": cli.dir.appendingPathComponent("state").path,
        ]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { stop(p) }
        // journald may take a moment to make the entry readable.
        var text = ""
        let end = Date().addingTimeInterval(10)
        while Date() < end, !text.contains("\"NUDGE_EVENT\":\"due\"") {
            text = try runProcess(
                "/usr/bin/journalctl", ["-o", "json", "--no-pager", "SYSLOG_IDENTIFIER=nudge", "NUDGE_ID=\(id)"],
                environment: [:]
            ).out
            usleep(100_000)
        }
        let entries = text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        let due = entries.first { ($0["NUDGE_EVENT"] as? String) == "due" }
        #expect(due != nil, "journal: \(text)")
        #expect(due?["NUDGE_CHANNEL"] as? String == "desktop")
        #expect(due?["NUDGE_OCCURRENCE"] as? String != nil)
        #expect(due?["PRIORITY"] as? String == "6")
        #expect((due?["CODE_FILE"] as? String)?.isEmpty == false)
    }
}
