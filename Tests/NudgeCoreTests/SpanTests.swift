import Testing

@testable import NudgeCore

struct SpanTests {
    private static let second: Int64 = 1_000_000
    private static let minute = 60 * second
    private static let hour = 60 * minute
    private static let day = 24 * hour

    @Test(
        arguments: [
            ("5usec", 5), ("5us", 5), ("5\u{B5}s", 5), ("5\u{3BC}s", 5),
            ("5msec", 5000), ("5ms", 5000),
            ("5seconds", 5 * second), ("5second", 5 * second), ("5sec", 5 * second), ("5s", 5 * second),
            ("5minutes", 5 * minute), ("5minute", 5 * minute), ("5min", 5 * minute), ("5m", 5 * minute),
            ("5hours", 5 * hour), ("5hour", 5 * hour), ("5hr", 5 * hour), ("5h", 5 * hour),
            ("5days", 5 * day), ("5day", 5 * day), ("5d", 5 * day),
            ("2weeks", 14 * day), ("2week", 14 * day), ("2w", 14 * day),
            ("1months", 2_629_800 * second), ("1month", 2_629_800 * second), ("1M", 2_629_800 * second),
            ("1years", 31_557_600 * second), ("1year", 31_557_600 * second), ("1y", 31_557_600 * second),
        ] as [(String, Int64)])
    func readsEverySystemdUnit(input: String, microseconds: Int64) throws {
        #expect(try Span(parsing: input).microseconds == microseconds)
    }

    @Test(
        arguments: [
            ("1h 30min", 90 * minute), ("1h30m", 90 * minute), ("2d 4h", 52 * hour), ("1 h 30", hour + 30 * second),
            ("  5m  ", 5 * minute), ("5 hr", 5 * hour), ("1m1", minute + second), ("\t1h\n2m", hour + 2 * minute),
            ("2w 3d 4h 5min 6s 7ms 8us", 1_483_506_007_008),
        ] as [(String, Int64)])
    func sumsPartsWithOrWithoutSpaces(input: String, microseconds: Int64) throws {
        #expect(try Span(parsing: input).microseconds == microseconds)
    }

    @Test(
        arguments: [
            ("1.5h", 90 * minute), (".5s", 500_000), ("1.05s", 1_050_000), ("1.5M", 3_944_700 * second),
            ("1.999999999s", 1_999_999), ("0.5us", 0), ("12.34 .56", 12_900_000), ("12.34s.56", 12_900_000),
        ] as [(String, Int64)])
    func readsDecimalsCutToWholeMicroseconds(input: String, microseconds: Int64) throws {
        #expect(try Span(parsing: input).microseconds == microseconds)
    }

    @Test func bareNumberMeansSecondsAndZeroIsZero() throws {
        #expect(try Span(parsing: "90") == .seconds(90))
        #expect(try Span(parsing: "0") == .zero)
        #expect(try Span(parsing: "+5") == .seconds(5))
    }

    @Test func capitalMIsMonthsAndSmallMIsMinutes() throws {
        #expect(try Span(parsing: "1M").microseconds == 2_629_800 * Self.second)
        #expect(try Span(parsing: "1m") == .minutes(1))
    }

    @Test(arguments: [
        "", " ", "x", "5 x", "15 mins", "5secs", "1e3", "12.34.56", "1.s", "3. 1", "0.-0", "01:00", "ms", "1h, 2m",
        "5 S", "1 H",
    ])
    func rejectsWhatSystemdRejects(input: String) {
        #expect(throws: SpanError.self) { try Span(parsing: input) }
    }

    @Test(arguments: ["-5m", "1h -5m", "-0"])
    func rejectsNegativeSpans(input: String) throws {
        let error = try #require(throws: SpanError.self) { try Span(parsing: input) }
        #expect(error.problem == .negative)
    }

    @Test func rejectsInfinityWhichNoSettingCanUse() throws {
        let error = try #require(throws: SpanError.self) { try Span(parsing: " infinity") }
        #expect(error.problem == .infinite)
    }

    @Test func acceptsTheLargestInt64AndRejectsAnythingLarger() throws {
        #expect(try Span(parsing: "9223372036854775807us").microseconds == Int64.max)
        for input in ["9223372036854775808us", "106751992d", "300000y", "9223372036854775807us 1us", "10d 292271y"] {
            let error = try #require(throws: SpanError.self) { try Span(parsing: input) }
            #expect(error.problem == .tooLarge, "\(input)")
        }
    }

    @Test func errorQuotesTheInputAndSaysWhatWasUnderstood() throws {
        let error = try #require(throws: SpanError.self) { try Span(parsing: "15 mins x") }
        #expect(error.column == 7)
        #expect(error.understood == .minutes(15))
        #expect(
            error.errorDescription
                == #"invalid time span "15 mins x": understood 15min, then unexpected "s" at column 7; "#
                + #"write e.g. "15m", "1h 30min", "2d""#)
    }

    @Test func errorColumnCountsCharactersNotBytes() throws {
        let error = try #require(throws: SpanError.self) { try Span(parsing: "5µs x") }
        #expect(error.column == 5)
        #expect(error.problem == .unexpected("x"))
    }

    @Test func errorWithNothingUnderstoodSaysWhereItStopped() throws {
        let error = try #require(throws: SpanError.self) { try Span(parsing: "soon") }
        #expect(
            error.errorDescription
                == #"invalid time span "soon": unexpected "soon" at column 1; write e.g. "15m", "1h 30min", "2d""#)
    }

    /// Expected strings are the "Human:" lines of `systemd-analyze timespan` (systemd 252) for these values.
    @Test(
        arguments: [
            (0, "0"), (1, "1us"), (999, "999us"), (1000, "1ms"), (1500, "1.500ms"), (500_000, "500ms"),
            (1_000_000, "1s"), (1_500_000, "1.500000s"), (1_234_567, "1.234567s"), (59_500_000, "59.500000s"),
            (60_000_000, "1min"), (61_500_000, "1min 1.500000s"), (90_000_000, "1min 30s"), (900_000_000, "15min"),
            (3_600_000_000, "1h"), (3_630_000_000, "1h 30s"), (5_400_000_000, "1h 30min"), (3_600_500_000, "1h 500ms"),
            (86_400_000_000, "1d"), (172_800_000_000, "2d"), (604_800_000_000, "1w"), (777_600_000_000, "1w 2d"),
            (2_629_800_000_000, "1month"), (3_944_700_000_000, "1month 2w 1d 5h 15min"), (31_557_600_000_000, "1y"),
            (34_187_400_000_000, "1y 1month"), (1_483_506_007_008, "2w 3d 4h 5min 6.007008s"),
            (Int64.max, "292271y 1w 1d 10h 54.775807s"),
        ] as [(Int64, String)])
    func formatsLikeSystemdAnalyzeTimespan(microseconds: Int64, expected: String) {
        #expect(Span(microseconds: microseconds).description == expected)
    }

    @Test(arguments: ["1h 30min", "90s", "1.5s", "1w 2d", "1.5M", "2w 3d 4h 5min 6s 7ms 8us", "59.5s", "1y"])
    func formattedSpanReadsBackToTheSameLength(input: String) throws {
        let span = try Span(parsing: input)
        #expect(try Span(parsing: span.description) == span)
    }

    @Test func negativeSpanFormatsWithLeadingMinus() {
        #expect((Span.minutes(1) - .minutes(16)).description == "-15min")
    }

    @Test func helpersMakeWholeUnits() throws {
        #expect(Span.seconds(90).description == "1min 30s")
        #expect(Span.minutes(90) == (try Span(parsing: "1h 30min")))
        #expect(Span.hours(2) == (try Span(parsing: "2h")))
        #expect(Span.days(9) == (try Span(parsing: "1w 2d")))
        #expect(Span.weeks(1) == .days(7))
        #expect(Span.minutes(15) < .hours(1))
    }

    @Test(
        arguments: [
            ("3d", 3), ("1w", 7), ("72h", 3), ("1d 24h", 2), ("1d 1h", nil), ("1M", nil), ("1y", nil), ("0", nil),
            ("36h", nil),
        ] as [(String, Int?)])
    func wholeDaysOnlyForPositiveMultiplesOfADay(input: String, days: Int?) throws {
        #expect(try Span(parsing: input).wholeDays == days)
    }

    @Test func addsToAnInstant() throws {
        let start = Instant(seconds: 1_000)
        #expect(start + (try Span(parsing: "1min 30s")) == Instant(seconds: 1_090))
        #expect(start - .seconds(100) == Instant(seconds: 900))
    }
}
