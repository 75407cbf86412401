import Foundation

/// Performs what is due: the shared core of `nudge tick` and the daemon's timer.
///
/// Loops the planner until it has nothing more to do at `now`, recording each step in the store
/// before acting on it, so a run killed at any point loses no outcome and never repeats a sent nudge.
public struct Runner: Sendable {
    public var config: Config
    public var store: Store
    /// Sends recorded deliveries (and the caller records how they went).
    public var router: ChannelRouter
    /// How many nudges are sent at once, so one slow channel does not hold up the others.
    public var width: Int
    /// Whether to stop: nothing more is handed to a channel (what was not is sent after the restart).
    public var stopping: @Sendable () -> Bool = { false }

    /// A runner that sends through a channel router.
    public init(config: Config, store: Store, router: ChannelRouter, width: Int = 4) {
        self.config = config
        self.store = store
        self.router = router
        self.width = width
    }

    /// Does everything due at `now`; returns the time of the next thing that will happen.
    ///
    /// Each planner step is recorded in one transaction before anything is sent, each delivery is marked
    /// attempted just before it goes, and the results of a step's sends are recorded in one more.
    @discardableResult
    public func run(now: Instant) throws -> Instant? {
        try store.settleInterrupted()
        // Promises added from the command line since the last run are commitments like the config's.
        let config = try store.commitments(of: self.config)
        let planner = Planner(settings: config.settings, commitments: config.commitments)
        let byID = Dictionary(config.commitments.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func send(_ deliveries: [Delivery], _ occurrences: [Occurrence]) throws {
            let zone = config.settings.timezone
            var units: [[(Delivery, NudgeMessage)]] = []
            var unitOf: [String: Int] = [:]
            for d in deliveries {
                guard let o = occurrences.first(where: { $0.id == d.nudge.occurrence }), let c = byID[o.commitment]
                else { continue }
                // One nudge's channels go together; everything of a digest goes together.
                let key =
                    d.nudge.kind == .digest ? "digest" : "\(d.nudge.occurrence) \(d.nudge.kind) \(d.nudge.sequence)"
                let message = NudgeMessage(d.nudge, commitment: c, due: o.due, zone: zone, sentAt: now)
                if let i = unitOf[key] {
                    units[i].append((d, message))
                } else {
                    unitOf[key] = units.count
                    units.append([(d, message)])
                }
            }
            let failures = Self.parallel(units, width: width) { unit -> (any Error)? in
                // Recorded as handed over just before it is: a crash from here on leaves it unknown
                // (never sent twice), one before leaves it unsent (sent after the restart). How it went
                // is recorded as soon as the nudge has been to all its channels.
                let settlements = router.send(unit, now: now) { d in
                    !stopping() && (try? store.attempt(d, at: now)) != nil
                }
                do { try store.settle(settlements) } catch { return error }
                return nil
            }
            if let failure = failures.compactMap({ $0 }).first { throw failure }
        }
        // What a killed run recorded but never sent, then retries of deliveries known to have failed.
        let state0 = try store.planState()
        let known = Array(state0.pending.values) + Array(state0.lastEnded.values)
        try send(try store.unsent(), known)
        try send(try store.retriesDue(now: now), known)
        for _ in 0..<1000 where !stopping() {
            let step = try store.step(now: now, channels: { byID[$0]?.channels ?? [] }) {
                planner.step(now: now, state: $0)
            }
            if step.effects.isEmpty {
                let retry = try store.nextRetry()
                return [step.next, retry].compactMap { $0 }.min()
            }
            // A repair nudge is about an occurrence that has ended.
            try send(step.deliveries, Array(step.state.pending.values) + Array(step.state.lastEnded.values))
        }
        return nil
    }
}

extension Runner {
    /// `work` over each item, at most `width` at a time on threads of their own (none linger after),
    /// the results in the items' order.
    static func parallel<T: Sendable, R: Sendable>(_ items: [T], width: Int, _ work: @escaping @Sendable (T) -> R)
        -> [R]
    {
        guard items.count > 1, width > 1 else { return items.map(work) }
        let results = Results<R>(count: items.count)
        let done = DispatchGroup()
        for _ in 0..<min(width, items.count) {
            done.enter()
            // Each thread takes the next item not yet taken: one that hangs holds up only its own thread.
            let thread = Thread {
                while let i = results.take(below: items.count) { results.set(i, work(items[i])) }
                done.leave()
            }
            thread.start()
        }
        done.wait()
        return results.all
    }

    /// Results written by several threads, each to its own slot.
    final class Results<R: Sendable>: @unchecked Sendable {
        private var slots: [R?]
        private var taken = 0
        private let lock = NSLock()
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func take(below count: Int) -> Int? {
            lock.withLock {
                guard taken < count else { return nil }
                taken += 1
                return taken - 1
            }
        }
        func set(_ i: Int, _ r: R) { lock.withLock { slots[i] = r } }
        var all: [R] { lock.withLock { slots.compactMap { $0 } } }
    }
}
