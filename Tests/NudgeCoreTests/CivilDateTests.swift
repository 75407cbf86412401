import Testing

@testable import NudgeCore

struct CivilDateTests {
    @Test func roundTripsEveryDayOfFourCenturies() {
        var days = CivilDate.days(year: 1900, month: 1, day: 1)
        for _ in 0..<(146_097 + 10) {
            let (y, m, d) = CivilDate.date(days: days)
            #expect(CivilDate.days(year: y, month: m, day: d) == days)
            days += 1
        }
    }

    @Test func knownDates() {
        #expect(CivilDate.days(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilDate.days(year: 2000, month: 3, day: 1) == 11_017)
        #expect(CivilDate.weekday(days: 0) == 4)  // a Thursday
        #expect(CivilDate.daysInMonth(year: 2024, month: 2) == 29)
        #expect(CivilDate.daysInMonth(year: 2100, month: 2) == 28)
    }

    @Test func localDateTimeCarriesOverflowingFields() {
        let t = LocalDateTime(year: 2026, month: 13, day: 32, hour: 24)
        #expect(LocalDateTime(epochSeconds: t.epochSeconds) == LocalDateTime(year: 2027, month: 2, day: 2))
    }
}
