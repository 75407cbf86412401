import Foundation
import GRDB
import Logging
import Testing

@testable import NudgeCore

/// A clock the test moves: the daemon's wake-ups fire when time passes them, at their own time.
final class TestClock: DaemonClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Instant
    private var armed: (at: Instant, queue: DispatchQueue, fire: @Sendable () -> Void)?

    init(_ start: Instant) { current = start }

    var now: Instant { lock.withLock { current } }
    var isWallClock: Bool { false }
    /// When the daemon asked to be woken.
    var deadline: Instant? { lock.withLock { armed?.at } }

    func wake(at deadline: Instant?, on queue: DispatchQueue, _ fire: @escaping @Sendable () -> Void) {
        lock.withLock { armed = deadline.map { ($0, queue, fire) } }
    }

    /// Moves time to `t`, firing each wake-up on the way at its own time, as a sleeping daemon lives it;
    /// after a suspend (`asleep`), what fell due meanwhile fires late, at `t`.
    func advance(to t: Instant, asleep: Bool = false) {
        if asleep { lock.withLock { current = max(current, t) } }
        for _ in 0..<10_000 {
            let due = lock.withLock { () -> (at: Instant, queue: DispatchQueue, fire: @Sendable () -> Void)? in
                guard let a = armed, a.at <= t else {
                    current = max(current, t)
                    return nil
                }
                armed = nil
                current = max(current, a.at)
                return a
            }
            guard let due else { return }
            due.queue.sync(execute: due.fire)
        }
    }
}

/// The resident daemon in-process, on a test clock: real record, real file watches, a recording
/// channel. Nothing waits for the daemon's own timer; waits are for inotify to deliver a change.
@Suite(.pinnedZones, .serialized)
struct ResidentDaemonTests {
    final class Harness: @unchecked Sendable {
        let dir: String
        let store: Store
        let clock: TestClock
        let daemon: Daemon
        let sent = Locked<[String]>([])
        let zone: Zone

        init(_ toml: String, start: String, syncRound: (@Sendable () -> String?)? = nil) throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-rd-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir + "/state", withIntermediateDirectories: true)
            try Self.write(toml, to: dir + "/config.toml")
            zone = try Zone.named("Europe/Berlin")
            clock = TestClock(try Timestamp.parse(start, zone: zone, now: Instant(seconds: 0)))
            let loaded = try ConfigLoaderTests.loader().load(path: dir + "/config.toml")
            let config = try #require(loaded.config, "\(loaded.diagnostics)")
            store = try Store(path: dir + "/state/nudge.sqlite")
            let loader = try ConfigLoaderTests.loader()
            let sent = self.sent
            let clock = self.clock
            let zone = self.zone
            var parts = Daemon.Parts(
                config: config, configPath: dir + "/config.toml", store: store,
                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, desktop: DesktopChannel(),
                loader: { [loader] in loader },
                send: { m, c, _ in
                    let l = zone.local(clock.now)
                    let at = String(format: "%02lld-%02lld %02lld:%02lld", l.month, l.day, l.hour, l.minute)
                    sent.withLock { $0.append("\(m.kind.rawValue) \(m.commitment) \(at) \(c.name)") }
                    return .sent
                }, clock: clock, fallbackCounts: true)
            parts.dropSettle = Span(microseconds: 300_000)
            parts.syncRound = syncRound
            daemon = Daemon(parts)
        }

        deinit {
            daemon.stop()
            try? FileManager.default.removeItem(atPath: dir)
        }

        /// Writes a file the way editors do: a new file renamed over the old one.
        static func write(_ text: String, to path: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path + ".tmp"))
            chmod(path + ".tmp", 0o600)
            rename(path + ".tmp", path)
        }

        func t(_ text: String) throws -> Instant { try Timestamp.parse(text, zone: zone, now: clock.now) }

        func advance(to text: String) throws { clock.advance(to: try t(text)) }

        var lines: [String] { sent.withLock { $0 } }

        /// A second connection to the record, as the command line opens it.
        func answers() throws -> Answers {
            let loaded = try ConfigLoaderTests.loader().load(path: dir + "/config.toml")
            return try Answers(
                config: try #require(loaded.config), store: try Store(path: dir + "/state/nudge.sqlite"),
                now: clock.now)
        }

        /// Waits (for inotify, never for the daemon's timer) until `ok` holds, up to five seconds.
        func eventually(_ ok: () -> Bool) -> Bool {
            let end = Date().addingTimeInterval(5)
            while Date() < end {
                if ok() { return true }
                usleep(5000)
            }
            return ok()
        }
    }

    static let daily = """
        [settings]
        timezone = "Europe/Berlin"
        channels = ["console"]

        [[commitment]]
        id = "meds"
        title = "Take meds"
        when = "*-*-* 08:00"
        follow_up = "15m"
        follow_ups = 2
        grace = "2h"
        """

    @Test func syncRoundsComeOnlyWhileSomethingIsPendingAndJustAfterAnAnswer() throws {
        let rounds = Locked(0)
        let sync = "\n[sync]\nurl = \"http://127.0.0.1:9/me/nudge/\"\nusername = \"me\"\npassword_file = \"/p\"\n"
        let h = try Harness(Self.daily + sync, start: "2026-12-01 06:00") {
            rounds.withLock { $0 += 1 }
            return nil
        }
        h.daemon.start()
        // Nothing pending: no round, and no wake-up before the promise is due.
        #expect(rounds.withLock { $0 } == 0)
        #expect(h.clock.deadline == (try h.t("2026-12-01 08:00")))
        // Due: a round at once, then one a minute (poll) while it is pending.
        try h.advance(to: "2026-12-01 08:00")
        #expect(h.eventually { rounds.withLock { $0 } == 1 })
        for minute in 1...3 {
            #expect(h.eventually { h.clock.deadline == (try? h.t("2026-12-01 08:0\(minute)")) })
            try h.advance(to: "2026-12-01 08:0\(minute)")
            #expect(h.eventually { rounds.withLock { $0 } == 1 + minute })
        }
        // Answered from the command line: one round a second later, then none while nothing is pending.
        _ = try h.answers().done("meds")
        #expect(h.eventually { h.clock.deadline == (try? h.t("2026-12-01 08:03:01")) })
        try h.advance(to: "2026-12-01 08:03:01")
        #expect(h.eventually { rounds.withLock { $0 } == 5 })
        #expect(h.eventually { h.clock.deadline == (try? h.t("2026-12-02 08:00")) })
        try h.advance(to: "2026-12-01 20:00")
        #expect(rounds.withLock { $0 } == 5)
    }

    @Test func anAnswerNotYetWrittenKeepsTheDaemonPollingUntilARoundWrites() throws {
        let rounds = Locked(0)
        let away = Locked(true)
        let sync = "\n[sync]\nurl = \"http://127.0.0.1:9/me/nudge/\"\nusername = \"me\"\npassword_file = \"/p\"\n"
        let h = try Harness(Self.daily + sync, start: "2026-12-01 06:00") {
            rounds.withLock { $0 += 1 }
            return away.withLock { $0 } ? "cannot reach http://127.0.0.1:9/me/nudge/" : nil
        }
        h.daemon.start()
        try h.advance(to: "2026-12-01 08:00")
        #expect(h.eventually { rounds.withLock { $0 } == 1 })
        // Answered while the server is away: the round a second later fails, and nothing is pending now;
        // the answer still waits to be written, so a round comes every poll until one goes through.
        _ = try h.answers().done("meds")
        #expect(h.eventually { h.clock.deadline == (try? h.t("2026-12-01 08:00:01")) })
        try h.advance(to: "2026-12-01 08:00:01")
        #expect(h.eventually { rounds.withLock { $0 } == 2 })
        #expect(h.eventually { h.clock.deadline == (try? h.t("2026-12-01 08:01:01")) })
        try h.advance(to: "2026-12-01 08:01:01")
        #expect(h.eventually { rounds.withLock { $0 } == 3 })
        away.withLock { $0 = false }
        #expect(h.eventually { h.clock.deadline == (try? h.t("2026-12-01 08:02:01")) })
        try h.advance(to: "2026-12-01 08:02:01")
        #expect(h.eventually { rounds.withLock { $0 } == 4 })
        // Written: no more rounds until something is pending again.
        #expect(h.eventually { h.clock.deadline == (try? h.t("2026-12-02 08:00")) })
        try h.advance(to: "2026-12-01 20:00")
        #expect(rounds.withLock { $0 } == 4)
    }

    @Test func nudgesAtThePlannedTimeOnItsClockAndRecordsAMiss() throws {
        let h = try Harness(Self.daily, start: "2026-12-01 07:00")
        h.daemon.start()
        #expect(h.clock.deadline == (try h.t("2026-12-01 08:00")))
        try h.advance(to: "2026-12-01 11:00")
        #expect(
            h.lines == [
                "due meds 12-01 08:00 console", "follow-up meds 12-01 08:15 console",
                "follow-up meds 12-01 08:30 console",
            ])
        #expect(try h.store.history().map(\.outcome) == [.missed])
        #expect(h.daemon.status.hasPrefix("0 pending · next: Take meds at Wed 08:00"))
    }

    @Test func anAnswerFromTheShellIsHeardWithoutPolling() throws {
        let h = try Harness(Self.daily, start: "2026-12-01 07:00")
        h.daemon.start()
        try h.advance(to: "2026-12-01 08:05")
        _ = try h.answers().done("meds")
        #expect(h.eventually { h.daemon.caughtUp })
        #expect(h.daemon.status.hasPrefix("0 pending"))
        try h.advance(to: "2026-12-01 12:00")
        #expect(h.lines == ["due meds 12-01 08:00 console"])
    }

    @Test func aSnoozeFromTheShellBringsTheNextNudgeForward() throws {
        let h = try Harness(Self.daily.replacingOccurrences(of: "\"15m\"", with: "\"1h\""), start: "2026-12-01 07:00")
        h.daemon.start()
        try h.advance(to: "2026-12-01 08:01")
        _ = try h.answers().snooze("meds", until: try h.t("2026-12-01 08:11"))
        #expect(h.eventually { h.clock.deadline == (try? h.t("2026-12-01 08:11")) })
        try h.advance(to: "2026-12-01 08:12")
        #expect(h.lines == ["due meds 12-01 08:00 console", "follow-up meds 12-01 08:11 console"])
    }

    @Test func aPromiseAddedWhileItRunsIsNudged() throws {
        let h = try Harness(Self.daily, start: "2026-12-01 09:00")
        h.daemon.start()
        let other = try Store(path: h.dir + "/state/nudge.sqlite")
        try other.add(
            id: try #require(CommitmentID("call-sam")), title: "Call Sam back", with: nil,
            due: try h.t("2026-12-01 09:20"), remindBefore: nil, now: h.clock.now)
        #expect(h.eventually { h.clock.deadline == (try? h.t("2026-12-01 09:20")) })
        try h.advance(to: "2026-12-01 09:21")
        #expect(h.lines == ["due call-sam 12-01 09:20 console"])
    }

    @Test func anEditIsReloadedAndAHalfWrittenFileEndsNothing() throws {
        let h = try Harness(Self.daily, start: "2026-12-01 07:00")
        h.daemon.start()
        try h.advance(to: "2026-12-01 08:01")
        // A tool writes the file in place and is caught halfway: valid TOML without the commitment.
        let path = h.dir + "/config.toml"
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("[settings]\ntimezone = \"Europe/Berlin\"\n".utf8))
        try handle.close()
        #expect(h.eventually { h.daemon.status.contains("1 pending") && h.daemon.isHoldingOffADrop })
        // Still pending: the follow-up comes.
        try h.advance(to: "2026-12-01 08:16")
        #expect(
            h.lines.last == "follow-up meds 12-01 08:16 console" || h.lines.last == "follow-up meds 12-01 08:15 console"
        )
        // The rest of the file arrives: nothing was ended on the way.
        try Harness.write(Self.daily, to: path)
        #expect(h.eventually { !h.daemon.isHoldingOffADrop })
        #expect(try h.store.history().isEmpty)
    }

    @Test func aConfigThatReallyDropsACommitmentEndsItOnceItStaysSo() throws {
        let h = try Harness(Self.daily, start: "2026-12-01 07:00")
        h.daemon.start()
        try h.advance(to: "2026-12-01 08:01")
        try Harness.write("[settings]\ntimezone = \"Europe/Berlin\"\n", to: h.dir + "/config.toml")
        // Read again unchanged a few seconds later, the drop is believed and the occurrence ends.
        #expect(h.eventually { h.daemon.isHoldingOffADrop })
        #expect(h.eventually { (try? h.store.history().first?.outcome) == .skipped })
    }

    @Test func aSymlinkedConfigIsFollowedToWhereverItPointsNow() throws {
        let h = try Harness(Self.daily, start: "2026-12-01 07:00")
        // config.toml → one/config.toml; later → two/config.toml, edited afterwards.
        for d in ["one", "two"] {
            try FileManager.default.createDirectory(atPath: h.dir + "/" + d, withIntermediateDirectories: true)
            try Harness.write(Self.daily, to: h.dir + "/\(d)/config.toml")
        }
        try FileManager.default.removeItem(atPath: h.dir + "/config.toml")
        symlink(h.dir + "/one/config.toml", h.dir + "/config.toml")
        h.daemon.start()
        unlink(h.dir + "/config.toml")
        symlink(h.dir + "/two/config.toml", h.dir + "/config.toml")
        #expect(h.eventually { h.daemon.work.sync { h.daemon.reloads } == 1 })
        let later = Self.daily.replacingOccurrences(of: "08:00", with: "09:00")
        try Harness.write(later, to: h.dir + "/two/config.toml")
        #expect(h.eventually { h.daemon.status.contains("next: Take meds at Tue 09:00") })
    }

    @Test func afterStopNothingMoreIsSent() throws {
        let h = try Harness(Self.daily, start: "2026-12-01 07:00")
        h.daemon.start()
        h.daemon.stop()
        try h.advance(to: "2026-12-01 12:00")
        #expect(h.lines.isEmpty)
    }
}
