import Foundation
import Testing

@testable import NudgeCore

/// The loader against broken and valid configs. Each broken config under Fixtures/bad has exactly one
/// expected first diagnostic: line, column and message.
@Suite(.pinnedZones)
struct ConfigLoaderTests {
    static let fixtures: URL = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }()
    static let repo: URL = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }()

    /// A loader with a fixed clock, zone and environment.
    static func loader() throws -> ConfigLoader {
        ConfigLoader(
            environment: ["USER": "sam", "HOME": "/home/sam"], now: Instant(seconds: 1_795_000_000),
            hostname: "box", systemZone: try Zone.named("Europe/Berlin"))
    }

    static func load(_ text: String, mode: mode_t = 0o600) throws -> ConfigLoader.Result {
        try loader().load(data: Data(text.utf8), path: "config.toml", mode: mode)
    }

    static let expectations: [(String, String)] = [
        ("at-malformed", #"5:6: error: "at" = "8pm" is not a time of day"#),
        ("at-with-short-every", #"5:1: error: "at" needs "every" of at least 1d (every is "2h" here)"#),
        ("at-without-every", #"5:1: error: "at" only goes with "every" (a check-in cadence)"#),
        (
            "bad-calendar-day",
            #"4:17: error: invalid calendar expression "Sun *-*-32 19:00": day 32 is out of range (1–31)"#
        ),
        ("bad-calendar-hour", #"4:9: error: invalid calendar expression "24:00": hour 24 is out of range (0–23)"#),
        (
            "bad-calendar-in-array",
            #"4:27: error: invalid calendar expression "Wed 25:00": hour 25 is out of range (0–23)"#
        ),
        ("bad-calendar-weekday", #"4:9: error: invalid calendar expression "Sundy 19:00": "Sundy" is not a weekday"#),
        (
            "bad-id-space",
            #"2:6: error: id "call mom" must be lowercase letters, digits and '-', starting with a letter"#
        ),
        (
            "bad-id-uppercase",
            #"2:6: error: id "Call-Mom" must be lowercase letters, digits and '-', starting with a letter"#
        ),
        (
            "bad-span",
            #"5:17: error: invalid time span "15 minutes before": understood 15min, then unexpected "before" at column 12; write e.g. "15m", "1h 30min", "2d""#
        ),
        ("catch-up-unknown", #"2:12: error: "catch_up" must be "nudge" or "miss", not "skip""#),
        ("channel-missing-kind", #"1:1: error: [channel.phone] has no "kind""#),
        ("channel-unknown-key", #"4:1: error: unknown key "subject" in [channel.mail] (kind "email")"#),
        ("channel-unknown-kind", #"2:8: error: unknown channel kind "sms""#),
        ("command-empty", #"3:11: error: "command" names no program"#),
        ("command-missing", #"1:1: error: command channel "phone" has no "command""#),
        (
            "command-not-array",
            #"3:11: error: "command" must be an array (argv), not a string; nudge never runs a shell"#
        ),
        ("commitment-not-array", #"1:2: error: "commitment" must be an array of tables"#),
        ("duplicate-id", #"7:6: error: duplicate id "call-mom" (first defined on line 2)"#),
        ("email-bad-address", #"3:7: error: "me at example.org" is not an email address"#),
        ("email-without-to", #"1:1: error: email channel "mail" has no "to""#),
        ("empty-title", #"3:9: error: commitment "call-mom" has an empty title"#),
        ("every-zero", #"4:9: error: "every" must be longer than 0"#),
        ("follow-up-seconds", #"5:13: error: "follow_up" = "5s" would nudge more than once a minute"#),
        ("follow-up-zero", #"5:13: error: "follow_up" must be longer than 0"#),
        ("follow-ups-absurd", #"5:14: error: "follow_ups" = 1000 is absurd"#),
        ("follow-ups-negative", #"5:14: error: "follow_ups" = -1 is negative"#),
        ("missing-id", #"1:1: error: commitment #1 has no "id""#),
        (
            "missing-schedule",
            #"1:1: error: commitment "call-mom" has no schedule: give exactly one of "when", "once" or "every""#
        ),
        ("missing-title", #"1:1: error: commitment "call-mom" has no "title""#),
        ("once-unreadable", #"4:8: error: "once" = "next tuesday" is not a date and time"#),
        ("quiet-hours-bad-time", #"2:15: error: "quiet_hours" = "22:30-25:00" is not a range of times of day"#),
        ("quiet-hours-empty", #"2:15: error: "quiet_hours" starts and ends at 07:00, so it is empty"#),
        ("quiet-hours-malformed", #"2:15: error: "quiet_hours" = "22:30 to 07:30" is not a range of times of day"#),
        ("settings-channels-empty", #"2:12: error: "channels" is empty, so no nudge would go anywhere"#),
        ("span-too-long", #"5:9: error: "grace" = "2y" is longer than a year"#),
        ("syntax-bad-header", #"1:14: error: TOML syntax: Error while parsing table header: expected ']', saw '\n'"#),
        (
            "syntax-duplicate-key",
            #"3:6: error: TOML syntax: Error while parsing key-value pair: cannot redefine existing string 'id'"#
        ),
        (
            "syntax-missing-equals",
            #"2:4: error: TOML syntax: Error while parsing key-value pair: expected '=', saw '"'"#
        ),
        (
            "syntax-unclosed-string",
            #"2:15: error: TOML syntax: Error while parsing string: unescaped control characters other than TAB (U+0009) are explicitly prohibited"#
        ),
        (
            "three-schedules",
            #"6:1: error: commitment "call-mom" has both "when" and "once" and "every"; a commitment has exactly one schedule"#
        ),
        (
            "two-schedules",
            #"5:1: error: commitment "call-mom" has both "when" and "once"; a commitment has exactly one schedule"#
        ),
        ("unicode-before-error", #"4:9: error: invalid calendar expression "Sün 19:00": expected a number"#),
        (
            "unicode-column",
            #"2:6: error: id "café-call" must be lowercase letters, digits and '-', starting with a letter"#
        ),
        ("unknown-channel-in-commitment", #"9:24: error: unknown channel "mial""#),
        ("unknown-channel-in-settings", #"2:13: error: unknown channel "dekstop""#),
        ("unknown-fallback", #"2:12: error: unknown channel "pager" for "fallback""#),
        ("unknown-key-misspelt-when", #"4:1: error: unknown key "wen" in [[commitment]]"#),
        ("unknown-key-misspelt", #"5:1: error: unknown key "remid_before" in [[commitment]]"#),
        ("unknown-settings-key", #"2:1: error: unknown key "time_zone" in [settings]"#),
        ("unknown-top-level", #"1:2: error: unknown key "setings" in the config (top level)"#),
        ("unknown-zone-in-at", #"5:6: error: unknown time zone "Europe/Nowhere""#),
        ("unknown-zone-in-when", #"4:19: error: unknown time zone "America/Chicgo" in "when""#),
        ("unknown-zone-settings", #"2:12: error: unknown time zone "Europe/Berln""#),
        ("urgency-unknown", #"5:11: error: "urgency" must be low, normal or critical, not "urgent""#),
        ("wrong-type-follow-ups", #"5:14: error: "follow_ups" must be a whole number, not a string"#),
        ("wrong-type-repair", #"5:10: error: "repair" must be true or false, not a string"#),
        ("wrong-type-title", #"3:9: error: "title" must be a string, not a whole number"#),
        ("wrong-type-when", #"4:8: error: "when" must be a string or an array of strings, not a whole number"#),
        ("tomlpp-brace-in-array", #"2:1: error: TOML syntax: this line cannot be read"#),
        ("tomlpp-date-t-colon", #"4:1: error: TOML syntax: this line cannot be read"#),
        ("tomlpp-header-without-name", #"3:1: error: TOML syntax: this line cannot be read"#),
        ("tomlpp-unquoted-date-and-hour", #"4:1: error: TOML syntax: this line cannot be read"#),
        ("nul-escape", #"3:14: error: a string contains \u0000 (a NUL character)"#),
        ("once-year-too-large", #"4:8: error: "once" = "912030-1-1" is not a date and time"#),
        ("latin1-byte", #"3:13: error: the config is not valid UTF-8 (a byte that is not text)"#),
    ]

    @Test func thereAreAtLeastFortyBrokenConfigsAndEachHasAnExpectation() throws {
        let files = try FileManager.default.contentsOfDirectory(
            atPath: Self.fixtures.appendingPathComponent("bad").path
        )
        .filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }
        #expect(files.count >= 40)
        #expect(Set(files) == Set(Self.expectations.map(\.0)))
    }

    @Test(arguments: expectations)
    func brokenConfigGivesItsFirstDiagnostic(name: String, expected: String) throws {
        let path = Self.fixtures.appendingPathComponent("bad/\(name).toml").path
        let result = try Self.loader().load(path: path)
        #expect(result.hasErrors)
        #expect(result.config == nil)
        let first = try #require(result.diagnostics.first)
        #expect(first.headline == "\(path):\(expected)")
        #expect(first.sourceLine != nil)
    }
}
