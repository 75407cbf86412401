import Foundation

/// Turns ended occurrences into the report's figures and heatmaps; pure, "now" and zone passed in.
public enum ReportBuilder {
    /// Builds the report of `records` for `commitments`, with heatmaps of the `weeks` weeks up to `now`.
    ///
    /// Every commitment in `commitments` gets a part, with or without records, and so does every commitment
    /// that only appears in `records` (one removed since, say); its rate is then estimated from the records.
    /// A person's part covers the records that name them in `with`, and its rate is the sum of the rates of
    /// their commitments; `people` (id → name, the config's `[person.ID]`) says who a `with` names. `weeks`
    /// below 1 counts as 1.
    public static func build(
        records: [OutcomeRecord], commitments: [CommitmentInfo], now: Instant, zone: Zone, weeks: Int = 7,
        people names: [String: String] = [:]
    ) -> Report {
        let weeks = max(1, weeks)
        let byCommitment = grouped(records)
        var infos: [CommitmentID: CommitmentInfo] = [:]
        for info in commitments where infos[info.id] == nil { infos[info.id] = info }

        let today = day(of: now, in: zone)
        let monday = today - (CivilDate.weekday(days: today) + 6) % 7
        let firstDay = monday - 7 * Int64(weeks - 1)
        func heatmap(_ records: some Collection<OutcomeRecord>) -> Heatmap {
            Self.heatmap(records, from: firstDay, through: today, zone: zone)
        }

        let ids = Set(infos.keys).union(byCommitment.keys).sorted()
        var rates: [CommitmentID: Double] = [:]
        let parts = ids.map { id in
            let own = byCommitment[id] ?? []
            let rate = infos[id]?.perDay ?? estimatedRate(own)
            rates[id] = rate
            return Report.CommitmentPart(
                id: id, title: infos[id]?.title ?? own.last?.title ?? id.rawValue,
                with: infos[id].map(\.with) ?? own.last?.with, perDay: rate,
                figures: figures(own, perDay: rate), heatmap: heatmap(own))
        }

        var theirs: [String: Set<CommitmentID>] = [:]
        for part in parts { if let name = part.with { theirs[name, default: []].insert(part.id) } }
        // Records of one commitment name the same person run after run: look each run up once.
        for (id, own) in byCommitment {
            var last: String?
            for record in own where record.with != last {
                last = record.with
                if let name = record.with { theirs[name, default: []].insert(id) }
            }
        }
        let people = theirs.filter { !$0.key.isEmpty }.sorted { $0.key < $1.key }.map { name, ids in
            let rate = ids.reduce(0) { $0 + (rates[$1] ?? 0) }
            let own = ids.flatMap { byCommitment[$0] ?? [] }.filter { $0.with == name }.sorted(by: dueOrder)
            return Report.PersonPart(
                person: names[name] == nil ? nil : name, name: names[name] ?? name, commitments: ids.sorted(),
                perDay: rate, figures: figures(own, perDay: rate))
        }

        return Report(
            generated: TimestampFormat.iso8601(now, zone: zone), timezone: zone.name, weeks: weeks, today: today,
            commitments: parts, people: people, overall: heatmap(records))
    }

    /// The records of each commitment in due order, as slices of one array: records are copied once, each
    /// into its commitment's place, and only each commitment's own records are sorted (by due time, an
    /// order they usually have already).
    static func grouped(_ records: [OutcomeRecord]) -> [CommitmentID: ArraySlice<OutcomeRecord>] {
        var slots: [CommitmentID: Int] = [:]
        var counts: [Int] = []
        var slotOf: [Int] = []
        slotOf.reserveCapacity(records.count)
        var last: OutcomeRecord.Subject?
        var slot = 0
        for record in records {
            if record.subject !== last {
                last = record.subject
                slot = slots[record.commitment] ?? counts.count
                if slot == counts.count {
                    slots[record.commitment] = slot
                    counts.append(0)
                }
            }
            counts[slot] += 1
            slotOf.append(slot)
        }
        var starts: [Int] = []
        var next = 0
        for count in counts {
            starts.append(next)
            next += count
        }
        var place = starts
        var all = [OutcomeRecord](unsafeUninitializedCapacity: records.count) { buffer, initialized in
            for (record, slot) in zip(records, slotOf) {
                buffer.initializeElement(at: place[slot], to: record)
                place[slot] += 1
            }
            initialized = records.count
        }
        let ranges = slots.mapValues { starts[$0]..<starts[$0] + counts[$0] }
        for range in ranges.values { all[range].sort(by: dueOrder) }
        return ranges.mapValues { all[$0] }
    }

    /// The figures of records already in due order, for a commitment (or person) due `perDay` times a day.
    static func figures(_ records: some Collection<OutcomeRecord>, perDay: Double) -> ReportFigures {
        var f = ReportFigures()
        var lateness: [Span] = []
        var onTime = 0
        var run = 0
        var score = 0.0
        let m = decay(perDay: perDay)
        for record in records {
            switch record.outcome {
            case .kept:
                f.kept += 1
                let late =
                    record.lateness ?? Span(microseconds: record.outcomeAt.microseconds - record.due.microseconds)
                lateness.append(late)
                if late <= record.onTime {
                    onTime += 1
                } else if record.notice {
                    f.lateWithNotice += 1
                } else {
                    f.lateWithoutNotice += 1
                }
                run += 1
                f.bestStreak = max(f.bestStreak, run)
                score = score * m + (1 - m)
            case .missed:
                f.missed += 1
                if record.repaired { f.repaired += 1 }
                run = 0
                score = score * m
            case .skipped:
                f.skipped += 1
            case .renegotiated:
                f.renegotiated += 1
            }
        }
        f.currentStreak = run
        f.onTime = onTime
        f.strength = Int((100 * score).rounded())
        if f.kept + f.missed > 0 { f.followThrough = Double(f.kept) / Double(f.kept + f.missed) }
        if f.kept > 0 { f.onTimeRate = Double(onTime) / Double(f.kept) }
        f.medianLateness = median(lateness)
        return f
    }

    /// The factor m = 0.5^(1/(13·√f)) that each answer keeps of the old score: a half-life of 13/√f days,
    /// as in Loop Habit Tracker. With no known rate (a one-off) it is 0, so the score is the last answer.
    static func decay(perDay f: Double) -> Double {
        guard f > 0, f.isFinite else { return 0 }
        return pow(0.5, 1 / (13 * f.squareRoot()))
    }

    /// The middle value, or the mean of the two middle values of an even count; nil for none.
    static func median(_ spans: [Span]) -> Span? {
        guard !spans.isEmpty else { return nil }
        let s = spans.sorted()
        let mid = s.count / 2
        if s.count % 2 == 1 { return s[mid] }
        let (a, b) = (s[mid - 1].microseconds, s[mid].microseconds)
        return Span(microseconds: a / 2 + b / 2 + (a % 2 + b % 2) / 2)
    }

    /// Occurrences per day judged from the records alone: the gaps between the first and last due times.
    static func estimatedRate(_ records: ArraySlice<OutcomeRecord>) -> Double {
        guard let first = records.first?.due, let last = records.last?.due, last > first else { return 0 }
        let days = Double(last.microseconds - first.microseconds) / Double(Span.usecPerDay)
        return Double(records.count - 1) / days
    }

    /// The worst outcome of each day from `first` through `last` (day numbers on the zone's wall clock),
    /// each record counting on the day of its due time.
    static func heatmap(_ records: some Collection<OutcomeRecord>, from first: Int64, through last: Int64, zone: Zone)
        -> Heatmap
    {
        var days = Array(repeating: DayMark.none, count: Int(max(0, last - first + 1)))
        // Records far outside the weeks shown need no conversion to local time: no zone is more than
        // a day away from UTC.
        let earliest = Instant(seconds: (first - 2) * 86_400)
        let latest = Instant(seconds: (last + 3) * 86_400)
        for record in records where record.due >= earliest && record.due < latest {
            let d = day(of: record.due, in: zone)
            guard d >= first, d <= last else { continue }
            let i = Int(d - first)
            days[i] = max(days[i], DayMark(record.outcome))
        }
        return Heatmap(firstDay: first, days: days)
    }

    /// The calendar day of an instant on the zone's wall clock, as days since 1970-01-01.
    static func day(of instant: Instant, in zone: Zone) -> Int64 {
        zone.local(instant).epochSeconds.floorDiv(86_400)
    }

    /// Due time first, then the time of the answer, then the commitment: a stable order for streaks and scores.
    private static func dueOrder(_ a: OutcomeRecord, _ b: OutcomeRecord) -> Bool {
        if a.due != b.due { return a.due < b.due }
        if a.outcomeAt != b.outcomeAt { return a.outcomeAt < b.outcomeAt }
        return a.commitment < b.commitment
    }
}
