/// The delivery ledger as channels see it: one row per (nudge, channel), what happened to it, and the
/// ids channels gave their messages (a popup to replace, a mail to thread under).

/// How one delivery went, to be recorded with `Store.settle`.
public struct Settlement: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        /// Sent, or of unknown fate: either way the person counts as told, and it is never sent again.
        case delivered(DeliveryState, error: String?)
        /// Known not delivered; retried later when `retry`.
        case failed(String, retry: Bool)
    }

    public var delivery: Delivery
    public var result: Result
    public var at: Instant

    public init(_ delivery: Delivery, _ result: Result, at: Instant) {
        self.delivery = delivery
        self.result = result
        self.at = at
    }
}

/// A nudge recorded as planned, to be sent to one channel and then settled.
public struct Delivery: Sendable, Equatable {
    /// The ledger row.
    public var row: Int64
    public var nudge: PlannedNudge
    public var channel: String

    /// Creates a delivery.
    public init(row: Int64, nudge: PlannedNudge, channel: String) {
        self.row = row
        self.nudge = nudge
        self.channel = channel
    }
}

/// How a delivery went.
public enum DeliveryState: String, Sendable {
    /// Accepted by the channel.
    case sent
    /// Known not delivered (may be retried).
    case failed
    /// Nobody knows (timeout, crash in between): never sent again.
    case unknown
}

/// A ledger row's state: planned from when it is recorded until it is settled as one of `DeliveryState`'s.
enum Ledger: String, CustomStringConvertible {
    case planned, sent, failed, unknown

    var description: String { rawValue }
}

/// Where channels keep the ids of what they sent, per occurrence and channel (the record, or nothing).
public protocol MessageLedger: Sendable {
    /// The last id recorded for an occurrence through a channel (a desktop notification id to replace).
    func lastMessageID(occurrence: Int64, channel: String) throws -> String?
    /// The id of the first message sent for an occurrence through a channel: what follow-ups thread under.
    func threadRoot(occurrence: Int64, channel: String) throws -> String?
    /// Records the id a channel gave one delivery.
    func setMessageID(_ delivery: Delivery, _ id: String) throws
}
