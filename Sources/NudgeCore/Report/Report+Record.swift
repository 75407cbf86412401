extension Commitment {
    /// Occurrences per day, for the strength formula: calendar commitments counted over the four weeks
    /// after `now`, check-ins from their cadence, one-offs 0.
    public func perDay(now: Instant) -> Double {
        switch schedule {
        case .calendar(let specs, let zone):
            let end = now + Span.days(28).microseconds
            var count = 0
            var t = now
            while count < 10_000, let n = Self.earliest(specs, zone: zone, after: t), n <= end {
                count += 1
                t = n
            }
            return Double(count) / 28
        case .every(let span, _, _):
            return span.microseconds > 0 ? 86_400_000_000 / Double(span.microseconds) : 0
        case .once:
            return 0
        }
    }
}

extension ReportBuilder {
    /// The report of a config's commitments from outcome records (`Store.outcomeRecords`).
    public static func build(config: Config, records: [OutcomeRecord], now: Instant, weeks: Int) -> Report {
        let infos = config.commitments.map {
            CommitmentInfo(id: $0.id, title: $0.title, with: $0.with, perDay: $0.perDay(now: now))
        }
        return build(
            records: records, commitments: infos, now: now, zone: config.settings.timezone, weeks: weeks,
            people: config.people.mapValues(\.name))
    }
}

extension Report {
    /// The report of the record over a config (with its added promises), as `nudge report` shows it: make-ups
    /// and moved occurrences count as their commitment's, not as parts of their own.
    public static func of(config: Config, store: Store, now: Instant, weeks: Int = 7) throws -> Report {
        try page(config: config, store: store, now: now, weeks: weeks).report
    }

    /// The report and its records, for the HTML page.
    public static func page(config: Config, store: Store, now: Instant, weeks: Int = 7) throws -> ReportPage {
        let records = try store.outcomeRecords(config: config, repaired: try store.repaired())
        let linked = try store.linked()
        var own = config
        own.commitments.removeAll { linked[$0.id] != nil }
        var report = ReportBuilder.build(config: own, records: records, now: now, weeks: weeks)
        report.suggestions = Suggestion.of(own, records: records, now: now)
        return ReportPage(report: report, records: records, zone: config.settings.timezone)
    }
}
