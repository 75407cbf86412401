import Foundation

/// A time the user's own record suggests for a commitment (DESIGN.md §9); nudge never edits the config.
public struct Suggestion: Sendable, Equatable, Encodable {
    public var id: CommitmentID
    /// The calendar expression as written ("Mon 07:00").
    public var from: String
    /// The expression it could become ("Mon 07:45").
    public var to: String
    /// "kept 8/8 but on time 0/8 at Mon 07:00; kept between 07:44 and 07:47 — move it to Mon 07:45?"
    public var evidence: String

    /// How far back the record is read: 8 weeks.
    static let window = Span.days(56)

    /// The suggestion the records of one commitment make, or nil.
    ///
    /// Only a `when` of one expression at one fixed time of day ("Mon 07:00", "*-*-* 21:30:00") can be moved.
    /// Of its occurrences due in the last 8 weeks, at least 6 must be answered (kept or missed) and fewer
    /// than 60 % of those kept on time. The kept answers' time of day is their due time plus their
    /// lateness (so an answer after midnight stays after the due time); their median, rounded to 5 minutes,
    /// is suggested when a due time there would have made at least 80 % of them on time. Since an early
    /// answer is always on time, a suggestion only ever moves a commitment later, within its day. On time
    /// is each record's own `on_time`, as in the report's figures, so the evidence agrees with them. A
    /// shorthand without a written time ("daily") is suggested in its normalized form ("*-*-* 00:45:00").
    public static func of(_ c: Commitment, records: some Collection<OutcomeRecord>, now: Instant) -> Suggestion? {
        guard case .calendar(let specs, let zone) = c.schedule, specs.count == 1, let spec = specs.first,
            let at = spec.fixedTime
        else { return nil }
        let recent = records.filter { $0.due > now - window && $0.due <= now }
        let kept = recent.filter { $0.outcome == .kept }
        let answered = kept.count + recent.filter { $0.outcome == .missed }.count
        func late(_ r: OutcomeRecord) -> Span { r.lateness ?? (r.outcomeAt - r.due) }
        let onTime = kept.filter { late($0) <= $0.onTime }.count
        guard answered >= 6, !kept.isEmpty, Double(onTime) < 0.6 * Double(answered) else { return nil }

        // Minutes of the day each kept answer came, counted from the due day's midnight.
        let local = spec.isUTC ? .utc : spec.timeZone.flatMap { try? Zone.named($0) } ?? zone
        let minutes = kept.map { r -> Int64 in
            let d = local.local(r.due)
            return d.hour * 60 + d.minute + late(r).microseconds / 60_000_000
        }.sorted()
        let median = minutes.count % 2 == 1 ? minutes[minutes.count / 2] : minutes[minutes.count / 2 - 1]
        let suggested = (median + 2) / 5 * 5
        let move = Span.minutes(suggested - at)
        guard suggested > at, suggested < 24 * 60,
            Double(kept.filter { late($0) - move <= $0.onTime }.count) >= 0.8 * Double(kept.count),
            let to = spec.source.replacingTime(with: suggested) ?? spec.normalized.replacingTime(with: suggested)
        else { return nil }
        func clock(_ m: Int64) -> String { String(format: "%02lld:%02lld", (m / 60) % 24, m % 60) }
        let evidence =
            "kept \(kept.count)/\(answered) but on time \(onTime)/\(kept.count) at \(spec.source); "
            + "kept between \(clock(minutes[0])) and \(clock(minutes[minutes.count - 1])) — move it to \(to)?"
        return Suggestion(id: c.id, from: spec.source, to: to, evidence: evidence)
    }

    /// The suggestions for every commitment of a config, from the report's records.
    public static func of(_ config: Config, records: [OutcomeRecord], now: Instant) -> [Suggestion] {
        // Only the last 8 weeks matter: years of records are not grouped again.
        let grouped = ReportBuilder.grouped(records.filter { $0.due > now - window })
        return config.commitments.compactMap { c in grouped[c.id].flatMap { of(c, records: $0, now: now) } }
    }
}

extension CalendarSpec {
    /// The minute of the day of an expression that elapses at one fixed time (seconds 0), else nil.
    var fixedTime: Int64? {
        func single(_ list: [Component]) -> Int? {
            guard list.count == 1, let c = list.first, c.stop < 0, c.repeats == 0 else { return nil }
            return c.start
        }
        guard let h = single(hour), let m = single(minute), second.isEmpty || single(second) == 0 else { return nil }
        return Int64(h * 60 + m)
    }
}

extension String {
    /// The expression with its time of day ("07:00", "7:00:00") written as `minute` of the day, keeping
    /// seconds when it had them; nil when it names no time or the result does not read as that time.
    func replacingTime(with minute: Int64) -> String? {
        guard let range = range(of: #"\b\d{1,2}:\d{2}(:\d{2})?\b"#, options: [.regularExpression, .backwards])
        else { return nil }
        var time = String(format: "%02lld:%02lld", minute / 60, minute % 60)
        if self[range].filter({ $0 == ":" }).count == 2 { time += ":00" }
        let out = replacingCharacters(in: range, with: time)
        guard let spec = try? CalendarSpec(out, localZone: .utc), spec.fixedTime == minute else { return nil }
        return out
    }
}
