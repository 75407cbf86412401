/// How an occurrence ended.
public enum Outcome: String, Sendable, Codable, CaseIterable {
    /// The user said done.
    case kept
    /// Excused: by the user, or automatically ("superseded", "removed", "disabled"); never counted against them.
    case skipped
    /// The grace ran out unanswered.
    case missed
    /// Moved by agreement before it ended (`nudge renegotiate`): a linked one-off at the new time takes its
    /// place. Counted like a skip in follow-through and streaks.
    case renegotiated
}

/// The kinds of nudge, as `{kind}` and `NUDGE_KIND` spell them.
public enum NudgeKind: String, Sendable, Codable, CaseIterable {
    case reminder
    case due
    case followUp = "follow-up"
    case digest
    case repair
}

/// One instance of a commitment, as the planner sees it.
public struct Occurrence: Sendable, Equatable {
    /// The store's id.
    public var id: Int64
    public var commitment: CommitmentID
    public var due: Instant
    /// When it was created (nudges planned before this are never sent).
    public var created: Instant
    /// nil while pending.
    public var outcome: Outcome?
    public var outcomeAt: Instant?
    /// The target of the last snooze, if any.
    public var snoozedUntil: Instant?
    /// When a nudge was first accepted by one of the commitment's own channels.
    public var firstDelivered: Instant?
    /// How many nudges the planner has handled (sent, or dropped as overtaken): the position in `schedule`.
    public var handled: Int
    /// The planned time of the last handled nudge.
    public var lastNudgeAt: Instant?
    /// How many follow-ups have been used (a snoozed nudge does not use one).
    public var followUpsUsed: Int
    /// How far `nudge late` moved its follow-ups and its miss (lateness still counts from `due`).
    public var lateBy = Span.zero

    /// A new pending occurrence.
    public init(id: Int64, commitment: CommitmentID, due: Instant, created: Instant) {
        self.id = id
        self.commitment = commitment
        self.due = due
        self.created = created
        outcome = nil
        outcomeAt = nil
        snoozedUntil = nil
        firstDelivered = nil
        handled = 0
        lastNudgeAt = nil
        followUpsUsed = 0
    }

    /// Whether it still awaits an answer.
    public var isPending: Bool { outcome == nil }
}

/// A nudge the planner wants sent.
public struct PlannedNudge: Sendable, Equatable {
    public var occurrence: Int64
    public var kind: NudgeKind
    /// Position among the occurrence's nudges (0-based); with the kind and channel, the ledger key.
    public var sequence: Int
    /// When it was planned for (it may go out later: quiet hours, downtime).
    public var at: Instant
    /// Whether it counts as a follow-up (a snoozed nudge does not).
    public var usesFollowUp: Bool

    /// Creates a planned nudge.
    public init(occurrence: Int64, kind: NudgeKind, sequence: Int, at: Instant, usesFollowUp: Bool) {
        self.occurrence = occurrence
        self.kind = kind
        self.sequence = sequence
        self.at = at
        self.usesFollowUp = usesFollowUp
    }
}
