import Testing

@testable import NudgeCore

@Suite(.pinnedZones)
struct ZoneTests {
    @Test func suitesWithFixedExpectationsReadThePinnedZoneFiles() throws {
        #expect(Zone.directory == CalendarFixture.zones.path)
        // Under tzdata 2026f Casablanca is +00 all year from 2026-09-20; the pinned 2025b data keeps +01.
        #expect(try Zone.named("Africa/Casablanca").offset(atSeconds: 1_836_000_000).abbreviation == "+01")
    }

    func abbreviation(_ zone: String, _ utc: String) throws -> String {
        let z = try Zone.named(zone)
        let t = try Timestamp.parse(utc, zone: .utc, now: Instant(seconds: 0))
        let o = z.offset(atSeconds: t.seconds)
        return "\(o.abbreviation)\(o.seconds)"
    }

    @Test func plausibleNamesAreFileNamesUnderTheZoneDirectory() {
        for name in ["UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "Etc/GMT-14", "EST5EDT"] {
            #expect(Zone.isPlausibleName(name), "\(name)")
        }
        for name in [
            "", "/", "/etc/passwd", "Europe/", "Europe//Berlin", "../etc/passwd", "Europe/../UTC", ".hidden", "a/.b",
            "Europe/Berlin ", "09:30", "Zürich", "Mon..Fri",
        ] {
            #expect(!Zone.isPlausibleName(name), "\(name)")
        }
    }

    @Test func abbreviationsAreThoseGlibcPrints() throws {
        #expect(try abbreviation("Europe/Berlin", "2026-01-15 12:00:00") == "CET3600")
        #expect(try abbreviation("Europe/Berlin", "2026-07-15 12:00:00") == "CEST7200")
        #expect(try abbreviation("Asia/Kolkata", "2026-07-15 12:00:00") == "IST19800")
        #expect(try abbreviation("Asia/Kathmandu", "2026-07-15 12:00:00") == "+054520700")
        #expect(try abbreviation("Pacific/Chatham", "2026-01-15 12:00:00") == "+134549500")
        #expect(try abbreviation("Australia/Sydney", "2026-01-15 12:00:00") == "AEDT39600")
    }

    @Test func yearsPastTheTableFollowTheFooterRule() throws {
        // Debian's TZif tables end in 2037; later years come from the POSIX rule in the footer.
        #expect(try abbreviation("America/New_York", "2040-03-11 06:59:59") == "EST-18000")
        #expect(try abbreviation("America/New_York", "2040-03-11 07:00:00") == "EDT-14400")
        #expect(try abbreviation("Australia/Sydney", "2041-04-06 15:59:59") == "AEDT39600")
        #expect(try abbreviation("Australia/Sydney", "2041-04-06 16:00:00") == "AEST36000")
        #expect(try abbreviation("Europe/Berlin", "2100-10-31 00:59:59") == "CEST7200")
        #expect(try abbreviation("Europe/Berlin", "2100-10-31 01:00:00") == "CET3600")
    }

    @Test func posixRulesParse() throws {
        let rule = try #require(ZoneRule("<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45"))
        #expect(rule.standardName == "+1245")
        #expect(rule.standardOffset == 45_900)
        #expect(rule.daylightOffset == 49_500)
        #expect(ZoneRule("IST-5:30")?.hasDaylightSaving == false)
        #expect(ZoneRule("EST5EDT")?.hasDaylightSaving == true)
        #expect(ZoneRule("garbage,") == nil)
    }

    @Test func namesAreThoseGlibcHoldsAfterTzset() throws {
        let berlin = try Zone.named("Europe/Berlin")
        #expect(berlin.initialNames == ZoneNames(standard: "CET", daylight: "CEST", isUTCLike: false))
        // The table's last daylight type, from 1945, until a conversion past the table.
        let kolkata = try Zone.named("Asia/Kolkata")
        #expect(kolkata.initialNames == ZoneNames(standard: "IST", daylight: "+0630", isUTCLike: false))
        #expect(
            kolkata.names(afterConverting: 1_780_000_000)
                == ZoneNames(standard: "IST", daylight: "IST", isUTCLike: false))
        let reykjavik = try Zone.named("Atlantic/Reykjavik")
        #expect(!reykjavik.initialNames.isUTCLike)
        #expect(reykjavik.names(afterConverting: 1_780_000_000).isUTCLike)
        let saoPaulo = try Zone.named("America/Sao_Paulo")
        #expect(
            saoPaulo.names(afterConverting: 1_780_000_000)
                == ZoneNames(standard: "-03", daylight: "-03", isUTCLike: false))
        #expect(Zone.utc.initialNames.isUTCLike)
        #expect(try Zone.named("Africa/Abidjan").initialNames.isUTCLike)
        #expect(try !Zone.named("Europe/London").initialNames.isUTCLike)
    }

    @Test func currentZoneComesFromTZ() throws {
        #expect(Zone.current(environment: ["TZ": "Asia/Kolkata"]).name == "Asia/Kolkata")
        #expect(Zone.current(environment: ["TZ": ":Europe/Berlin"]).name == "Europe/Berlin")
        #expect(Zone.current(environment: ["TZ": ""]).name == "UTC")
        let posix = Zone.current(environment: ["TZ": "CET-1CEST,M3.5.0,M10.5.0/3"])
        #expect(posix.offset(atSeconds: 1_784_000_000).abbreviation == "CEST")
    }

    @Test func unknownAndHostileNamesAreRefused() {
        for name in ["Europe/Nowhere", "../etc/passwd", "/etc/localtime", "Europe", "zone.tab", ""] {
            #expect(throws: ZoneError.self) { try Zone.named(name) }
        }
    }

    @Test func resolveMovesGapsForwardAndTakesTheEarlierFold() throws {
        let berlin = try Zone.named("Europe/Berlin")
        let gap = berlin.resolve(LocalDateTime(year: 2026, month: 3, day: 29, hour: 2, minute: 30))
        #expect(TimestampFormat.systemd(gap, zone: berlin) == "Sun 2026-03-29 03:30:00 CEST")
        let fold = berlin.resolve(LocalDateTime(year: 2026, month: 10, day: 25, hour: 2, minute: 30))
        #expect(TimestampFormat.systemd(fold, zone: berlin) == "Sun 2026-10-25 02:30:00 CEST")
    }
}

struct ClockWatchTests {
    @Test func theWatchIsArmedACenturyAheadEvenPast2038() {
        for now: Int64 in [1_800_000_000, Int64(Int32.max) + 10, 4_000_000_000] {
            #expect(ClockWatch.farFuture(now: now) > Int(now) + 50 * 31_557_600)
        }
    }
}
