import Dispatch
import Foundation
import Logging

/// Sharing through [sync] from the daemon: a round every `poll` while something is pending or an answer
/// waits to be written (a round failed), one soon after an answer is recorded, none at all otherwise (no
/// idle wake-up). A round runs off the
/// `work` queue (the command line gives one that runs `nudge sync` as a child, so the resident process
/// never loads an HTTP stack); what it adopts lands in the record, which the daemon watches.
extension Daemon {
    /// When the next round is due (nil: none, nothing is pending or queued); starts one when it is due now.
    func syncIfDue(now: Instant, pending: Bool) -> Instant? {
        guard let settings = config.sync, let round = parts.syncRound else { return nil }
        let answered = (try? store.lastAnswerID()) ?? 0
        let sync = self.sync
        if sync.running { return nil }
        guard pending || answered != sync.written else { return nil }
        // A second after a new answer; otherwise (pending, or a failed round's answers queued) every poll.
        let due = sync.last.map { $0 + (answered != sync.tried ? .seconds(1) : settings.poll) } ?? now
        guard now >= due else { return due }
        self.sync.running = true
        self.sync.last = now
        self.sync.tried = answered
        let log = self.log
        DispatchQueue(label: "nudge.daemon.sync").async { [weak self] in
            let problem = round()
            if let problem { log.warning("sync: \(problem)", metadata: ["event": "sync"]) }
            guard let self else { return }
            self.work.async {
                self.sync.running = false
                if problem == nil { self.sync.written = answered }
                self.cycle()
            }
        }
        return now + settings.poll
    }

    /// One `nudge sync` round as a child process, so that the daemon never loads libcurl; nil when it
    /// went well, else what it said.
    public static func syncInAChild(config: String) -> String? {
        do {
            let r = try syncChild(["--config", config], timeout: .seconds(120))
            return r.exitStatus == 0 ? nil : r.outputTail.isEmpty ? r.ending : r.outputTail
        } catch {
            return error.localizedDescription
        }
    }

    /// Claims a mail or hook nudge on the shared VTODO through a `nudge sync --claim` child; a server that
    /// does not answer within 10 s leaves it unclaimed (sent from here, logged).
    public static func claimInAChild(config: String, log: Logger?) -> @Sendable (NudgeMessage, Channel) -> Claim {
        { message, channel in
            let arguments = ["--config", config, "--claim", ClaimRequest(message, channel: channel.name).text]
            let said = "\(message.kind.rawValue) \(message.commitment) via \(channel.name)"
            let claim: Claim
            do {
                let r = try syncChild(arguments, timeout: .seconds(8))
                let word = r.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
                claim =
                    r.exitStatus == 0
                    ? Claim(word: word) ?? .unclaimed("the child said \"\(word)\"")
                    : .unclaimed(r.outputTail.isEmpty ? r.ending : r.outputTail)
            } catch {
                claim = .unclaimed(error.localizedDescription)
            }
            switch claim {
            case .mine: break
            case .elsewhere(let device):
                log?.info("\(said): \(device) claimed it and sends it", metadata: ["event": "claimed-elsewhere"])
            case .unclaimed(let why):
                log?.warning("\(said): sent unclaimed (\(why))", metadata: ["event": "unclaimed"])
            }
            return claim
        }
    }

    /// Runs `nudge sync ARGUMENTS` as a child: the same program, the user's session and where nudge's files
    /// are, nothing of systemd's.
    static func syncChild(_ arguments: [String], timeout: Span) throws -> SubprocessResult {
        let program =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let environment = ProcessInfo.processInfo.environment
        var base = Subprocess.userEnvironment(environment)
        for key in ["XDG_STATE_HOME", "XDG_CONFIG_HOME", "TZDIR"] { base[key] = environment[key] }
        return try Subprocess.run([program, "sync"] + arguments, base: base, timeout: timeout)
    }
}
