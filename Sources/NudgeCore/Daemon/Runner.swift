import Foundation

/// Performs what is due: the shared core of `nudge tick` and the daemon's timer.
///
/// Loops the planner until it has nothing more to do at `now`, recording each step in the store
/// before acting on it, so a run killed at any point loses no outcome and never repeats a sent nudge.
public struct Runner {
    public var config: Config
    public var store: Store
    /// Sends recorded deliveries (and the caller records how they went).
    public var router: ChannelRouter

    /// A runner that sends through a channel router.
    public init(config: Config, store: Store, router: ChannelRouter) {
        self.config = config
        self.store = store
        self.router = router
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
            let settlements = deliveries.compactMap { d -> Settlement? in
                guard let o = occurrences.first(where: { $0.id == d.nudge.occurrence }), let c = byID[o.commitment]
                else { return nil }
                // Recorded as handed over just before it is: a crash from here on leaves it unknown
                // (never sent twice), one before leaves it unsent (sent after the restart).
                do { try store.attempt(d, at: now) } catch { return nil }
                return router.send(d, commitment: c, due: o.due, now: now)
            }
            try store.settle(settlements)
        }
        // What a killed run recorded but never sent, then retries of deliveries known to have failed.
        let state0 = try store.planState()
        let known = Array(state0.pending.values) + Array(state0.lastEnded.values)
        try send(try store.unsent(), known)
        try send(try store.retriesDue(now: now), known)
        for _ in 0..<1000 {
            let state = try store.planState()
            let (effects, next) = planner.step(now: now, state: state)
            if effects.isEmpty {
                let retry = try store.nextRetry()
                return [next, retry].compactMap { $0 }.min()
            }
            let deliveries = try store.apply(effects, now: now) { byID[$0]?.channels ?? [] }
            // A repair nudge is about an occurrence that has ended.
            try send(deliveries, Array(state.pending.values) + Array(state.lastEnded.values))
        }
        return nil
    }
}

/// The console channel: one line per nudge, `KIND ID TITLE (due HH:MM)`.
public enum ConsoleChannel {
    /// The line for a message.
    public static func line(_ m: NudgeMessage) -> String {
        let l = m.zone.local(m.due)
        return
            "\(m.kind.rawValue) \(m.commitment) \(m.title) (due \(TimestampFormat.two(l.hour)):\(TimestampFormat.two(l.minute)))"
    }
}
