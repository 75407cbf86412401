import Dispatch
import Foundation
import Logging

/// Sharing through [sync] from the daemon: a round every `poll` while something is pending, one soon after
/// an answer is recorded, none at all while nothing is pending (no idle wake-up). A round runs off the
/// `work` queue (the command line gives one that runs `nudge sync` as a child, so the resident process
/// never loads an HTTP stack); what it adopts lands in the record, which the daemon watches.
extension Daemon {
    /// When the next round is due (nil: none, nothing is pending or queued); starts one when it is due now.
    func syncIfDue(now: Instant, pending: Bool) -> Instant? {
        guard let settings = config.sync, let round = parts.syncRound else { return nil }
        let answered = (try? store.lastAnswerID()) ?? 0
        let sync = self.sync
        if sync.running { return nil }
        let answeredSince = answered != sync.answered
        guard pending || answeredSince else { return nil }
        let due =
            answeredSince ? (sync.last.map { $0 + .seconds(1) } ?? now) : (sync.last.map { $0 + settings.poll } ?? now)
        guard now >= due else { return due }
        self.sync.running = true
        self.sync.last = now
        self.sync.answered = answered
        let log = self.log
        DispatchQueue(label: "nudge.daemon.sync").async { [weak self] in
            let problem = round()
            if let problem { log.warning("sync: \(problem)", metadata: ["event": "sync"]) }
            guard let self else { return }
            self.work.async {
                self.sync.running = false
                self.cycle()
            }
        }
        return now + settings.poll
    }

    /// One `nudge sync` round as a child process, so that the daemon never loads libcurl; nil when it
    /// went well, else what it said.
    public static func syncInAChild(config: String) -> String? {
        let program =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        do {
            // The user's session and where nudge's files are; nothing of systemd's.
            let environment = ProcessInfo.processInfo.environment
            var base = Subprocess.userEnvironment(environment)
            for key in ["XDG_STATE_HOME", "XDG_CONFIG_HOME", "TZDIR"] { base[key] = environment[key] }
            let r = try Subprocess.run(
                [program, "sync", "--config", config], base: base, timeout: .seconds(120))
            return r.exitStatus == 0 ? nil : r.outputTail.isEmpty ? r.ending : r.outputTail
        } catch {
            return error.localizedDescription
        }
    }
}
