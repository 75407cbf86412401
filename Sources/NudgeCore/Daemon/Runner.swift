import Foundation

/// Performs what is due: the shared core of `nudge tick` and the daemon's timer.
///
/// Loops the planner until it has nothing more to do at `now`, recording each step in the store
/// before acting on it, so a run killed at any point loses no outcome and never repeats a sent nudge.
public struct Runner {
    public var config: Config
    public var store: Store
    /// Where nudges go (one call per nudge and channel); returns how it went.
    public var deliver: (Delivery, Commitment, Occurrence?) -> DeliveryState

    /// A runner over a config and a record.
    public init(config: Config, store: Store, deliver: @escaping (Delivery, Commitment, Occurrence?) -> DeliveryState) {
        self.config = config
        self.store = store
        self.deliver = deliver
    }

    /// Does everything due at `now`; returns the time of the next thing that will happen.
    @discardableResult
    public func run(now: Instant) throws -> Instant? {
        try store.settleInterrupted()
        let planner = Planner(settings: config.settings, commitments: config.commitments)
        let byID = Dictionary(config.commitments.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for _ in 0..<1000 {
            let state = try store.planState()
            let (effects, next) = planner.step(now: now, state: state)
            if effects.isEmpty { return next }
            for effect in effects {
                let deliveries = try store.apply(effect, now: now) { byID[$0]?.channels ?? [] }
                for d in deliveries {
                    guard
                        let c = state.pending.values.first(where: { $0.id == d.nudge.occurrence }).flatMap({
                            byID[$0.commitment]
                        })
                    else { continue }
                    let occurrence = state.pending[c.id]
                    let result = deliver(d, c, occurrence)
                    try store.mark(d, result, at: now)
                }
            }
        }
        return nil
    }
}

/// The console channel: one line per nudge, `KIND ID TITLE (due HH:MM)`.
public enum ConsoleChannel {
    /// The line for a nudge of `commitment` due at `due`.
    public static func line(kind: NudgeKind, commitment: Commitment, due: Instant, zone: Zone) -> String {
        let l = zone.local(due)
        let title = commitment.isPrivate ? "A promise is due" : commitment.title
        return
            "\(kind.rawValue) \(commitment.id) \(title) (due \(TimestampFormat.two(l.hour)):\(TimestampFormat.two(l.minute)))"
    }
}
