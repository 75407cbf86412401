import Testing

@testable import NudgeCore

/// Rules of systemd.time(7) calendar events, each checked on its own. The oracle and live suites
/// compare whole reports with systemd-analyze; these name the behaviours.
@Suite(.pinnedZones)
struct CalendarSpecTests {
    let berlin: Zone
    let utc = Zone.utc

    init() throws {
        berlin = try Zone.named("Europe/Berlin")
    }

    func normalized(_ text: String, _ zone: Zone? = nil) throws -> String {
        try CalendarSpec(text, localZone: zone ?? berlin).normalized
    }

    func next(_ text: String, after base: String, zone: Zone? = nil, count: Int = 1) throws -> [String] {
        let z = zone ?? berlin
        let spec = try CalendarSpec(text, localZone: z)
        let start = try Timestamp.parse(base, zone: z, now: Instant(seconds: 0))
        return spec.elapses(after: start, localZone: z, limit: count).map { TimestampFormat.systemd($0, zone: z) }
    }

    @Test(arguments: [
        ("Sun 19:00", "Sun *-*-* 19:00:00"),
        ("mon..wed,FRIDAY", "Mon..Wed,Fri *-*-* 00:00:00"),
        ("Mon-Wed", "Mon..Wed *-*-* 00:00:00"),
        ("mon,tue,", "Mon,Tue *-*-* 00:00:00"),
        ("Mon..Sun", "*-*-* 00:00:00"),
        ("Sat,Sun 10:00", "Sat,Sun *-*-* 10:00:00"),
        ("Mon,Wed,Fri", "Mon,Wed,Fri *-*-* 00:00:00"),
        ("minutely", "*-*-* *:*:00"),
        ("hourly", "*-*-* *:00:00"),
        ("daily", "*-*-* 00:00:00"),
        ("weekly", "Mon *-*-* 00:00:00"),
        ("monthly", "*-*-01 00:00:00"),
        ("yearly", "*-01-01 00:00:00"),
        ("annually", "*-01-01 00:00:00"),
        ("quarterly", "*-01,04,07,10-01 00:00:00"),
        ("semiannually", "*-01,07-01 00:00:00"),
        ("*:0/15", "*-*-* *:00/15:00"),
        ("*-*-* 5..8/2:00", "*-*-* 05..07/2:00:00"),
        ("*-*-* 10..10:00", "*-*-* 10:00:00"),
        ("*:*:7.5/2.25", "*-*-* *:*:07.500000/2.250000"),
        ("*-*-* 10:00:05.1234567", "*-*-* 10:00:05.123457"),
        ("*-02~03", "*-02~03 00:00:00"),
        ("*-*~5/2", "*-*~05/2 00:00:00"),
        ("69-12-31", "2069-12-31 00:00:00"),
        ("70-01-01", "1970-01-01 00:00:00"),
        ("9:5", "*-*-* 09:05:00"),
        ("2026-12-01", "2026-12-01 00:00:00"),
        ("12-01 19:00", "*-12-01 19:00:00"),
        ("1:3,1,2,1", "*-*-* 01:01,02,03:00"),
        ("@1700000000", "2023-11-14 22:13:20 UTC"),
        ("2026-*-* 3:4:5 utc", "2026-*-* 03:04:05 UTC"),
        ("Sun 19:00 America/Chicago", "Sun *-*-* 19:00:00 America/Chicago"),
        ("daily cet", "*-*-* 00:00:00 CET"),
        ("daily CEST", "*-*-* 00:00:00 CEST"),
    ])
    func normalizedFormMatchesSystemd(input: String, expected: String) throws {
        #expect(try normalized(input) == expected)
    }

    @Test(arguments: [
        "", "Mo", "Fri..Mon", "Mon.", "Mon..", "*-*-32", "24:00", "12:60", "*:*:60", "*-*-01/0", "*-*~29",
        "*-*~1/2", "2200-01-01", "1969-01-01", "*:*:0..0", "foo", "Mon 10:00 x", "  daily", "*/5",
        "99999999999999999999-01-01", "10:00:00:00", "1.5:00", "*-02~3..1",
    ])
    func invalidExpressionsAreRefused(input: String) {
        #expect(throws: CalendarError.self) { try CalendarSpec(input, localZone: berlin) }
    }

    @Test func errorsQuoteTheExpressionAndPointAtTheWrongPart() throws {
        let error = #expect(throws: CalendarError.self) { try CalendarSpec("Mon *-*-32 10:00", localZone: berlin) }
        #expect(error?.expression == "Mon *-*-32 10:00")
        #expect(error?.offset == 8)
        #expect(error?.reason.contains("day") == true)
        #expect(error?.detailed.contains("        ^") == true)

        let hour = #expect(throws: CalendarError.self) { try CalendarSpec("*-*-* 24:00", localZone: berlin) }
        #expect(hour?.offset == 6)
        #expect(hour?.reason.contains("hour") == true)

        let word = #expect(throws: CalendarError.self) {
            try CalendarSpec("Mon 10:00 Europe/Nowhere", localZone: berlin)
        }
        #expect(word?.errorDescription?.contains("\"Mon 10:00 Europe/Nowhere\"") == true)
    }

    @Test func springForwardSkipsTheMissingHour() throws {
        // 2026-03-29: 02:00 CET jumps to 03:00 CEST in Berlin; 02:30 does not exist that day.
        #expect(
            try next("*-*-* 02:30", after: "2026-03-28 12:00:00 UTC", count: 2) == [
                "Mon 2026-03-30 02:30:00 CEST",
                "Tue 2026-03-31 02:30:00 CEST",
            ])
        #expect(
            try next("hourly", after: "2026-03-29 00:00:00 UTC", count: 2) == [
                "Sun 2026-03-29 03:00:00 CEST", "Sun 2026-03-29 04:00:00 CEST",
            ])
    }

    @Test func fallBackFiresOnce() throws {
        // 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice but fires once.
        #expect(
            try next("*-*-* 02:30", after: "2026-10-24 12:00:00 UTC", count: 2) == [
                "Sun 2026-10-25 02:30:00 CEST", "Mon 2026-10-26 02:30:00 CET",
            ])
    }

    @Test func negativeDaylightSavingZonesStillMoveForward() throws {
        let dublin = try Zone.named("Europe/Dublin")
        #expect(
            try next("hourly", after: "2026-03-29 00:00:00 UTC", zone: dublin, count: 2) == [
                "Sun 2026-03-29 02:00:00 IST", "Sun 2026-03-29 03:00:00 IST",
            ])
    }

    @Test func endOfMonthCountsBackwards() throws {
        #expect(
            try next("*-*~1 18:00", after: "2028-02-01 00:00:00 UTC", count: 2) == [
                "Tue 2028-02-29 18:00:00 CET", "Fri 2028-03-31 18:00:00 CEST",
            ])
    }

    @Test func pastOnlyExpressionsNeverElapse() throws {
        #expect(try next("2020-01-01", after: "2026-01-01 00:00:00 UTC").isEmpty)
        #expect(try next("*-02-30", after: "2026-01-01 00:00:00 UTC").isEmpty)
        #expect(try next("daily CEST", after: "2026-01-27 12:00:00 UTC").isEmpty)
    }

    @Test func expressionZoneIsHonouredAndPrintedInTheLocalZone() throws {
        #expect(
            try next("Sun 19:00 America/Chicago", after: "2026-03-27 12:00:00 UTC") == [
                "Mon 2026-03-30 02:00:00 CEST"
            ])
    }

    @Test func fractionalSecondsRepeat() throws {
        let spec = try CalendarSpec("*:*:0/7.5", localZone: utc)
        let base = Instant(seconds: 1_800_000_000)
        let times = spec.elapses(after: base, localZone: utc, limit: 3).map { $0.microseconds - base.microseconds }
        #expect(times == [7_500_000, 15_000_000, 22_500_000])
    }

    @Test func leapDayOnlyInLeapYears() throws {
        #expect(
            try next("*-02-29 12:00", after: "2026-01-01 00:00:00 UTC", count: 2) == [
                "Tue 2028-02-29 12:00:00 CET", "Sun 2032-02-29 12:00:00 CET",
            ])
    }
}
