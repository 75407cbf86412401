import Testing

@testable import NudgeCore

/// Friday 2026-11-20 is the usual "today"; Berlin is on CET (UTC+1) then.
@Suite(.pinnedZones)
struct MomentTests {
    let berlin: Zone

    init() throws {
        berlin = try Zone.named("Europe/Berlin")
    }

    /// The instant of a UTC wall-clock reading "YYYY-MM-DD HH:MM[:SS]".
    private func utc(_ text: String) -> Instant {
        let fields = text.split(whereSeparator: { " -:".contains($0) }).compactMap { Int64($0) } + [0]
        let local = LocalDateTime(
            year: fields[0], month: fields[1], day: fields[2], hour: fields[3], minute: fields[4], second: fields[5])
        return Instant(seconds: local.epochSeconds)
    }

    /// The instant of a Berlin reading on a day with no DST change: CET (+1) in winter, CEST (+2) in summer.
    private func cet(_ text: String) -> Instant { utc(text) + .hours(-1) }
    private func cest(_ text: String) -> Instant { utc(text) + .hours(-2) }

    private func resolve(
        _ text: String, now: Instant, _ direction: MomentDirection, zone: Zone? = nil
    ) throws -> Instant {
        try Moment.resolve(text, now: now, zone: zone ?? berlin, direction: direction)
    }

    private func problem(_ text: String, now: Instant, _ direction: MomentDirection) throws -> MomentError.Problem {
        try #require(throws: MomentError.self) { try resolve(text, now: now, direction) }.problem
    }

    // MARK: Bare times and the direction

    @Test func futureBareTimeIsTodayWhileStillAhead() throws {
        #expect(try resolve("19:00", now: cet("2026-11-20 18:59"), .future) == cet("2026-11-20 19:00"))
    }

    @Test func futureBareTimeIsTomorrowOncePassedOrReached() throws {
        #expect(try resolve("19:00", now: cet("2026-11-20 19:01"), .future) == cet("2026-11-21 19:00"))
        #expect(try resolve("19:00", now: cet("2026-11-20 19:00"), .future) == cet("2026-11-21 19:00"))
    }

    @Test func pastBareTimeIsTodayOncePassed() throws {
        #expect(try resolve("19:00", now: cet("2026-11-20 19:01"), .past) == cet("2026-11-20 19:00"))
        #expect(try resolve("19:00", now: cet("2026-11-20 19:00"), .past) == cet("2026-11-20 19:00"))
    }

    @Test func pastBareTimeIsYesterdayWhileStillAhead() throws {
        #expect(try resolve("19:10", now: cet("2026-11-20 18:59"), .past) == cet("2026-11-19 19:10"))
    }

    @Test func eitherBareTimeIsAlwaysToday() throws {
        #expect(try resolve("19:00", now: cet("2026-11-20 18:59"), .either) == cet("2026-11-20 19:00"))
        #expect(try resolve("19:00", now: cet("2026-11-20 19:01"), .either) == cet("2026-11-20 19:00"))
    }

    @Test(arguments: [
        ("7pm", "19:00"), ("7 pm", "19:00"), ("7PM", "19:00"), ("7:30am", "07:30"), ("7:30 AM", "07:30"),
        ("12am", "00:00"), ("12:15am", "00:15"), ("12pm", "12:00"), ("12:45pm", "12:45"), ("noon", "12:00"),
        ("midnight", "00:00"), ("0:00", "00:00"), ("00:00", "00:00"), ("9:05", "09:05"), ("23:59:30", "23:59:30"),
        ("at 19:00", "19:00"),
    ])
    func readsTimesOfDay(input: String, expected: String) throws {
        let now = cet("2026-11-20 12:00")
        #expect(try resolve(input, now: now, .either) == cet("2026-11-20 \(expected)"))
    }

    @Test func futureMidnightIsTheComingOne() throws {
        #expect(try resolve("midnight", now: cet("2026-11-20 12:00"), .future) == cet("2026-11-21 00:00"))
    }

    @Test(arguments: ["24:00", "24:30", "25:00", "19:60", "19:00:60", "13pm", "0am", "00pm", "19:5", "123:00", "7"])
    func rejectsTimesOutOfRange(input: String) throws {
        guard case .invalidTime = try problem(input, now: cet("2026-11-20 12:00"), .either) else {
            Issue.record("\(input) should be an invalid time")
            return
        }
    }

    @Test func twentyFourHundredSaysMidnightIsZeroHundred() throws {
        let error = try #require(throws: MomentError.self) {
            try resolve("24:00", now: cet("2026-11-20 12:00"), .future)
        }
        #expect(error.errorDescription?.contains("hours go from 0 to 23, and midnight is 00:00") == true)
    }

    // MARK: Named days

    @Test func namedDayGoesBeforeOrAfterTheTime() throws {
        let now = cet("2026-11-20 12:00")
        #expect(try resolve("tomorrow 9:00", now: now, .future) == cet("2026-11-21 09:00"))
        #expect(try resolve("9:00 tomorrow", now: now, .future) == cet("2026-11-21 09:00"))
        #expect(try resolve("Tomorrow at 9am", now: now, .future) == cet("2026-11-21 09:00"))
        #expect(try resolve("today 18:00", now: now, .either) == cet("2026-11-20 18:00"))
        #expect(try resolve("yesterday 19:10", now: now, .past) == cet("2026-11-19 19:10"))
    }

    @Test func dayWithoutTimeIsItsMidnight() throws {
        let now = cet("2026-11-20 12:00")
        #expect(try resolve("today", now: now, .either) == cet("2026-11-20 00:00"))
        #expect(try resolve("yesterday", now: now, .past) == cet("2026-11-19 00:00"))
        #expect(try resolve("2026-12-01", now: now, .future) == cet("2026-12-01 00:00"))
    }

    @Test func namedDayIsNotMovedAndIsAnErrorOnTheWrongSide() throws {
        let now = cet("2026-11-20 19:00")
        #expect(try problem("today 18:00", now: now, .future) == .inThePast("2026-11-20 18:00 CET"))
        #expect(try problem("tomorrow 9:00", now: now, .past) == .inTheFuture("2026-11-21 09:00 CET"))
        #expect(try problem("yesterday 19:10", now: now, .future) == .inThePast("2026-11-19 19:10 CET"))
    }

    // MARK: Weekdays

    @Test func futureWeekdayEqualToTodayIsTodayWhileAhead() throws {
        #expect(try resolve("fri 18:00", now: cet("2026-11-20 17:00"), .future) == cet("2026-11-20 18:00"))
        #expect(try resolve("friday 18:00", now: cet("2026-11-20 17:00"), .future) == cet("2026-11-20 18:00"))
    }

    @Test func futureWeekdayEqualToTodayIsNextWeekOncePassed() throws {
        #expect(try resolve("fri 18:00", now: cet("2026-11-20 19:00"), .future) == cet("2026-11-27 18:00"))
    }

    @Test func pastWeekdayIsTheMostRecentOneThatPassed() throws {
        #expect(try resolve("fri 18:00", now: cet("2026-11-20 19:00"), .past) == cet("2026-11-20 18:00"))
        #expect(try resolve("fri 18:00", now: cet("2026-11-20 17:00"), .past) == cet("2026-11-13 18:00"))
        #expect(try resolve("mon 9:00", now: cet("2026-11-20 17:00"), .past) == cet("2026-11-16 09:00"))
    }

    @Test func futureWeekdayIsTheNextOne() throws {
        #expect(try resolve("MON 9:00", now: cet("2026-11-20 17:00"), .future) == cet("2026-11-23 09:00"))
        #expect(try resolve("18:00 thursday", now: cet("2026-11-20 17:00"), .future) == cet("2026-11-26 18:00"))
    }

    @Test func bareWeekdayIsThatDaysMidnight() throws {
        let now = cet("2026-11-20 17:00")
        #expect(try resolve("fri", now: now, .future) == cet("2026-11-27 00:00"))
        #expect(try resolve("fri", now: now, .past) == cet("2026-11-20 00:00"))
        #expect(try resolve("fri", now: now, .either) == cet("2026-11-20 00:00"))
        #expect(try resolve("tue", now: now, .either) == cet("2026-11-17 00:00"))
    }

    @Test func weekdayWithADateMustAgreeWithIt() throws {
        let now = cet("2026-11-20 17:00")
        #expect(try resolve("fri 2026-11-27 18:00", now: now, .future) == cet("2026-11-27 18:00"))
        #expect(
            try problem("mon 2026-11-27", now: now, .future)
                == .invalidDate("2026-11-27", "it is a Friday, not a Monday"))
    }

    // MARK: Dates

    @Test func readsFullDates() throws {
        let now = cet("2026-11-20 12:00")
        #expect(try resolve("2026-12-01 19:00", now: now, .future) == cet("2026-12-01 19:00"))
        #expect(try resolve("2026-12-01T19:00", now: now, .future) == cet("2026-12-01 19:00"))
        #expect(try resolve("19:00 2026-12-01", now: now, .future) == cet("2026-12-01 19:00"))
        #expect(try resolve("2026-12-31 23:59", now: now, .future) == cet("2026-12-31 23:59"))
    }

    @Test func explicitDateInThePastIsAnErrorForTheFuture() throws {
        let error = try #require(throws: MomentError.self) {
            try resolve("2026-11-01 19:00", now: cet("2026-11-20 12:00"), .future)
        }
        #expect(error.problem == .inThePast("2026-11-01 19:00 CET"))
        #expect(
            error.errorDescription
                == "read '2026-11-01 19:00': 2026-11-01 19:00 CET is in the past; "
                + "give a later time such as 'in 20m' or 'tomorrow 9:00'")
    }

    @Test func explicitDateInTheFutureIsAnErrorForThePast() throws {
        #expect(
            try problem("2026-12-01 19:00", now: cet("2026-11-20 12:00"), .past) == .inTheFuture("2026-12-01 19:00 CET")
        )
    }

    @Test func monthDayTakesTheYearTheDirectionNeeds() throws {
        let now = cet("2026-11-20 12:00")
        #expect(try resolve("12-01 19:00", now: now, .future) == cet("2026-12-01 19:00"))
        #expect(try resolve("11-01", now: now, .future) == cet("2027-11-01 00:00"))
        #expect(try resolve("11-01", now: now, .past) == cet("2026-11-01 00:00"))
        #expect(try resolve("12-01", now: now, .past) == cet("2025-12-01 00:00"))
        #expect(try resolve("12-01", now: now, .either) == cet("2026-12-01 00:00"))
    }

    @Test(arguments: [
        ("2026-04-31", "April 2026 has 30 days"), ("2026-02-29", "February 2026 has 28 days"),
        ("2027-02-29", "February 2027 has 28 days"), ("2100-02-29", "February 2100 has 28 days"),
        ("2026-13-01", "months go from 1 to 12"), ("2026-00-10", "months go from 1 to 12"),
        ("2026-01-00", "January 2026 has 31 days"), ("04-31", "April has 30 days"),
    ])
    func rejectsDaysPastTheMonthsEnd(input: String, why: String) throws {
        #expect(try problem(input, now: cet("2026-11-20 12:00"), .either) == .invalidDate(input, why))
    }

    @Test func acceptsLeapDayInLeapYears() throws {
        let now = cet("2026-11-20 12:00")
        #expect(try resolve("2028-02-29 9:00", now: now, .future) == cet("2028-02-29 09:00"))
        #expect(try resolve("2000-02-29", now: now, .past) == cet("2000-02-29 00:00"))
        #expect(try resolve("02-29", now: now, .future) == cet("2028-02-29 00:00"))
        #expect(try resolve("02-29", now: now, .past) == cet("2024-02-29 00:00"))
    }

    // MARK: Relative moments

    @Test func relativeMomentsAddExactSpans() throws {
        let now = cet("2026-11-20 12:00")
        #expect(try resolve("now", now: now, .future) == now)
        #expect(try resolve("now", now: now, .past) == now)
        #expect(try resolve("in 20m", now: now, .future) == cet("2026-11-20 12:20"))
        #expect(try resolve("in 1h 30min", now: now, .future) == cet("2026-11-20 13:30"))
        #expect(try resolve("now + 1h", now: now, .future) == cet("2026-11-20 13:00"))
        #expect(try resolve("now+1h", now: now, .future) == cet("2026-11-20 13:00"))
        #expect(try resolve("NOW - 15m", now: now, .past) == cet("2026-11-20 11:45"))
        #expect(try resolve("+2d", now: now, .future) == cet("2026-11-22 12:00"))
        #expect(try resolve("-15m", now: now, .either) == cet("2026-11-20 11:45"))
        #expect(try resolve("15m ago", now: now, .past) == cet("2026-11-20 11:45"))
    }

    @Test func inTwentyMinutesCrossesMidnight() throws {
        #expect(try resolve("in 20m", now: cet("2026-11-20 23:50"), .future) == cet("2026-11-21 00:10"))
    }

    @Test func relativeMomentOnTheWrongSideIsAnError() throws {
        let now = cet("2026-11-20 12:00")
        #expect(try problem("in 20m", now: now, .past) == .inTheFuture("2026-11-20 12:20 CET"))
        #expect(try problem("now - 15m", now: now, .future) == .inThePast("2026-11-20 11:45 CET"))
    }

    @Test func unreadableSpanSaysWhatTheSpanParserUnderstood() throws {
        let error = try #require(throws: MomentError.self) {
            try resolve("in 20 mins", now: cet("2026-11-20 12:00"), .future)
        }
        #expect(
            error.errorDescription
                == #"read 'in 20 mins': invalid time span "20 mins": understood 20min, "#
                + #"then unexpected "s" at column 7; write e.g. "15m", "1h 30min", "2d""#)
    }

    @Test func spanTooFarFromNowIsAnError() throws {
        #expect(try problem("in 292271y", now: cet("2026-11-20 12:00"), .future) == .tooFar)
    }

    // MARK: Daylight saving time

    @Test func timeInsideTheSpringGapMovesForwardByTheGap() throws {
        // 2026-03-29 02:00 CET jumps to 03:00 CEST: 02:30 does not exist and becomes 03:30 CEST = 01:30 UTC.
        #expect(try resolve("2026-03-29 02:30", now: cet("2026-03-01 12:00"), .future) == utc("2026-03-29 01:30"))
        #expect(try resolve("02:30", now: cet("2026-03-29 01:00"), .future) == utc("2026-03-29 01:30"))
    }

    @Test func repeatedAutumnTimeTakesTheEarlierInstant() throws {
        // 2026-10-25 03:00 CEST falls back to 02:00 CET: 02:30 happens twice; the first is 00:30 UTC.
        #expect(try resolve("2026-10-25 02:30", now: cet("2026-10-01 12:00"), .future) == utc("2026-10-25 00:30"))
    }

    @Test func tomorrowKeepsTheWallClockAcrossTheChange() throws {
        #expect(try resolve("tomorrow 9:00", now: cet("2026-03-28 10:00"), .future) == cest("2026-03-29 09:00"))
        #expect(try resolve("in 1d", now: cet("2026-03-28 10:00"), .future) == cest("2026-03-29 11:00"))
    }

    // MARK: Zones

    @Test func trailingZoneNameOverridesTheZone() throws {
        let now = cet("2026-11-20 12:00")
        #expect(try resolve("19:00 UTC", now: now, .future) == utc("2026-11-20 19:00"))
        #expect(try resolve("19:00 utc", now: now, .future) == utc("2026-11-20 19:00"))
        #expect(try resolve("2026-12-01 19:00 America/Chicago", now: now, .future) == utc("2026-12-02 01:00"))
        #expect(try resolve("fri 9:00 Asia/Kolkata", now: now, .future) == utc("2026-11-27 03:30"))
    }

    @Test func zoneSuffixDecidesWhichDayIsToday() throws {
        // 23:30 UTC on the 20th is already 00:30 on the 21st in Berlin.
        let now = utc("2026-11-20 23:30")
        #expect(try resolve("19:00 UTC", now: now, .either) == utc("2026-11-20 19:00"))
        #expect(try resolve("19:00", now: now, .either) == cet("2026-11-21 19:00"))
    }

    @Test func unknownZoneNameIsAnError() throws {
        let now = cet("2026-11-20 12:00")
        #expect(try problem("19:00 America/Chicgo", now: now, .future) == .unknownZone("America/Chicgo"))
        #expect(try problem("19:00 PST", now: now, .future) == .unknownZone("PST"))
    }

    // MARK: Unreadable input

    @Test func unreadableWordSaysWhatWasUnderstood() throws {
        let error = try #require(throws: MomentError.self) {
            try resolve("19:00 tomorow", now: cet("2026-11-20 12:00"), .future)
        }
        #expect(error.problem == .unreadable("tomorow"))
        #expect(
            error.errorDescription
                == "read '19:00 tomorow': understood the time 19:00, then could not read 'tomorow'; "
                + "try 'tomorrow 19:00', 'fri 18:00', 'in 20m' or '2026-12-01 19:00'")
    }

    @Test(arguments: [
        ("", MomentError.Problem.empty), ("   ", .empty), ("at", .empty), ("soon", .unreadable("soon")),
        ("tomorrow fri", .secondDay("fri")), ("fri tomorrow", .secondDay("tomorrow")),
        ("19:00 20:00", .secondTime("20:00")),
        ("now 5m", .unreadable("5m")), ("nowhere", .unreadable("nowhere")), ("19:00 x", .unreadable("x")),
        ("2026-12-01Tx", .unreadable("x")),
    ])
    func rejectsGarbage(input: String, expected: MomentError.Problem) throws {
        #expect(try problem(input, now: cet("2026-11-20 12:00"), .either) == expected)
    }
}
