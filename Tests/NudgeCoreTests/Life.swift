import Foundation
import GRDB
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
    let directory: String
    var config: Config
    var now: Instant
    private(set) var sent: [Sent] = []
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
        now = Instant(seconds: 0)
        now = try t(start)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

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
            // A digest of several is one message; each nudge in it is recorded.
            for m in message.items.isEmpty ? [message] : message.items {
                self.sent.append(
                    Sent(
                        kind: m.kind, commitment: m.commitment.rawValue, occurrence: m.occurrence, at: self.now,
                        channel: channel.name))
            }
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
    var answers: Answers { get throws { try Answers(config: config, store: store, now: now) } }

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
