/// One ended occurrence, as the store gives it to the report.
///
/// What is the same for every record of a commitment (its id, title, person and `on_time`) is kept once
/// and shared, so that years of records stay small: a record is 40 bytes.
public struct OutcomeRecord: Sendable, Equatable {
    /// The part of a record that every record of one commitment shares.
    public final class Subject: Sendable, Equatable {
        public let commitment: CommitmentID
        public let title: String
        /// The person it was promised to, if any.
        public let with: String?
        /// The commitment's `on_time` threshold: kept with lateness up to this counts as on time.
        public let onTime: Span

        /// Creates the shared part of a commitment's records.
        public init(commitment: CommitmentID, title: String, with: String?, onTime: Span) {
            self.commitment = commitment
            self.title = title
            self.with = with
            self.onTime = onTime
        }

        public static func == (a: Subject, b: Subject) -> Bool {
            a === b || (a.commitment == b.commitment && a.title == b.title && a.with == b.with && a.onTime == b.onTime)
        }
    }

    public var subject: Subject
    public var due: Instant
    public var outcomeAt: Instant
    /// Kept only: done time − due, signed (negative = early). When a kept record has none, the report
    /// uses `outcomeAt − due`.
    public var lateness: Span?
    public var outcome: Outcome
    /// A missed one later repaired (its make-up was kept).
    public var repaired: Bool
    /// The person was told it would be late (`nudge late --tell` or `--told`) before due + `on_time`.
    public var notice: Bool

    public var commitment: CommitmentID { subject.commitment }
    public var title: String { subject.title }
    /// The person it was promised to, if any.
    public var with: String? { subject.with }
    /// The commitment's `on_time` threshold: kept with lateness up to this counts as on time.
    public var onTime: Span { subject.onTime }

    /// Creates a record of `subject`'s commitment; `lateness` and `repaired` default to none.
    public init(
        subject: Subject, due: Instant, outcome: Outcome, outcomeAt: Instant, lateness: Span? = nil,
        repaired: Bool = false, notice: Bool = false
    ) {
        self.subject = subject
        self.due = due
        self.outcome = outcome
        self.outcomeAt = outcomeAt
        self.lateness = lateness
        self.repaired = repaired
        self.notice = notice
    }

    /// Creates a record with a subject of its own; `with`, `lateness` and `repaired` default to none.
    public init(
        commitment: CommitmentID, title: String, with: String? = nil, due: Instant, outcome: Outcome,
        outcomeAt: Instant, lateness: Span? = nil, onTime: Span, repaired: Bool = false
    ) {
        self.init(
            subject: Subject(commitment: commitment, title: title, with: with, onTime: onTime), due: due,
            outcome: outcome, outcomeAt: outcomeAt, lateness: lateness, repaired: repaired)
    }
}

/// How often a commitment comes due, for the strength formula.
public struct CommitmentInfo: Sendable, Equatable {
    public var id: CommitmentID
    public var title: String
    public var with: String?
    /// Occurrences per day: 1 for daily, 1/7 for weekly, 0 for a one-off.
    public var perDay: Double

    /// Creates the description of one commitment.
    public init(id: CommitmentID, title: String, with: String? = nil, perDay: Double) {
        self.id = id
        self.title = title
        self.with = with
        self.perDay = perDay
    }
}

/// The worst outcome of one day in a heatmap; cases are in order of severity.
public enum DayMark: String, Sendable, Encodable, Comparable, CaseIterable {
    /// Nothing was due that day.
    case none
    case kept
    /// Moved by agreement to another time.
    case renegotiated
    case skipped
    case missed

    /// The mark an outcome leaves on its day.
    public init(_ outcome: Outcome) {
        switch outcome {
        case .kept: self = .kept
        case .renegotiated: self = .renegotiated
        case .skipped: self = .skipped
        case .missed: self = .missed
        }
    }

    public static func < (a: DayMark, b: DayMark) -> Bool { a.severity < b.severity }

    private var severity: Int { DayMark.allCases.firstIndex(of: self) ?? 0 }
}

/// What the report says about one commitment, or about everything promised to one person.
public struct ReportFigures: Sendable, Equatable, Encodable {
    public var kept = 0
    public var skipped = 0
    /// Moved by agreement (`nudge renegotiate`); counted like a skip.
    public var renegotiated = 0
    public var missed = 0
    /// Missed occurrences whose make-up was kept.
    public var repaired = 0
    /// Kept no later than `on_time` after due.
    public var onTime = 0
    /// Kept later than that, the person told in time (`nudge late --tell` or `--told`).
    public var lateWithNotice = 0
    /// Kept later than that without a word.
    public var lateWithoutNotice = 0
    /// kept / (kept + missed); nil when nothing was kept or missed.
    public var followThrough: Double?
    /// The share of kept occurrences done no later than `on_time` after due; nil when none was kept.
    public var onTimeRate: Double?
    /// The median of the kept occurrences' signed lateness; nil when none was kept.
    public var medianLateness: Span?
    /// Kept occurrences in a row up to the latest answer (skips do not break a streak).
    public var currentStreak = 0
    /// The longest such run.
    public var bestStreak = 0
    /// 0–100, the Loop Habit Tracker score of the answers in due order.
    public var strength = 0

    /// Figures with every count zero.
    public init() {}
}

/// The days of the last weeks in the report's zone, Monday first, each with its worst outcome.
public struct Heatmap: Sendable, Equatable, Encodable {
    /// The first day (a Monday), as days since 1970-01-01 on the zone's wall clock.
    public var firstDay: Int64
    /// One mark per day from `firstDay` through today; the current week stops at today.
    public var days: [DayMark]

    /// Creates a heatmap from its first Monday and its marks.
    public init(firstDay: Int64, days: [DayMark]) {
        self.firstDay = firstDay
        self.days = days
    }

    /// The marks split into weeks, oldest first; the last week may be shorter than seven days.
    public var weeks: [[DayMark]] {
        stride(from: 0, to: days.count, by: 7).map { Array(days[$0..<min($0 + 7, days.count)]) }
    }

    /// The mark of a calendar day, or nil when the day is outside the heatmap.
    public func mark(year: Int64, month: Int64, day: Int64) -> DayMark? {
        let index = CivilDate.days(year: year, month: month, day: day) - firstDay
        return index >= 0 && index < Int64(days.count) ? days[Int(index)] : nil
    }
}

/// What `nudge report` shows: figures per commitment and per person, and heatmaps of the last weeks.
public struct Report: Sendable, Equatable, Encodable {
    /// One commitment's figures and heatmap.
    public struct CommitmentPart: Sendable, Equatable, Encodable {
        public var id: CommitmentID
        public var title: String
        public var with: String?
        /// The occurrence rate the strength was computed with.
        public var perDay: Double
        public var figures: ReportFigures
        public var heatmap: Heatmap
    }

    /// The figures (the ledger) of everything promised to one person.
    public struct PersonPart: Sendable, Equatable, Encodable {
        /// Their `[person.ID]` id; nil when `with` is free text.
        public var person: String?
        /// Their `[person.ID]` name, else as written in `with`.
        public var name: String
        /// The commitments made to them, by id.
        public var commitments: [CommitmentID]
        /// The sum of their commitments' occurrence rates, which the strength was computed with.
        public var perDay: Double
        public var figures: ReportFigures
    }

    /// When the report was made, ISO 8601 in `timezone`.
    public var generated: String
    /// The zone whose days the heatmaps count.
    public var timezone: String
    /// How many weeks the heatmaps cover, the current one included.
    public var weeks: Int
    /// Today, as days since 1970-01-01 on the zone's wall clock.
    public var today: Int64
    /// By id.
    public var commitments: [CommitmentPart]
    /// By name.
    public var people: [PersonPart]
    /// Every commitment's outcomes together.
    public var overall: Heatmap
    /// Times the record suggests (`Report.of` fills them in).
    public var suggestions: [Suggestion] = []
}

// MARK: JSON

/// A coding key spelled in place, so a part's figures sit beside its id rather than under a "figures" key.
struct ReportKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(stringLiteral value: String) { stringValue = value }
}

extension Report {
    /// `version` 1: the day numbers become ISO dates, absent values `null`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: ReportKey.self)
        try c.encode(1, forKey: "version")
        try c.encode(generated, forKey: "generated")
        try c.encode(timezone, forKey: "timezone")
        try c.encode(weeks, forKey: "weeks")
        try c.encode(Report.isoDate(today), forKey: "today")
        try c.encode(commitments, forKey: "commitments")
        try c.encode(people, forKey: "people")
        try c.encode(overall, forKey: "overall")
        try c.encode(suggestions, forKey: "suggestions")
    }
}

extension Report.CommitmentPart {
    /// The id, title, person and rate, then the figures, then the heatmap.
    public func encode(to encoder: Encoder) throws {
        try figures.encode(
            to: encoder, after: ["id": id, "title": title, "with": with, "perDay": perDay], before: ["heatmap": heatmap]
        )
    }
}

extension Report.PersonPart {
    /// The name, their commitments and rate, then the figures.
    public func encode(to encoder: Encoder) throws {
        try figures.encode(
            to: encoder, after: ["person": person, "name": name, "commitments": commitments, "perDay": perDay])
    }
}

extension ReportFigures {
    /// A part's own values in order, the figures beside them, then what follows them.
    func encode(
        to encoder: Encoder, after head: KeyValuePairs<String, any Encodable>,
        before tail: KeyValuePairs<String, any Encodable> = [:]
    ) throws {
        var c = encoder.container(keyedBy: ReportKey.self)
        for (key, value) in head { try c.encode(value, forKey: ReportKey(stringValue: key)) }
        try encode(into: &c)
        for (key, value) in tail { try c.encode(value, forKey: ReportKey(stringValue: key)) }
    }
}

extension ReportFigures {
    /// The figures as an object of their own.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: ReportKey.self)
        try encode(into: &c)
    }

    /// Rates as fractions 0–1, the median lateness in seconds.
    func encode(into c: inout KeyedEncodingContainer<ReportKey>) throws {
        try c.encode(kept, forKey: "kept")
        try c.encode(skipped, forKey: "skipped")
        try c.encode(renegotiated, forKey: "renegotiated")
        try c.encode(missed, forKey: "missed")
        try c.encode(repaired, forKey: "repaired")
        try c.encode(onTime, forKey: "onTime")
        try c.encode(lateWithNotice, forKey: "lateWithNotice")
        try c.encode(lateWithoutNotice, forKey: "lateWithoutNotice")
        try c.encode(followThrough, forKey: "followThrough")
        try c.encode(onTimeRate, forKey: "onTimeRate")
        try c.encode(medianLateness.map { Double($0.microseconds) / 1_000_000 }, forKey: "medianLatenessSeconds")
        try c.encode(currentStreak, forKey: "currentStreak")
        try c.encode(bestStreak, forKey: "bestStreak")
        try c.encode(strength, forKey: "strength")
    }
}

extension Heatmap {
    /// `{"from": "2026-03-02", "to": …, "weeks": [{"monday": "2026-03-02", "days": ["kept", "none", …]}, …]}`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: ReportKey.self)
        try c.encode(Report.isoDate(firstDay), forKey: "from")
        try c.encode(Report.isoDate(firstDay + Int64(days.count) - 1), forKey: "to")
        let weeks = self.weeks.enumerated().map { Week(monday: Report.isoDate(firstDay + 7 * Int64($0)), days: $1) }
        try c.encode(weeks, forKey: "weeks")
    }

    private struct Week: Encodable {
        var monday: String
        var days: [DayMark]
    }
}
