/// Why an answer changed nothing, in words for the person who gave it.
public struct AnswerError: Error, Equatable, CustomStringConvertible {
    /// What kind of refusal, which decides the exit status.
    public enum Kind: Sendable, Equatable {
        /// Nothing (or several things) matched, or it was already answered: exit 1.
        case nothingMatched
        /// The time given cannot be meant (outside every window): exit 65.
        case badInput
        /// Arguments that contradict each other: exit 64.
        case usage
        /// The config lacks what was asked for (a person to tell): exit 78.
        case config
        /// The change is recorded but a message could not be sent: exit 75.
        case unsent
        /// The record failed (damaged, full, read-only): the exit status of that kind of trouble.
        case record(StoreError.Problem)
    }

    public var message: String
    public var kind: Kind

    /// An error with its message.
    public init(_ message: String, _ kind: Kind = .nothingMatched) {
        self.message = message
        self.kind = kind
    }

    public var description: String { message }
}

/// The answering use cases (`done`, `skip`, `snooze`, `undo`) and the rules they share: which
/// occurrence an answer is about (DESIGN.md §4.5–4.7), and how a kept one is judged.
///
/// The command line and the popup buttons both go through here, so an answer means the same
/// wherever it is given.
public struct Answers {
    /// The config with the promises added from the command line.
    public let config: Config
    public let store: Store
    public let now: Instant

    /// Answers over a config (the record's added promises are read in) at `now`.
    public init(config: Config, store: Store, now: Instant) throws {
        self.config = try store.commitments(of: config)
        self.store = store
        self.now = now
    }

    /// The zone answers are read and shown in.
    public var zone: Zone { config.settings.timezone }

    /// A kept occurrence, and how it is judged.
    public struct Kept: Sendable, Equatable {
        public var commitment: CommitmentID
        public var occurrence: Int64
        public var due: Instant
        /// When it was done.
        public var at: Instant
        /// A recorded miss this answer turned into kept (its recorded miss time).
        public var amendedMiss: Instant?

        /// Done time − due time.
        public var lateness: Span { at - due }
    }

    /// Another answer (skip, snooze) and the occurrence it landed on.
    public struct Answered: Sendable, Equatable {
        public var commitment: CommitmentID
        public var occurrence: Int64
        public var due: Instant
    }

    /// `nudge done [ID] [--at T] [--next]`.
    public func done(_ id: String?, at when: Instant? = nil, next: Bool = false) throws(AnswerError) -> Kept {
        if let when { return try backfill(id, at: when) }
        let target = try answering(id, verb: "done", next: next) { try give($0, .kept) }
        return Kept(commitment: target.commitment, occurrence: target.occurrence, due: target.due, at: now)
    }

    /// `nudge skip [ID] [--reason R] [--next]`.
    public func skip(_ id: String?, reason: String?, next: Bool = false) throws(AnswerError) -> Answered {
        if let reason, let problem = TextRules.problem(reason, field: "reason") {
            throw AnswerError("\(problem); keep the reason to one line of plain text", .badInput)
        }
        return try answering(id, verb: "skip", next: next) { try give($0, .skipped, reason: reason ?? "skipped") }
    }

    /// `nudge snooze [ID] [SPAN | --until T] [--next]`: no nudge before `until`.
    public func snooze(_ id: String?, until: Instant, next: Bool = false) throws(AnswerError) -> Answered {
        var target = try occurrence(id, verb: "snooze", next: next, writing: false)
        try record {
            if target.occurrence == 0 {
                target.occurrence = try store.snooze(target.commitment, due: target.due, until: until, now: now)
            } else {
                try store.snooze(target.occurrence, until: until)
            }
        }
        return target
    }

    /// `nudge snooze [ID] [SPAN | --until WHEN]` as typed (default 10m; `snooze 30m` with one thing pending
    /// takes the argument as the span). Returns the occurrence and until when.
    public func snooze(_ id: String?, span: String?, until: String?, next: Bool = false) throws(AnswerError) -> (
        Answered, Instant
    ) {
        let (id, span) = snoozeArguments(id, span)
        if until != nil && span != nil { throw AnswerError("give a span or --until, not both", .usage) }
        let end = try Self.reading { () throws(Input.Refusal) in
            guard let until else { return now + (try Input.span(span ?? "10m", what: "a snooze")) }
            return try Input.moment(until, direction: .future, zone: zone, now: now)
        }
        return (try snooze(id, until: end, next: next), end)
    }

    /// A moment as typed ("19:10", "yesterday 19:10", "in 20m"), read in the answers' zone at `now`.
    public func moment(_ text: String, _ direction: MomentDirection) throws(AnswerError) -> Instant {
        try Self.reading { () throws(Input.Refusal) in
            try Input.moment(text, direction: direction, zone: zone, now: now)
        }
    }

    /// `nudge done [ID] [--at T] [--next]` as typed.
    public func done(_ id: String?, at text: String?, next: Bool = false) throws(AnswerError) -> Kept {
        try done(id, at: try text.map { t throws(AnswerError) in try moment(t, .past) }, next: next)
    }

    /// Reads a span or moment as typed; one that cannot be meant is refused as bad input (65).
    static func reading<T>(_ body: () throws(Input.Refusal) -> T) throws(AnswerError) -> T {
        do { return try body() } catch { throw AnswerError(error.message, .badInput) }
    }

    /// A button pressed on a popup of `occurrence`: the same answers as the command line, on exactly
    /// that occurrence. Returns false when it had been answered already.
    public func popup(_ occurrence: Int64, action: String, snooze: Span) throws -> Bool {
        switch action {
        case "done": return try store.answer(occurrence, .kept, at: now, now: now, via: "notification")
        case "skip": return try store.answer(occurrence, .skipped, at: now, now: now, via: "notification")
        case "snooze":
            try store.snooze(occurrence, until: now + snooze)
            return true
        case "late": return try store.late(occurrence, by: DesktopChannel.lateSpan, told: false, now: now) != nil
        default: return false
        }
    }

    /// Whether a kept occurrence counts as on time: lateness ≤ the commitment's `on_time`.
    public func isOnTime(_ kept: Kept) -> Bool {
        let onTime = config.commitments.first { $0.id == kept.commitment }?.onTime ?? Defaults.onTime
        return kept.lateness <= onTime
    }

    /// The title to print: the id for a private promise.
    public func title(_ id: CommitmentID) -> String {
        guard let c = config.commitments.first(where: { $0.id == id }) else { return id.rawValue }
        return c.isPrivate ? id.rawValue : c.title
    }

    /// The occurrence an answer given now is about: the pending one, or the next one started early (not
    /// started, occurrence 0, when not `writing`: a dry run).
    func occurrence(_ id: String?, verb: String, next: Bool, writing: Bool = true) throws(AnswerError) -> Answered {
        let target: AnswerTarget
        do {
            target = AnswerTarget.resolve(
                id, pending: try store.pending(), commitments: config.commitments, state: try store.planState(),
                now: now, zone: zone, verb: verb, next: next, makeUps: try store.linked())
        } catch {
            throw failure(error)
        }
        switch target {
        case .pending(let o):
            return Answered(commitment: o.commitment, occurrence: o.id, due: o.due)
        case .early(let cid, let due):
            var occ: Int64 = 0
            if writing { try record { occ = try store.startEarly(cid, due: due, now: now) } }
            return Answered(commitment: cid, occurrence: occ, due: due)
        case .nothing(let why), .several(let why):
            throw AnswerError(why)
        }
    }

    /// Resolves the occurrence an answer is about and gives it (`write` returns the occurrence it answered;
    /// one not started yet comes with occurrence 0, for `write` to start); when the daemon ended that
    /// occurrence between the two (superseded, missed), resolves again once, so the answer lands on the one
    /// that is pending now or is refused with the reason.
    func answering(_ id: String?, verb: String, next: Bool, _ write: (Answered) throws -> Int64?)
        throws(AnswerError) -> Answered
    {
        for _ in 0..<2 {
            var target = try occurrence(id, verb: verb, next: next, writing: false)
            var given: Int64?
            try record { given = try write(target) }
            if let given {
                target.occurrence = given
                return target
            }
        }
        let name = id ?? "it"
        throw AnswerError("\(name) was answered meanwhile; see nudge history \(name)")
    }

    /// Gives `outcome` now; an occurrence not started yet is started in the same transaction, so that the
    /// daemon, woken by the start, cannot end it (paused, superseded) before the answer lands.
    func give(_ target: Answered, _ outcome: Outcome, reason: String? = nil) throws -> Int64? {
        guard target.occurrence == 0 else {
            return try store.answer(target.occurrence, outcome, at: now, reason: reason, now: now)
                ? target.occurrence : nil
        }
        return try store.answer(target.commitment, due: target.due, outcome, at: now, reason: reason, now: now)
    }

    /// Runs a write, turning a failure of the record into an answer error.
    func record(_ body: () throws -> Void) throws(AnswerError) {
        do {
            try body()
        } catch let error as AnswerError {
            throw error
        } catch {
            throw failure(error)
        }
    }

    /// A failure of the record, said with its fix.
    func failure(_ error: Error) -> AnswerError {
        guard let f = StoreError.during(error, path: store.path), let problem = f.problem else {
            return AnswerError("cannot record: \(error.localizedDescription)", .record(.temporary))
        }
        return AnswerError(f.localizedDescription, .record(problem))
    }
}

extension Answers {
    /// What `nudge done` says: the miss it turned into kept, if any, and how late, to the minute (to the
    /// second under a minute; the record keeps microseconds), and whether that was on time.
    public func said(_ kept: Kept) -> String {
        var out = ""
        if let miss = kept.amendedMiss {
            out += "the miss recorded \(TimestampFormat.systemd(miss, zone: zone)) is now kept\n"
        }
        let delta = Double(kept.lateness.microseconds) / 1_000_000
        let late = abs(delta) >= 60 ? Span.minutes(Int64((delta / 60).rounded())) : Span.seconds(Int64(delta.rounded()))
        let how = late.microseconds <= 0 ? "early by \(Span(microseconds: -late.microseconds))" : "\(late) late"
        let judged = late.microseconds == 0 ? "on the dot" : how
        return out
            + "kept \(kept.commitment): \(title(kept.commitment)) (\(judged)\(isOnTime(kept) ? ", on time" : ""))"
    }

    /// What `nudge add` and `nudge repair` say: the id, title and due time, and for a make-up the miss it
    /// repairs.
    public func said(_ added: Added) -> String {
        let out = "added \(added.id): \(added.title), due \(TimestampFormat.systemd(added.due, zone: zone))"
        guard let missed = added.repairs else { return out }
        return out + "; keeping it repairs the miss of \(TimestampFormat.systemd(missed, zone: zone))"
    }

    /// The id and span of `nudge snooze [ID] [SPAN]`: with one argument that reads as a span (digits
    /// first, or a sign) and names no commitment, it is the span.
    public func snoozeArguments(_ id: String?, _ span: String?) -> (id: String?, span: String?) {
        guard span == nil, let only = id, let first = only.unicodeScalars.first,
            ("0"..."9").contains(first) || first == "-" || first == "+" || first == ".",
            !config.commitments.contains(where: { $0.id.rawValue.hasPrefix(only) })
        else { return (id, span) }
        return (nil, only)
    }

    /// Closes the desktop notifications still open for an occurrence answered from here.
    public func closePopups(_ occurrence: Int64) {
        let desktops = config.channels.values.filter {
            if case .desktop = $0.kind { return true } else { return false }
        }
        guard !desktops.isEmpty else { return }
        let desktop = DesktopChannel()
        for channel in desktops {
            if let id = (try? store.lastMessageID(occurrence: occurrence, channel: channel.name)) ?? nil,
                let n = UInt32(id)
            {
                desktop.close(n)
            }
        }
    }
}
