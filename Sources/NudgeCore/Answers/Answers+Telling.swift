import Foundation

/// What `--tell`, `--message` and `--dry-run` ask of `late`, `renegotiate` and `repair` (DESIGN.md §9).
/// Nothing ever reaches another person without `tell`.
public struct Telling: Sendable, Equatable {
    /// Send the person the message.
    public var tell: Bool
    /// The text instead of the one nudge writes.
    public var message: String?
    /// Print what `tell` would send, and record nothing.
    public var dryRun: Bool

    /// What a command's flags ask; nobody is told by default.
    public init(tell: Bool = false, message: String? = nil, dryRun: Bool = false) {
        self.tell = tell
        self.message = message
        self.dryRun = dryRun
    }

    /// Whether a message is wanted, sent or only shown.
    var asked: Bool { tell || dryRun }

    /// Refuses (64) a `--message` with nothing to send it, before anything is looked up.
    func check() throws(AnswerError) {
        if message != nil && !asked { throw AnswerError("--message goes with --tell", .usage) }
    }
}

/// Saying you are late, moving a promise ahead of time, and telling the person (`nudge late`, `renegotiate`,
/// `repair --tell`).
extension Answers {
    /// A `nudge late`: the occurrence, the whole move, and the message to the person if one was asked.
    public struct Late: Sendable, Equatable {
        public var answered: Answered
        /// Every SPAN said for it, added up.
        public var total: Span
        public var message: PersonMessage?
        /// False for a dry run.
        public var recorded = true
    }

    /// A promise moved by `nudge renegotiate`: the occurrence that ended `renegotiated` and the one-off that
    /// takes its place.
    public struct Moved: Sendable, Equatable {
        public var commitment: CommitmentID
        public var from: Instant
        public var id: CommitmentID
        public var to: Instant
        public var message: PersonMessage?
        /// False for a dry run.
        public var recorded = true
    }

    /// `nudge late [ID] [SPAN] [--told | --tell [--message TEXT] [--dry-run]]` as typed (default 15m): the
    /// follow-ups and the miss move by SPAN (several add up), lateness still counts from the due time.
    public func late(_ id: String?, span: String?, told: Bool, telling: Telling = Telling(), next: Bool = false)
        throws(AnswerError) -> Late
    {
        if told && telling.asked { throw AnswerError("--told says you told them yourself; leave out --tell", .usage) }
        try telling.check()
        let (id, span) = snoozeArguments(id, span)
        let by = try Self.reading { () throws(Input.Refusal) in try Input.span(span ?? "15m", what: "running late") }
        // Looked up without writing, so that a person who cannot be told is refused before anything is recorded.
        let seen = try occurrence(id, verb: "late", next: next, writing: false)
        let before = (try? store.pending())?.first { $0.id == seen.occurrence }?.lateBy ?? .zero
        let message = try message(telling, about: seen.commitment) { _ in
            "Running late, about \(Self.roughly(before + by))."
        }
        if telling.dryRun { return Late(answered: seen, total: before + by, message: message, recorded: false) }
        // As every answer: resolved again once when the daemon ended that occurrence meanwhile.
        var total = by
        let target = try answering(id, verb: "late", next: next) { t in
            let occurrence = t.occurrence != 0 ? t.occurrence : try store.startEarly(t.commitment, due: t.due, now: now)
            guard let moved = try store.late(occurrence, by: by, told: told, now: now) else { return nil }
            total = moved
            return occurrence
        }
        try send(message, about: "late", occurrence: target.occurrence, recorded: "the late is recorded")
        return Late(answered: target, total: total, message: message)
    }

    /// `nudge renegotiate [ID] --to WHEN`: before it ended, the occurrence ends `renegotiated` and a one-off of
    /// the same promise at WHEN takes its place (`done ID` reaches it). WHEN must come before the commitment's
    /// next regular occurrence.
    public func renegotiate(_ id: String?, to when: String, telling: Telling = Telling(), next: Bool = false)
        throws(AnswerError) -> Moved
    {
        try telling.check()
        let due = try moment(when, .future)
        let target = try occurrence(id, verb: "renegotiate", next: next, writing: !telling.dryRun)
        let owner = try self.owner(of: target.commitment)
        guard let c = config.commitments.first(where: { $0.id == owner }) else {
            throw AnswerError("no commitment \"\(owner)\"")
        }
        guard due > now else { throw AnswerError("\(show(due)) has passed; give a time ahead", .badInput) }
        if let regular = c.nextDue(afterDue: target.due, ended: now), due >= regular {
            throw AnswerError(
                "\(show(due)) is not before the next one (due \(show(regular))): that is the next one: "
                    + "skip this one instead (nudge skip \(owner))", .badInput)
        }
        let message = try message(telling, about: owner) { zone in
            "I can't make \(Self.day(target.due, zone: zone, now: now)) — "
                + "can we do \(Self.day(due, zone: zone, now: now)) instead?"
        }
        let moved = Self.freshID(from: "\(owner.rawValue)-moved", taken: try takenIDs())
        let out = Moved(
            commitment: owner, from: target.due, id: moved, to: due, message: message, recorded: !telling.dryRun)
        if telling.dryRun { return out }
        var done = false
        try record {
            done = try store.renegotiate(
                target.occurrence, to: due, id: moved, title: c.title, with: c.with, remindBefore: c.remindBefore,
                now: now)
        }
        guard done else { throw AnswerError("\(owner) was answered meanwhile; see nudge history \(owner)") }
        try send(message, about: "renegotiate", occurrence: target.occurrence, recorded: "it is moved")
        return out
    }

    /// `nudge repair ID --at WHEN [--tell]` as typed: the make-up, and the person told of it.
    public func repair(_ id: String, at when: String, telling: Telling = Telling()) throws(AnswerError) -> (
        Added, PersonMessage?
    ) {
        try telling.check()
        let due = try moment(when, .future)
        let cid = try commitment(id)
        var miss: Occurrence?
        try record { miss = try store.lastMiss(cid) }
        let message = try message(telling, about: cid) { zone in
            "Sorry I missed \(Self.day(miss?.due ?? due, zone: zone, now: now)). "
                + "Can I make it up to you \(Self.day(due, zone: zone, now: now))?"
        }
        if telling.dryRun {
            guard miss != nil else { throw AnswerError("\(cid) has no recorded miss to repair") }
            return (Added(id: cid, title: title(cid), due: due, repairs: miss?.due), message)
        }
        let added = try repair(id, at: due)
        if let miss { try send(message, about: "repair", occurrence: miss.id, recorded: "the make-up is added") }
        return (added, message)
    }

    /// The message a `--tell` sends to the person a commitment is with, or nil when none is asked; refused
    /// (78, before anything is recorded) when that person cannot be told.
    func message(_ telling: Telling, about cid: CommitmentID, _ text: (Zone) -> String) throws(AnswerError)
        -> PersonMessage?
    {
        guard telling.asked else { return nil }
        let with = config.commitments.first { $0.id == cid }?.with
        guard let with, let person = config.people[with] else {
            let who = with.map { "\"\($0)\", which is not a [person.ID]" } ?? "nobody (no `with`)"
            throw AnswerError(
                "\(cid) is with \(who); add [person.mom] with name and email (or command) and write with = \"mom\"",
                .config)
        }
        guard let reach = person.reach else {
            throw AnswerError(
                "[person.\(person.id)] has neither email nor command; add one so they can be told", .config)
        }
        if case .email = reach, PersonMessage.mailer(config.channels) == nil {
            throw AnswerError(
                "mail to \(person.name) needs an email channel's from and sendmail; add [channel.mail] with "
                    + "kind = \"email\", to, from", .config)
        }
        if let custom = telling.message, let problem = TextRules.problem(custom, field: "message") {
            throw AnswerError("\(problem); keep the message to plain text", .badInput)
        }
        let to: String
        switch reach {
        case .email(let address): to = address
        case .command(let argv): to = argv.first ?? ""
        }
        return PersonMessage(
            person: person.id, name: person.name, text: telling.message ?? text(person.timezone ?? zone), to: to)
    }

    /// Sends a message asked for after its change was recorded; a failed send is refused with 75, saying
    /// what was `recorded` all the same and that the person was not told.
    func send(_ message: PersonMessage?, about: String, occurrence: Int64, recorded: String) throws(AnswerError) {
        guard let message, let reach = config.people[message.person]?.reach else { return }
        let zone = config.people[message.person]?.timezone ?? zone
        let result = message.send(reach, channels: config.channels, now: now, zone: zone)
        guard result == .sent else {
            throw AnswerError(
                "could not tell \(message.name) (\(result)); \(recorded), but they were not told: "
                    + "tell them yourself, or try again later", .unsent)
        }
        try record {
            try store.told(occurrence, person: message.person, about: about, message: message.text, now: now)
        }
    }

    /// The commitment an occurrence belongs to: a make-up's or a moved one's, else its own.
    func owner(of id: CommitmentID) throws(AnswerError) -> CommitmentID {
        var links: [CommitmentID: CommitmentID] = [:]
        try record { links = try store.linked() }
        var owner = id
        for _ in 0..<64 {
            guard let up = links[owner] else { break }
            owner = up
        }
        return owner
    }

    private func show(_ t: Instant) -> String { TimestampFormat.systemd(t, zone: zone) }

    /// "Sun 19:00" within the coming week, else "Sun 6 Dec 19:00": a time as a person says it.
    static func day(_ t: Instant, zone: Zone, now: Instant) -> String {
        let short = TimestampFormat.weekdayTime(t, zone: zone)
        guard abs(t.microseconds - now.microseconds) > Span.days(6).microseconds else { return short }
        let l = zone.local(t)
        return short.prefix(3) + " \(l.day) \(TimestampFormat.monthNames[Int(l.month) - 1])" + short.dropFirst(3)
    }

    /// "20 min", "1 h", "1 h 30 min": a span as a person says it, to the minute.
    static func roughly(_ span: Span) -> String {
        let minutes = max(1, (span.microseconds + 30_000_000) / 60_000_000)
        let (h, m) = (minutes / 60, minutes % 60)
        return h == 0 ? "\(m) min" : m == 0 ? "\(h) h" : "\(h) h \(m) min"
    }
}

extension Answers {
    /// What `nudge late` says: the move, and the message sent (or, in a dry run, the one that would be).
    public func said(_ late: Late, told: Bool) -> String {
        guard late.recorded else { return Self.said(late.message, recorded: false) }
        let head = "late for \(late.answered.commitment): its follow-ups and its miss move by \(late.total)"
        return head + (told ? "; told" : "") + Self.said(late.message, recorded: true)
    }

    /// What `nudge renegotiate` says.
    public func said(_ moved: Moved) -> String {
        guard moved.recorded else { return Self.said(moved.message, recorded: false) }
        return "moved \(moved.commitment) from \(show(moved.from)) to \(show(moved.to)) as \(moved.id); "
            + "nudge done \(moved.commitment) reaches it" + Self.said(moved.message, recorded: true)
    }

    /// What `nudge repair` says.
    public func said(_ added: Added, _ message: PersonMessage?, dryRun: Bool) -> String {
        dryRun ? Self.said(message, recorded: false) : said(added) + Self.said(message, recorded: true)
    }

    /// "\ntold Mom (mom@example.org): …", or for a dry run the message that would go and that nothing did.
    static func said(_ message: PersonMessage?, recorded: Bool) -> String {
        guard let m = message else { return recorded ? "" : "nothing would be sent (no --tell)" }
        let what = "\(m.name) (\(m.to)): \(m.text)"
        return recorded ? "\ntold \(what)" : "would tell \(what)\n(dry run: nothing recorded or sent)"
    }
}
