import Foundation

/// Performs what is due: the shared core of `nudge tick` and the daemon's timer.
///
/// Loops the planner until it has nothing more to do at `now`, recording each step in the store
/// before acting on it, so a run killed at any point loses no outcome and never repeats a sent nudge.
public struct Runner {
    public var config: Config
    public var store: Store
    /// Sends a recorded delivery at a time and records how it went (a `ChannelRouter`, or a stand-in).
    public var deliver: (Delivery, Commitment, Occurrence?, Instant) throws -> Void

    /// A runner over a config and a record.
    public init(
        config: Config, store: Store, deliver: @escaping (Delivery, Commitment, Occurrence?, Instant) throws -> Void
    ) {
        self.config = config
        self.store = store
        self.deliver = deliver
    }

    /// A runner that sends through a channel router.
    public init(config: Config, store: Store, router: ChannelRouter) {
        self.init(config: config, store: store) { d, c, o, now in
            try router.deliver(d, commitment: c, due: o?.due ?? d.nudge.at, now: now)
        }
    }

    /// Does everything due at `now`; returns the time of the next thing that will happen.
    @discardableResult
    public func run(now: Instant) throws -> Instant? {
        try store.settleInterrupted()
        let planner = Planner(settings: config.settings, commitments: config.commitments)
        let byID = Dictionary(config.commitments.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Retries of deliveries known to have failed.
        let state0 = try store.planState()
        for d in try store.retriesDue(now: now) {
            let occurrence =
                state0.pending.values.first { $0.id == d.nudge.occurrence }
                ?? state0.lastEnded.values.first { $0.id == d.nudge.occurrence }
            guard let o = occurrence, let c = byID[o.commitment] else { continue }
            try deliver(d, c, o, now)
        }
        for _ in 0..<1000 {
            let state = try store.planState()
            let (effects, next) = planner.step(now: now, state: state)
            if effects.isEmpty {
                let retry = try store.nextRetry()
                return [next, retry].compactMap { $0 }.min()
            }
            for effect in effects {
                let deliveries = try store.apply(effect, now: now) { byID[$0]?.channels ?? [] }
                for d in deliveries {
                    guard let o = state.pending.values.first(where: { $0.id == d.nudge.occurrence }),
                        let c = byID[o.commitment]
                    else { continue }
                    try deliver(d, c, o, now)
                }
            }
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
