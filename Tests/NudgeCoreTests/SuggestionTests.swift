import Foundation
import Testing

@testable import NudgeCore

/// Suggestions from the user's own record (DESIGN.md §9): a commitment kept late again and again gets the
/// time it is really kept at, with the evidence; nudge never edits the config.
@Suite(.pinnedZones)
struct SuggestionTests {
    /// A commitment of a config with `when`, in Berlin, on time within `on_time` (default 10m).
    static func commitment(_ when: String, onTime: String = "10m") throws -> Commitment {
        let config = try #require(try ConfigLoaderTests.load(toml(when, onTime: onTime)).config)
        return try #require(config.commitments.first)
    }

    /// A config with the one commitment `gym`.
    static func toml(_ when: String, onTime: String) -> String {
        """
        [settings]
        timezone = "Europe/Berlin"
        channels = ["console"]

        [[commitment]]
        id = "gym"
        title = "Gym"
        when = "\(when)"
        on_time = "\(onTime)"
        """
    }

    static let berlin = ChannelFixtures.berlin

    /// Mondays at 07:00 (Berlin time unless `zone` says) from 2026-10-05 on (across the end of summer time),
    /// kept `late[i]` after (nil: missed).
    static func mondays(
        _ late: [Int64?], hour: Int64 = 7, zone: Zone = berlin, onTime: Span = .minutes(10)
    ) -> [OutcomeRecord] {
        late.enumerated().map { i, minutes in
            let due = zone.resolve(LocalDateTime(year: 2026, month: 10, day: 5 + 7 * Int64(i), hour: hour))
            let lateness = minutes.map { Span.minutes($0) }
            return OutcomeRecord(
                commitment: CommitmentID(made: "gym"), title: "Gym", due: due,
                outcome: minutes == nil ? .missed : .kept,
                outcomeAt: due + (lateness ?? .hours(2)), lateness: lateness, onTime: onTime)
        }
    }

    static let now = berlin.resolve(LocalDateTime(year: 2026, month: 11, day: 25, hour: 12))

    @Test func alwaysKeptFortyFiveMinutesLateSuggestsTheTimeItIsKeptAt() throws {
        let c = try Self.commitment("Mon 07:00")
        let s = try #require(Suggestion.of(c, records: Self.mondays([44, 45, 47, 45, 46, 44, 45, 47]), now: Self.now))
        #expect(s.id.rawValue == "gym" && s.from == "Mon 07:00" && s.to == "Mon 07:45")
        #expect(
            s.evidence == "kept 8/8 but on time 0/8 at Mon 07:00; kept between 07:44 and 07:47 — move it to Mon 07:45?")
    }

    @Test func tooFewAnswersOnTimeEnoughOrNoClusterSuggestNothing() throws {
        let c = try Self.commitment("Mon 07:00")
        // Five answers are not enough to go by.
        #expect(Suggestion.of(c, records: Self.mondays([45, 45, 45, 45, 45]), now: Self.now) == nil)
        // On time 5 of 8: at least 60 %.
        #expect(Suggestion.of(c, records: Self.mondays([0, 0, 5, 0, 0, 45, 45, 45]), now: Self.now) == nil)
        // Spread from 20 minutes to 3 hours: no time would have made 80 % on time.
        #expect(Suggestion.of(c, records: Self.mondays([20, 40, 60, 90, 120, 150, 180, 30]), now: Self.now) == nil)
        // Misses count as answers, not as keeps: kept 6 of 8, and always late.
        let s = Suggestion.of(c, records: Self.mondays([30, nil, 30, 30, nil, 30, 31, 29]), now: Self.now)
        #expect(s?.to == "Mon 07:30" && s?.evidence.hasPrefix("kept 6/8 but on time 0/6") == true)
    }

    @Test func onlyTheLastEightWeeksCount() throws {
        let c = try Self.commitment("Mon 07:00")
        // Eight late Mondays, but the last one is more than eight weeks before this `now`.
        let later = Self.berlin.resolve(LocalDateTime(year: 2027, month: 1, day: 25, hour: 12))
        #expect(Suggestion.of(c, records: Self.mondays([45, 45, 45, 45, 45, 45, 45, 45]), now: later) == nil)
    }

    @Test func theWindowEndsEightWeeksBeforeNow() throws {
        let c = try Self.commitment("Mon 07:00")
        let records = Self.mondays([45, 45, 45, 45, 45, 45, 45, 45])
        // On 7 December the first two Mondays are older than 56 days; six remain.
        let sixLeft = Self.berlin.resolve(LocalDateTime(year: 2026, month: 12, day: 7, hour: 12))
        #expect(Suggestion.of(c, records: records, now: sixLeft)?.evidence.hasPrefix("kept 6/6 ") == true)
        // A week later only five remain.
        #expect(Suggestion.of(c, records: records, now: sixLeft + .days(7)) == nil)
    }

    @Test func earlyAnswersAreOnTimeAndMoveNothing() throws {
        let c = try Self.commitment("Mon 07:00")
        #expect(
            Suggestion.of(c, records: Self.mondays([-30, -40, -30, -35, -30, -30, -45, -30]), now: Self.now) == nil)
    }

    @Test func onTimeIsEachRecordsOwnAsInTheReport() throws {
        // The records were kept within their `on_time` of an hour, whatever the commitment says now.
        let c = try Self.commitment("Mon 07:00")
        let records = Self.mondays([45, 45, 45, 45, 45, 45, 45, 45], onTime: .hours(1))
        #expect(Suggestion.of(c, records: records, now: Self.now) == nil)
    }

    @Test func theExpressionsOwnZoneGivesTheWallClock() throws {
        // Read in UTC though the settings say Berlin: the end of summer time changes nothing.
        let c = try Self.commitment("Mon 07:00 UTC")
        let s = Suggestion.of(c, records: Self.mondays([44, 45, 47, 45, 46, 44, 45, 47], zone: .utc), now: Self.now)
        #expect(s?.to == "Mon 07:45 UTC" && s?.evidence.contains("kept between 07:44 and 07:47") == true)
    }

    @Test func aShorthandIsSuggestedInItsNormalizedForm() throws {
        let c = try Self.commitment("daily")
        let s = Suggestion.of(c, records: Self.mondays([45, 45, 45, 45, 45, 45, 45, 45], hour: 0), now: Self.now)
        #expect(s?.from == "daily" && s?.to == "*-*-* 00:45:00")
    }

    @Test func theExpressionKeepsItsShapeAndOnlyOneFixedTimeCanMove() throws {
        let records = Self.mondays([45, 45, 45, 45, 45, 45, 45, 45])
        let seconds = try Self.commitment("Mon *-*-* 07:00:00")
        #expect(Suggestion.of(seconds, records: records, now: Self.now)?.to == "Mon *-*-* 07:45:00")
        for when in ["Mon 07,19:00", "Mon 07:00/15", "hourly"] {
            #expect(Suggestion.of(try Self.commitment(when), records: records, now: Self.now) == nil, "\(when)")
        }
        // Past midnight is another day: not suggested.
        let late = Self.mondays([90, 90, 90, 90, 90, 90, 90, 90], hour: 23)
        #expect(Suggestion.of(try Self.commitment("Mon 23:00"), records: late, now: Self.now) == nil)
    }

    @Test func theReportSaysItInTextAndJSON() throws {
        let c = try Self.commitment("Mon 07:00")
        var config = try #require(try ConfigLoaderTests.load("[settings]\ntimezone = \"Europe/Berlin\"").config)
        config.commitments = [c]
        let records = Self.mondays([44, 45, 47, 45, 46, 44, 45, 47])
        var report = ReportBuilder.build(config: config, records: records, now: Self.now, weeks: 8)
        report.suggestions = Suggestion.of(config, records: records, now: Self.now)
        #expect(report.text(color: false).contains("  gym: kept 8/8 but on time 0/8 at Mon 07:00;"))
        let json = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any]
        let list = json?["suggestions"] as? [[String: String]]
        #expect(list?.first?["to"] == "Mon 07:45" && list?.first?["from"] == "Mon 07:00" && list?.first?["id"] == "gym")
    }

    @Test func eightWeeksOfLateGymAsLivedGiveTheSuggestionInTheReport() throws {
        let life = try Life(Self.toml("Mon 07:00", onTime: "30m"), start: "2026-12-06 12:00")
        for week in 0..<8 {
            let monday = Self.berlin.resolve(LocalDateTime(year: 2026, month: 12, day: 7 + 7 * Int64(week), hour: 7))
            try life.liveAsDaemon(until: monday + Span.minutes(45))
            _ = try life.answers.done("gym")
        }
        try life.liveAsDaemon(until: try life.t("2027-01-26 12:00"))
        let report = try Report.of(config: life.answers.config, store: life.store, now: life.now)
        #expect(report.suggestions.map(\.to) == ["Mon 07:45"])
        #expect(report.suggestions.first?.evidence.hasPrefix("kept 8/8 but on time 0/8 at Mon 07:00") == true)
    }
}
