import Testing

@testable import NudgeCore

/// What the fuzz targets found (fuzz/crashes/README.md), kept from coming back.
struct FuzzRegressionTests {
    /// crashes/10: every field of a timestamp is plain digits, as in systemd; a sign was taken before
    /// (`12:00:00.-5` read as 11:59:59.95).
    @Test(arguments: [
        "2026-03-29 12:00:00.-5", "2026-03-29 12:00:00.+5", "2026-+3-+5 12:00", "2026-03-05 +1:+5",
        "2026-03-05 12:00:+5", "-2026-03-05 12:00", "2026-03-05 12:00:00.5x", "2026-03-05 ١٢:00",
    ])
    func aSignedOrForeignDigitIsNotATimestamp(_ text: String) {
        #expect(throws: (any Error).self) { try Timestamp.parse(text, zone: .utc, now: Instant(seconds: 0)) }
    }

    @Test func plainDigitsAndEpochSecondsStillRead() throws {
        let now = Instant(seconds: 0)
        #expect(
            try Timestamp.parse("2026-03-29 12:00:00.05", zone: .utc, now: now).microseconds
                == 1_774_785_600_050_000)
        #expect(try Timestamp.parse("@+5", zone: .utc, now: now) == Instant(seconds: 5))
        #expect(try Timestamp.parse("@5.25", zone: .utc, now: now).microseconds == 5_250_000)
    }
}
