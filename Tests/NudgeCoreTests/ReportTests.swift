import Foundation
import Testing

@testable import NudgeCore

/// Every figure of `nudge report`, checked against values worked out by hand.
@Suite(.pinnedZones)
struct ReportTests {
    static let gym = id("gym")
    static let now = at(2026, 4, 15, 12)

    /// A valid id (a typo here is a bug in the test).
    static func id(_ text: String) -> CommitmentID {
        guard let id = CommitmentID(text) else { preconditionFailure("\(text) is not a valid id") }
        return id
    }

    /// An instant on the UTC clock.
    static func at(_ y: Int64, _ mo: Int64, _ d: Int64, _ h: Int64 = 9, _ mi: Int64 = 0) -> Instant {
        Zone.utc.resolve(LocalDateTime(year: y, month: mo, day: d, hour: h, minute: mi))
    }

    /// A record of `gym` (or `id`), due at `due`, answered `late` after it.
    static func record(
        _ outcome: Outcome, _ due: Instant, late: Span = .zero, onTime: Span = .minutes(10),
        id: CommitmentID = gym, with: String? = nil, repaired: Bool = false
    ) -> OutcomeRecord {
        OutcomeRecord(
            commitment: id, title: "Gym", with: with, due: due, outcome: outcome,
            outcomeAt: due + late, lateness: outcome == .kept ? late : nil, onTime: onTime, repaired: repaired)
    }

    /// Records of `gym` due on consecutive days from 1 April 2026, one per outcome.
    static func daily(_ outcomes: [Outcome]) -> [OutcomeRecord] {
        outcomes.enumerated().map { record($1, at(2026, 4, 1 + Int64($0))) }
    }

    static func figures(_ records: [OutcomeRecord], perDay: Double = 1) -> ReportFigures {
        let info = CommitmentInfo(id: gym, title: "Gym", perDay: perDay)
        let report = ReportBuilder.build(records: records, commitments: [info], now: now, zone: .utc)
        return report.commitments.first?.figures ?? ReportFigures()
    }

    @Test func countsAndFollowThrough() {
        let records = Self.daily([.kept, .kept, .skipped, .missed, .missed, .kept])
            .enumerated().map { i, r in i == 3 ? Self.record(.missed, r.due, repaired: true) : r }
        let f = Self.figures(records)
        #expect((f.kept, f.skipped, f.missed, f.repaired) == (3, 1, 2, 1))
        #expect(f.followThrough == 0.6)  // 3 / (3 + 2)
        #expect(Self.figures(Self.daily([.skipped])).followThrough == nil)
        #expect(Self.figures([]).followThrough == nil)
        #expect(Self.figures([]).onTimeRate == nil)
        #expect(Self.figures([]).medianLateness == nil)
    }

    @Test func onTimeCountsEarlyAndTheBoundaryButNotASecondLater() {
        let lates: [Span] = [.minutes(-5), .minutes(10), .minutes(10) + .seconds(1), .minutes(30)]
        let records = lates.enumerated().map { Self.record(.kept, Self.at(2026, 4, 1 + Int64($0)), late: $1) }
        let f = Self.figures(records + [Self.record(.missed, Self.at(2026, 4, 9))])
        #expect(f.onTimeRate == 0.5)  // -5m early and 10m == on_time; 10m1s and 30m late
        // Even count: the mean of 10m and 10m1s.
        #expect(f.medianLateness == Span(microseconds: 600_500_000))
        // Odd count: the middle one.
        #expect(Self.figures(Array(records[0...1]) + [records[3]]).medianLateness == .minutes(10))
    }

    @Test func keptWithoutLatenessUsesTheAnswerTime() {
        var r = Self.record(.kept, Self.at(2026, 4, 1), late: .minutes(20), onTime: .minutes(30))
        r.lateness = nil
        let f = Self.figures([r])
        #expect(f.medianLateness == .minutes(20))
        #expect(f.onTimeRate == 1)
    }

    @Test(
        arguments: [
            (Span.minutes(20), "+20m"), (.minutes(-5), "-5m"), (.zero, "0s"), (Span(microseconds: 400_000), "0s"),
            (.seconds(45), "+45s"), (.seconds(-90), "-1m30s"), (.minutes(90), "+1h30m"), (.hours(51), "+2d3h"),
            (.days(1) + .minutes(5), "+1d"), (Span(microseconds: 600_500_000), "+10m"),
        ])
    func latenessPrintsSignedAndShort(span: Span, text: String) {
        #expect(Report.lateness(span) == text)
    }

    @Test func streaksSkipSkipsAndBreakOnAMiss() {
        // K K S K K | M | K S K : a run of 4, broken, then 2 so far.
        let records = Self.daily([.kept, .kept, .skipped, .kept, .kept, .missed, .kept, .skipped, .kept])
        let f = Self.figures(records.reversed())  // order comes from the due times, not the input
        #expect(f.bestStreak == 4)
        #expect(f.currentStreak == 2)
        #expect(Self.figures(Self.daily([.kept, .kept, .skipped])).currentStreak == 2)
        #expect(Self.figures(Self.daily([.kept, .kept, .missed, .skipped])).currentStreak == 0)
        #expect(Self.figures(Self.daily([.skipped, .skipped])).bestStreak == 0)
    }

    @Test func strengthFollowsTheHabitScoreByHand() {
        // f = 1/7 (weekly): m = 0.5^(1/(13·√(1/7))) = 0.5^0.2035193… = 0.8684295…
        let m = ReportBuilder.decay(perDay: 1.0 / 7)
        #expect(abs(m - 0.868_429_517_5) < 1e-9)
        #expect(abs(ReportBuilder.decay(perDay: 1) - 0.948_077_514_3) < 1e-9)  // 0.5^(1/13)
        #expect(ReportBuilder.decay(perDay: 0) == 0)
        // K: s = 1−m = 0.13157 → 13
        // K: s = 1−m² = 0.24583 → 25
        // M: s = m−m³ = 0.21349 → 21
        // S: unchanged → 21
        // K: s = 0.21349·m + 1−m = 0.31697 → 32
        let outcomes: [Outcome] = [.kept, .kept, .missed, .skipped, .kept]
        let expected = [13, 25, 21, 21, 32]
        for n in 1...outcomes.count {
            let weekly = outcomes[..<n].enumerated().map { Self.record($1, Self.at(2026, 3, 1 + 7 * Int64($0))) }
            #expect(Self.figures(weekly, perDay: 1.0 / 7).strength == expected[n - 1])
        }
        // Daily: one kept is 1 − 0.5^(1/13) = 0.0519 → 5; a one-off (f = 0) is its last answer.
        #expect(Self.figures(Self.daily([.kept]), perDay: 1).strength == 5)
        #expect(Self.figures(Self.daily([.kept]), perDay: 0).strength == 100)
    }

    @Test func commitmentOnlyInRecordsGetsAnEstimatedRate() {
        let old = Self.id("old")
        let records = [1, 3, 5].map { Self.record(.kept, Self.at(2026, 4, $0), id: old) }
        let report = ReportBuilder.build(records: records, commitments: [], now: Self.now, zone: .utc)
        #expect(report.commitments.map(\.id) == [old])
        #expect(report.commitments.first?.perDay == 0.5)  // 2 gaps over 4 days
        #expect(report.commitments.first?.title == "Gym")
    }

    @Test func heatmapShowsTheWorstOfEachDayFromMonday() {
        let records = [
            Self.record(.kept, Self.at(2026, 4, 5)),  // Sunday before: outside
            Self.record(.kept, Self.at(2026, 4, 7, 8)), Self.record(.missed, Self.at(2026, 4, 7, 20)),
            Self.record(.skipped, Self.at(2026, 4, 8, 8)), Self.record(.kept, Self.at(2026, 4, 8, 9)),
            Self.record(.kept, Self.at(2026, 4, 9)),
            Self.record(.skipped, Self.at(2026, 4, 13)),
            Self.record(.kept, Self.at(2026, 4, 15, 20)),  // later today, done early
            Self.record(.kept, Self.at(2026, 4, 16)),  // tomorrow: outside
        ]
        let report = ReportBuilder.build(records: records, commitments: [], now: Self.now, zone: .utc, weeks: 2)
        let map = report.overall
        #expect(map.firstDay == CivilDate.days(year: 2026, month: 4, day: 6))  // a Monday
        #expect(
            map.weeks == [
                [.none, .missed, .skipped, .kept, .none, .none, .none],
                [.skipped, .none, .kept],  // Monday 13th to today, Wednesday 15th
            ])
        #expect(report.commitments.first?.heatmap == map)
    }

    @Test func heatmapCountsDaysInTheZoneAcrossTheSpringChange() throws {
        // Berlin moves from CET to CEST at 02:00 on Sunday 29 March 2026.
        let berlin = try Zone.named("Europe/Berlin")
        func local(_ d: Int64, _ h: Int64, _ mi: Int64 = 0) -> Instant {
            berlin.resolve(LocalDateTime(year: 2026, month: 3, day: d, hour: h, minute: mi))
        }
        let records = [
            Self.record(.kept, local(29, 0, 30)),  // 28 March 23:30 UTC
            Self.record(.missed, local(30, 0, 30)),  // 29 March 22:30 UTC
        ]
        #expect(records[0].due == Self.at(2026, 3, 28, 23, 30))
        #expect(records[1].due == Self.at(2026, 3, 29, 22, 30))
        let now = berlin.resolve(LocalDateTime(year: 2026, month: 4, day: 1, hour: 0, minute: 30))
        let report = ReportBuilder.build(records: records, commitments: [], now: now, zone: berlin, weeks: 2)
        #expect(report.overall.weeks == [[.none, .none, .none, .none, .none, .none, .kept], [.missed, .none, .none]])
        #expect(report.overall.mark(year: 2026, month: 3, day: 28) == DayMark.none)
        #expect(report.overall.mark(year: 2026, month: 3, day: 29) == .kept)
        #expect(report.overall.mark(year: 2026, month: 3, day: 30) == .missed)
        // On the UTC clock the same records fall a day earlier and "today" is still Tuesday.
        let utc = ReportBuilder.build(records: records, commitments: [], now: now, zone: .utc, weeks: 2)
        #expect(utc.overall.weeks == [[.none, .none, .none, .none, .none, .kept, .missed], [.none, .none]])
    }

    @Test func peopleMergeTheirCommitmentsInDueOrder() throws {
        let (a, b, c, d) = (Self.id("a"), Self.id("b"), Self.id("c"), Self.id("d"))
        let infos = [
            CommitmentInfo(id: a, title: "A", with: "Anna", perDay: 1),
            CommitmentInfo(id: b, title: "B", with: "Anna", perDay: 1.0 / 7),
            CommitmentInfo(id: c, title: "C", with: "Bob", perDay: 1),
            CommitmentInfo(id: d, title: "D", perDay: 1),
        ]
        let records = [
            Self.record(.kept, Self.at(2026, 4, 3), id: a, with: "Anna"),
            Self.record(.missed, Self.at(2026, 4, 2), id: b, with: "Anna"),
            Self.record(.kept, Self.at(2026, 4, 1), id: a, with: "Anna"),
            Self.record(.kept, Self.at(2026, 4, 1), id: c, with: "Bob"),
            Self.record(.kept, Self.at(2026, 4, 1), id: d),
        ]
        let report = ReportBuilder.build(records: records, commitments: infos, now: Self.now, zone: .utc)
        #expect(report.commitments.map(\.id) == [a, b, c, d])
        #expect(report.people.map(\.name) == ["Anna", "Bob"])
        let anna = try #require(report.people.first)
        #expect(anna.commitments == [a, b])
        #expect(abs(anna.perDay - 8.0 / 7) < 1e-12)
        // K, M, K: m = 0.5^(1/(13·√(8/7))) = 0.9513480; s = 0.04865, 0.04628, 0.09269 → 9.
        #expect((anna.figures.kept, anna.figures.missed) == (2, 1))
        #expect(abs((anna.figures.followThrough ?? 0) - 2.0 / 3) < 1e-12)
        #expect((anna.figures.currentStreak, anna.figures.bestStreak) == (1, 1))
        #expect(anna.figures.strength == 9)
        #expect(report.people.last?.figures.kept == 1)
    }

    @Test func jsonHasVersionOneAndNullsForUnknownRates() throws {
        let records = [Self.record(.kept, Self.at(2026, 4, 14), late: .minutes(20), with: "Anna")]
        let infos = [
            CommitmentInfo(id: Self.gym, title: "Gym", with: "Anna", perDay: 1),
            CommitmentInfo(id: Self.id("read"), title: "Read", perDay: 1),
        ]
        let report = ReportBuilder.build(records: records, commitments: infos, now: Self.now, zone: .utc, weeks: 1)
        let text = try report.json()
        #expect(text.contains("\"version\" : 1"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["version"] as? Int == 1)
        #expect(object["today"] as? String == "2026-04-15")
        let parts = try #require(object["commitments"] as? [[String: Any]])
        #expect(parts.first?["medianLatenessSeconds"] as? Double == 1200)
        #expect(parts.first?["followThrough"] as? Double == 1)
        #expect(parts.last?["followThrough"] is NSNull)
        #expect(parts.last?["with"] is NSNull)
        let heatmap = try #require(parts.first?["heatmap"] as? [String: Any])
        #expect(heatmap["from"] as? String == "2026-04-13")
        let weeks = try #require(heatmap["weeks"] as? [[String: Any]])
        #expect(weeks.first?["days"] as? [String] == ["none", "kept", "none"])
    }

    @Test func csvQuotesCommasAndQuotes() throws {
        let title = "Call \"Mum\", then Dad"
        let r = Self.record(.kept, Self.at(2026, 4, 14), late: .minutes(-5), with: "Mum")
        let info = CommitmentInfo(id: Self.gym, title: title, with: "Mum", perDay: 1)
        let report = ReportBuilder.build(records: [r], commitments: [info], now: Self.now, zone: .utc)
        let lines = report.csv().components(separatedBy: "\r\n")
        #expect(
            lines == [
                "kind,id,title,with,kept,skipped,missed,repaired,follow_through,on_time_rate,"
                    + "median_lateness_seconds,current_streak,best_streak,strength,renegotiated,on_time,"
                    + "late_with_notice,late_without_notice,person",
                "commitment,gym,\"Call \"\"Mum\"\", then Dad\",Mum,1,0,0,0,1.0000,1.0000,-300,1,1,5,0,1,0,0,",
                "person,,,Mum,1,0,0,0,1.0000,1.0000,-300,1,1,5,0,1,0,0,",
                "",
            ])
        #expect(Report.csvField("a\nb") == "\"a\nb\"")
        #expect(Report.csvField("plain") == "plain")
    }

    @Test func textShowsTablesAndAHeatmapWithOrWithoutColour() {
        let records = [
            Self.record(.kept, Self.at(2026, 4, 13), late: .minutes(20)),
            Self.record(.missed, Self.at(2026, 4, 14)),
            Self.record(.skipped, Self.at(2026, 4, 15)),
        ]
        let infos = [CommitmentInfo(id: Self.gym, title: "Gym", perDay: 1)]
        let report = ReportBuilder.build(records: records, commitments: infos, now: Self.now, zone: .utc, weeks: 2)
        let plain = report.text(color: false)
        let lines = plain.components(separatedBy: "\n")
        #expect(lines.first == "nudge report: 2 weeks to Wed 2026-04-15 (UTC)")
        #expect(
            lines.contains(
                "ID   TITLE  WITH  KEPT  SKIP  MOVED  MISS  REP  FOLLOW  ON-TIME  MEDIAN  STREAK  BEST  STRENGTH"))
        // K then M (then a skip), daily: s = (1 − m)·m = 0.0492 → 5; +20m is late for on_time 10m.
        #expect(
            lines.contains(
                "gym  Gym    -        1     1      0     1    0     50%       0%    +20m       0     1         5"))
        #expect(lines.contains("       04-06   04-13"))
        #expect(lines.contains("       MTWTFSS MTWTFSS"))
        #expect(lines.contains("(all)  ....... #x~"))
        #expect(lines.contains("gym    ....... #x~"))
        #expect(plain.contains("# kept  > renegotiated  ~ skipped  x missed  . nothing due"))
        #expect(!plain.contains("\u{1B}"))
        let colored = report.text(color: true)
        #expect(colored.contains("\u{1B}[32m#\u{1B}[0m\u{1B}[31mx\u{1B}[0m\u{1B}[33m~\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[2m.\u{1B}[0m"))
    }

    @Test func recordsInAnyOrderGiveTheSameReport() {
        let (a, b, c) = (Self.id("a"), Self.id("b"), Self.id("c"))
        let outcomes: [Outcome] = [.kept, .missed, .kept, .skipped, .kept, .kept, .missed]
        var records: [OutcomeRecord] = []
        for (i, id) in [a, b, c].enumerated() {
            for day in 0..<40 {
                let outcome = outcomes[(day * (i + 2)) % outcomes.count]
                records.append(
                    Self.record(
                        outcome, Self.at(2026, 3, 1 + Int64(day / 2), 9 + Int64(day % 2)),
                        late: .minutes(Int64(day % 13)),
                        id: id, with: i == 2 ? nil : "Anna", repaired: outcome == .missed && day % 3 == 0))
            }
        }
        let infos = [a, b, c].map { CommitmentInfo(id: $0, title: $0.rawValue, perDay: 2) }
        let inOrder = ReportBuilder.build(records: records, commitments: infos, now: Self.now, zone: .utc, weeks: 8)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5 {
            let shuffled = records.shuffled(using: &generator)
            #expect(
                ReportBuilder.build(records: shuffled, commitments: infos, now: Self.now, zone: .utc, weeks: 8)
                    == inOrder)
        }
        #expect(inOrder.people.first?.figures.kept == records.filter { $0.with == "Anna" && $0.outcome == .kept }.count)
    }
}
