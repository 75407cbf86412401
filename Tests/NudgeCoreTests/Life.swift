import Foundation
import GRDB
import Logging
import Testing

@testable import NudgeCore

/// One person's record lived through time in-process: the real record (SQLite), the real `Runner`
/// and the answering use cases, on a clock the test moves. Every nudge goes to a recording channel.
final class Life: @unchecked Sendable {
    /// One nudge as the channel received it.
    struct Sent: Equatable, CustomStringConvertible {
        var kind: NudgeKind
        var commitment: String
        var occurrence: Int64
        var at: Instant
        var channel: String
        var description: String { "\(kind.rawValue) \(commitment) @\(at.seconds) → \(channel)" }
    }

    let store: Store
    /// A second connection to the record, as the command line opens it: answers go through it, so a
    /// resident daemon hears of them as it would of the real command line.
    let cli: Store
    let directory: String
    var config: Config
    var now: Instant
    private let sentLog = Locked<[Sent]>([])
    var sent: [Sent] { sentLog.withLock { $0 } }
    /// The resident daemon, when the life is lived by one on a test clock.
    private(set) var daemon: Daemon?
    private(set) var clock: TestClock?
    /// When the runner asked to look again.
    private(set) var next: Instant?

    /// A life with the config `toml` (zone, channels…), starting at `start` (local time of the config's zone).
    init(_ toml: String, start: String) throws {
        let result = try ConfigLoaderTests.load(toml)
        config = try #require(result.config, "\(result.diagnostics)")
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("nudge-life-\(UUID().uuidString)")
            .path
        store = try Store(path: directory + "/state/nudge.sqlite")
        cli = try Store(path: directory + "/state/nudge.sqlite")
        now = Instant(seconds: 0)
        now = try t(start)
    }

    deinit {
        daemon?.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Records what a channel was given: each nudge of a digest on its own.
    func record(_ message: NudgeMessage, _ channel: Channel, at: Instant) {
        for m in message.items.isEmpty ? [message] : message.items {
            sentLog.withLock {
                $0.append(
                    Sent(
                        kind: m.kind, commitment: m.commitment.rawValue, occurrence: m.occurrence, at: at,
                        channel: channel.name))
            }
        }
    }

    /// A local time in the config's zone ("2026-12-01 08:00").
    func t(_ text: String) throws -> Instant {
        try Timestamp.parse(text, zone: config.settings.timezone, now: now)
    }

    /// A local "MM-DD HH:MM" for messages.
    func show(_ i: Instant) -> String {
        let l = config.settings.timezone.local(i)
        return String(format: "%02lld-%02lld %02lld:%02lld", l.month, l.day, l.hour, l.minute)
    }

    /// Runs what is due at the current time, as `nudge tick` or a daemon's timer would.
    @discardableResult
    func run() throws -> Instant? {
        let router = ChannelRouter(config: config, fallbackCounts: true) { [unowned self] message, channel, _ in
            self.record(message, channel, at: self.now)
            return .sent
        }
        next = try Runner(config: config, store: store, router: router, width: 1).run(now: now)
        return next
    }

    /// Moves the clock to `text` and runs.
    @discardableResult
    func run(at text: String) throws -> Instant? {
        now = try t(text)
        return try run()
    }

    /// Lives until `end` the way a resident daemon does: wakes exactly when the runner asked to.
    func liveAsDaemon(until end: Instant) throws {
        try run()
        while let n = next, n <= end {
            now = max(n, now)
            try run()
        }
        now = end
        try run()
    }

    /// Lives until `end` the way `nudge-tick.timer` does: a run at every whole minute.
    func liveByTicks(until end: Instant) throws {
        try run()
        var t = Instant(seconds: (now.seconds / 60 + 1) * 60)
        while t <= end {
            now = t
            try run()
            t = t + Span.minutes(1)
        }
        now = end
        try run()
    }

    /// The answering use cases at the current time.
    var answers: Answers { get throws { try Answers(config: config, store: cli, now: now) } }

    /// Starts the real daemon on a test clock, over the config file `toml` (the same as `config`).
    func startDaemon(_ toml: String) throws {
        let path = directory + "/config.toml"
        try writeConfig(toml)
        let clock = TestClock(now)
        let loader = try ConfigLoaderTests.loader()
        var parts = Daemon.Parts(
            config: config, configPath: path, store: store,
            logger: Logger(label: "life") { _ in SwiftLogNoOpLogHandler() }, desktop: DesktopChannel(),
            loader: { loader },
            send: { [unowned self] message, channel, _ in
                self.record(message, channel, at: clock.now)
                return .sent
            }, clock: clock, fallbackCounts: true)
        parts.width = 1
        let daemon = Daemon(parts)
        self.clock = clock
        self.daemon = daemon
        daemon.start()
    }

    /// Writes the config file as editors do (a new file renamed over the old one).
    func writeConfig(_ toml: String) throws {
        let path = directory + "/config.toml"
        try Data(toml.utf8).write(to: URL(fileURLWithPath: path + ".tmp"))
        chmod(path + ".tmp", 0o600)
        rename(path + ".tmp", path)
    }

    /// Moves the daemon's clock (and the life's) to `t`; `asleep`: the machine slept until then.
    func advanceDaemon(to t: Instant, asleep: Bool = false) {
        clock?.advance(to: t, asleep: asleep)
        now = max(now, t)
    }

    /// Waits until the daemon has planned for every change made through `cli`, or reloaded `reloads` times.
    func waitForDaemon(reloads: Int? = nil) {
        guard let daemon else { return }
        let end = Date().addingTimeInterval(10)
        while Date() < end {
            if daemon.caughtUp, reloads.map({ r in daemon.work.sync { daemon.reloads >= r } }) ?? true { return }
            usleep(2000)
        }
        Issue.record("the daemon did not catch up within 10 s")
    }

    /// What `nudge status` shows now.
    func status(count: Int = 5) throws -> StatusSummary {
        StatusSummary(
            config: try store.commitments(of: config), state: try store.planState(), pending: try store.pending(),
            now: now, count: count)
    }

    /// Nudges sent for a commitment, as "kind@MM-DD HH:MM".
    func nudges(_ id: String) -> [String] {
        sent.filter { $0.commitment == id }.map { "\($0.kind.rawValue)@\(show($0.at))" }
    }

    /// Every occurrence recorded, oldest due first.
    func occurrences() throws -> [Occurrence] {
        try store.queue.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Store.occurrenceColumns) FROM occurrence ORDER BY due, id")
                .compactMap(Store.occurrence)
        }
    }

    /// Outcomes of a commitment as "MM-DD HH:MM kept" (or "pending"), oldest due first.
    func outcomes(_ id: String) throws -> [String] {
        try occurrences().filter { $0.commitment.rawValue == id }.map {
            "\(show($0.due)) \($0.outcome?.rawValue ?? "pending")"
        }
    }

    /// The reason an ended occurrence was recorded with.
    func reasons(_ id: String) throws -> [String?] {
        try store.queue.read { db in
            try String?.fetchAll(
                db, sql: "SELECT reason FROM occurrence WHERE commitment = ? ORDER BY due, id", arguments: [id])
        }
    }
}
