/// What a channel says about one nudge: everything it may show, already made private where asked.
public struct NudgeMessage: Sendable {
    public var commitment: CommitmentID
    /// The title to show in summaries and subjects: "A promise is due" when the commitment is private.
    public var title: String
    /// The real title, for bodies and the command line.
    public var fullTitle: String
    public var kind: NudgeKind
    public var due: Instant
    /// The zone the due time is shown in.
    public var zone: Zone
    public var with: String?
    public var note: String?
    public var occurrence: Int64
    public var sequence: Int
    /// When the nudge goes out (for "how late").
    public var sentAt: Instant
    /// Whether the commitment is private.
    public var isPrivate: Bool
    /// The commitment's own urgency, which overrides the channel's.
    public var urgency: Urgency?
    /// For a digest of several nudges ("while you were away"), each of them; empty otherwise.
    public var items: [NudgeMessage] = []

    /// Creates a message.
    public init(
        commitment: CommitmentID, title: String, fullTitle: String, kind: NudgeKind, due: Instant, zone: Zone,
        with: String?, note: String?, occurrence: Int64, sequence: Int, sentAt: Instant, isPrivate: Bool,
        urgency: Urgency? = nil
    ) {
        self.commitment = commitment
        self.title = title
        self.fullTitle = fullTitle
        self.kind = kind
        self.due = due
        self.zone = zone
        self.with = with
        self.note = note
        self.occurrence = occurrence
        self.sequence = sequence
        self.sentAt = sentAt
        self.isPrivate = isPrivate
        self.urgency = urgency
    }

    /// The message for a nudge of a commitment.
    public init(_ nudge: PlannedNudge, commitment c: Commitment, due: Instant, zone: Zone, sentAt: Instant) {
        self.init(
            commitment: c.id, title: c.isPrivate ? Self.privateTitle : c.title, fullTitle: c.title, kind: nudge.kind,
            due: due, zone: zone, with: c.with, note: c.note, occurrence: nudge.occurrence, sequence: nudge.sequence,
            sentAt: sentAt, isPrivate: c.isPrivate, urgency: c.urgency)
    }

    /// One message for several digest nudges to one channel: the first one's fields, a title that
    /// counts them, a note that lists each, and the nudges themselves in `items`. One nudge is itself.
    public static func digest(_ items: [NudgeMessage]) -> NudgeMessage {
        guard var m = items.first, items.count > 1 else { return items[0] }
        m.title = "\(items.count) promises while you were away"
        m.fullTitle = m.title
        m.note = items.map { "\($0.title): due \($0.when) (\($0.commitment))" }.joined(separator: "\n")
        m.with = nil
        m.isPrivate = false
        m.urgency = items.contains { $0.urgency == .critical } ? .critical : nil
        m.items = items
        return m
    }

    /// What private commitments say in public places.
    public static let privateTitle = "A promise is due"

    /// "19:00", or "Sun 2026-11-29 19:00" when not today.
    public var when: String {
        let d = zone.local(due)
        let n = zone.local(sentAt)
        let time = "\(TimestampFormat.two(d.hour)):\(TimestampFormat.two(d.minute))"
        if (d.year, d.month, d.day) == (n.year, n.month, n.day) { return time }
        let day = TimestampFormat.weekdayNames[Int(d.weekday)]
        return "\(day) \(d.year)-\(TimestampFormat.two(d.month))-\(TimestampFormat.two(d.day)) \(time)"
    }

    /// How late it is, in words ("20min late"), or nil when not yet due.
    public var late: String? {
        let us = sentAt.microseconds - due.microseconds
        guard us >= 60_000_000 else { return nil }
        return "\(Span.minutes(us / 60_000_000)) late"
    }
}

/// How sending one nudge through one channel went.
public enum ChannelResult: Sendable, Equatable {
    /// Accepted by the channel.
    case sent
    /// Known not delivered; `retry` when the failure is temporary (exit 75, a bus that refused).
    case failed(String, retry: Bool)
    /// Nobody knows (a timeout): never sent again.
    case unknown(String)
    /// The channel cannot work here (no session bus, no sendmail): the fallback takes the nudge.
    case unavailable(String)
    /// Another machine claimed this mail or hook on the shared VTODO, and sends it.
    case elsewhere(String)

    /// Whether the nudge may have arrived: sent (here or elsewhere), or of unknown fate.
    public var mayHaveArrived: Bool {
        switch self {
        case .sent, .unknown, .elsewhere: return true
        case .failed, .unavailable: return false
        }
    }
}
