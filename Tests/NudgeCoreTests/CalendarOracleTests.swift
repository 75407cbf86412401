import Foundation
import Testing

@testable import NudgeCore

/// One recorded run of `systemd-analyze calendar`, as written by `scripts/gen-calendar-cases.py`.
struct CalendarCase: Decodable, Sendable, CustomTestStringConvertible {
    /// Position in the fixture, so a failure names the case to look up.
    var index = 0
    /// The `TZ` systemd ran with.
    let zone: String
    /// The `--base-time` argument: "YYYY-MM-DD HH:MM:SS UTC" or "@EPOCH".
    let base: String
    let expression: String
    let iterations: Int
    /// 0, or 1 when systemd rejected the expression (or gave up computing it).
    let exitCode: Int
    /// systemd's stdout without its "From now:" lines.
    let output: String

    private enum CodingKeys: String, CodingKey {
        case zone, base, expression, iterations, exitCode, output
    }

    var testDescription: String {
        "#\(index) TZ=\(zone) base=\(base) n=\(iterations) '\(expression)'"
    }

    /// The command line that produced the case, for pasting into a shell.
    var commandLine: String {
        "TZ=\(zone) systemd-analyze calendar --iterations=\(iterations) --base-time='\(base)' -- '\(expression)'"
    }
}

/// Loads the oracle fixture bundled with the test target.
enum CalendarFixture {
    struct Missing: Error, CustomStringConvertible {
        var description: String { "Fixtures/calendar-cases.json is not in the test bundle" }
    }

    /// Every case, in fixture order, with its index set.
    static func load() throws -> [CalendarCase] {
        guard
            let url = Bundle.module.url(
                forResource: "calendar-cases", withExtension: "json", subdirectory: "Fixtures")
        else { throw Missing() }
        var cases = try JSONDecoder().decode([CalendarCase].self, from: Data(contentsOf: url))
        for i in cases.indices { cases[i].index = i }
        return cases
    }

    /// The zone files the cases were recorded with (tzdata 2025b), so that replaying them does not
    /// depend on the zone data installed: Debian's updates change far-future offsets (2026f ended
    /// Morocco's daylight saving time).
    static let zones: ZoneDirectory = {
        let path = Bundle.module.url(forResource: "zoneinfo", withExtension: nil, subdirectory: "Fixtures")?.path
        return ZoneDirectory(path: path ?? "/nonexistent/Fixtures/zoneinfo")
    }()

    /// The tzdata version of `zones`.
    static var zonesVersion: String {
        let file = zones.path + "/VERSION"
        return (try? String(contentsOfFile: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            ?? "missing"
    }
}

/// Compares one of our calendar reports with systemd's and describes the difference for a person.
enum CalendarComparison {
    /// Nil when ours matches systemd's output and validity; otherwise a readable report.
    static func mismatch(
        title: String, expected: String, expectedFailed: Bool, actual: String, actualFailed: Bool
    ) -> String? {
        if expected == actual && expectedFailed == actualFailed { return nil }
        var report = [title]
        if expectedFailed != actualFailed {
            report.append(
                "validity: systemd \(expectedFailed ? "failed (exit 1)" : "succeeded (exit 0)"), "
                    + "ours \(actualFailed ? "failed" : "succeeded")")
        }
        if expected != actual {
            let want = lines(expected)
            let got = lines(actual)
            let first =
                zip(want, got).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(want.count, got.count)
            report.append("first difference at line \(first + 1):")
            report.append("  systemd: \(first < want.count ? quoted(want[first]) : "<no line>")")
            report.append("  ours:    \(first < got.count ? quoted(got[first]) : "<no line>")")
            report.append("--- systemd (\(want.count) lines)")
            report.append(contentsOf: want)
            report.append("--- ours (\(got.count) lines)")
            report.append(contentsOf: got)
        }
        return report.joined(separator: "\n")
    }

    /// Lines of an output, with a marker for a missing or extra final newline so that it shows.
    private static func lines(_ text: String) -> [String] {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if parts.last == "" {
            parts.removeLast()
        } else if !text.isEmpty {
            parts.append("<no newline at end>")
        }
        return parts
    }

    private static func quoted(_ line: String) -> String {
        "\"" + line.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

struct CalendarOracleTests {
    /// "Now" for parsing base times; every fixture base is absolute, so it never shows in a result.
    static let parseNow = Instant(seconds: 1_774_612_800)

    /// Our report for one case, read with the zone data that is current in this task.
    static func render(_ c: CalendarCase) -> (output: String, failed: Bool) {
        do {
            let zone = try Zone.named(c.zone)
            let base = try Timestamp.parse(c.base, zone: zone, now: parseNow)
            return CalendarReport.render(
                [c.expression], base: base, localZone: zone, iterations: c.iterations, now: nil)
        } catch {
            return (output: "<error before rendering: \(error)>\n", failed: true)
        }
    }

    /// The recorded outputs, replayed under the zone files they were recorded with.
    @Test(arguments: try CalendarFixture.load())
    func matchesRecordedSystemdAnalyzeUnderRecordedZones(_ c: CalendarCase) {
        let actual = ZoneDirectory.$current.withValue(CalendarFixture.zones) { Self.render(c) }
        let mismatch = CalendarComparison.mismatch(
            title: "case \(c.testDescription) (zone data \(CalendarFixture.zonesVersion) from Fixtures/zoneinfo)\n"
                + "  TZDIR=Tests/NudgeCoreTests/Fixtures/zoneinfo \(c.commandLine)",
            expected: c.output, expectedFailed: c.exitCode != 0, actual: actual.output, actualFailed: actual.failed)
        let matches = mismatch == nil
        #expect(matches, Comment(rawValue: mismatch ?? ""))
    }

    /// Every case of the fixture, compared live with this machine's systemd-analyze and zone data.
    @Test(
        .enabled(if: LiveSystemd.runnable, "systemd-analyze is not installed (set CI=1 to make that a failure)"),
        arguments: try CalendarFixture.load())
    func matchesLiveSystemdAnalyze(_ c: CalendarCase) throws {
        guard let executable = LiveSystemd.path else {
            Issue.record("systemd-analyze is missing (looked in /usr/bin and /bin) and CI is set")
            return
        }
        let run = try #require(try Self.liveRuns(executable)[c.index])
        let mismatch = try LiveSystemd.confirmed(
            executable, zone: c.zone, base: c.base, iterations: c.iterations, expression: c.expression, batched: run,
            ours: Self.render(c),
            title: "live case \(c.testDescription) (zone data in \(Zone.directory))\n  \(c.commandLine)")
        let matches = mismatch == nil
        #expect(matches, Comment(rawValue: mismatch ?? ""))
    }

    /// systemd-analyze's report on every case of the fixture, by index: one run for each zone and base time
    /// (408 runs for 1,346 cases), made by the first case that asks.
    static func liveRuns(_ executable: String) throws -> [Int: LiveSystemd.Run] {
        try liveCache.withLock { cache in
            if let cache { return cache }
            let groups = Dictionary(grouping: try CalendarFixture.load()) { [$0.zone, $0.base] }
            var runs: [Int: LiveSystemd.Run] = [:]
            for cases in groups.values {
                let reports = try LiveSystemd.calendar(
                    executable, zone: cases[0].zone, base: cases[0].base,
                    cases: cases.map { ($0.expression, $0.iterations) })
                for (c, run) in zip(cases, reports) { runs[c.index] = run }
            }
            cache = runs
            return runs
        }
    }
    private static let liveCache = Locked<[Int: LiveSystemd.Run]?>(nil)

    /// The pinned zone data really is the recorded one and not the system's: Casablanca still keeps
    /// daylight saving time (+00 in Ramadan, +01 otherwise) after 2026 in it.
    @Test func recordedZonesAreTheOnesTheFixtureWasMadeWith() throws {
        #expect(CalendarFixture.zonesVersion == "2025b")
        let casablanca = try ZoneDirectory.$current.withValue(CalendarFixture.zones) {
            try Zone.named("Africa/Casablanca")
        }
        // 2028-03-07 00:00 UTC: outside Ramadan, so +01 under 2025b (2026f has +00 all year).
        #expect(casablanca.offset(atSeconds: 1_836_000_000).abbreviation == "+01")
    }

    @Test func fixtureIsLargeAndCoversTheRequiredZones() throws {
        let cases = try CalendarFixture.load()
        #expect(cases.count >= 300)
        let zones = Set(cases.map(\.zone))
        for zone in ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham"] {
            #expect(zones.contains(zone), "no case in \(zone)")
        }
    }

    @Test func fixtureIsWellFormed() throws {
        for c in try CalendarFixture.load() {
            #expect([0, 1].contains(c.exitCode), "\(c.testDescription): exit code \(c.exitCode)")
            #expect(c.exitCode == 0 || c.output.isEmpty, "\(c.testDescription): a failure with output")
            #expect(!c.output.contains("From now:"), "\(c.testDescription): a \"From now:\" line was kept")
            #expect((1...12).contains(c.iterations), "\(c.testDescription): iterations \(c.iterations)")
        }
    }
}
