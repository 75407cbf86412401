import Foundation
import Testing

@testable import NudgeCore

/// `nudge report --html` (DESIGN.md §9): a month of simulated life drawn as one self-contained page, read back
/// for its figures and drawn by a real browser (headless Chromium).
@Suite(.pinnedZones, .serialized)
struct ReportPageTests {
    typealias F = ChannelFixtures

    static let toml = """
        [settings]
        timezone = "Europe/Berlin"
        channels = ["console"]

        [person.mom]
        name = "Mom"

        [[commitment]]
        id = "call-mom"
        title = "Call Mom"
        when = "Sun 19:00"
        with = "mom"

        [[commitment]]
        id = "water"
        title = "Water the plants"
        when = "*-*-* 09:00"
        grace = "3h"

        [[commitment]]
        id = "gym"
        title = "Gym"
        when = "*-*-* 07:00"
        on_time = "10m"
        """

    /// Five weeks from Sunday 2026-11-01: water kept on time, a little late, skipped on Saturdays and
    /// missed every ninth day; gym always kept 45 minutes late; Mom called each Sunday, one of them moved to
    /// the Monday, one kept late after saying so.
    static func month() throws -> Life {
        let life = try Life(toml, start: "2026-11-01 06:00")
        let zone = life.config.settings.timezone
        for day in 0..<35 {
            func at(_ h: Int64, _ m: Int64) -> Instant {
                zone.resolve(LocalDateTime(year: 2026, month: 11, day: 1 + Int64(day), hour: h, minute: m))
            }
            try life.liveAsDaemon(until: at(7, 45))
            _ = try life.answers.done("gym")
            try life.liveAsDaemon(until: at(9, day % 3 == 0 ? 25 : 5))
            if day % 9 == 4 {
                // Missed: no answer.
            } else if day % 7 == 6 {
                _ = try life.answers.skip("water", reason: "away")
            } else {
                _ = try life.answers.done("water")
            }
            if day % 7 == 0 {
                if day == 14 {
                    try life.liveAsDaemon(until: at(15, 0))
                    _ = try life.answers.renegotiate("call-mom", to: "mon 19:00")
                } else {
                    try life.liveAsDaemon(until: at(19, 10))
                    if day == 21 { _ = try life.answers.late("call-mom", span: "30m", told: true) }
                    try life.liveAsDaemon(until: at(19, day == 21 ? 50 : 15))
                    _ = try life.answers.done("call-mom")
                }
            }
            if day == 15 {
                try life.liveAsDaemon(until: at(19, 5))
                _ = try life.answers.done("call-mom")
            }
        }
        try life.liveAsDaemon(until: try life.t("2026-12-05 20:00"))
        return life
    }

    @Test func theMonthsPageHoldsTheReportsFiguresAndNothingFromOutside() throws {
        let life = try Self.month()
        let page = try Report.page(config: life.answers.config, store: life.store, now: life.now)
        let html = try page.html()
        // Self-contained: no outside URL, script, font or image.
        for outside in ["http:", "https:", "src=", "url(", "@import", "<link", "<img"] {
            #expect(!html.contains(outside), "\(outside)")
        }
        // Every figure cell equals its --json value.
        let json = try #require(try JSONSerialization.jsonObject(with: Data(page.report.json().utf8)) as? [String: Any])
        let parts = (json["commitments"] as? [[String: Any]] ?? []) + (json["people"] as? [[String: Any]] ?? [])
        var checked = 0
        for part in parts {
            let id = (part["id"] ?? part["person"] ?? part["name"]) as? String ?? ""
            let row = try #require(Self.row(html, id: id), "no row for \(id)")
            for key in [
                "kept", "onTime", "lateWithNotice", "lateWithoutNotice", "renegotiated", "skipped", "missed",
                "repaired", "currentStreak", "bestStreak", "strength",
            ] {
                #expect(row[key] == "\(part[key] as? Int ?? -1)", "\(id).\(key)")
                checked += 1
            }
            let rate = (part["followThrough"] as? Double).map { "\(Int(($0 * 100).rounded()))%" } ?? "–"
            #expect(row["followThrough"] == rate, "\(id)")
        }
        #expect(checked == 11 * 4)
        // What the month was: the gym suggestion, Mom's ledger, a moved Sunday, and the embedded JSON.
        #expect(html.contains("move it to *-*-* 07:45?"))
        let mom = try #require(Self.row(html, id: "mom"))
        #expect(mom["renegotiated"] == "1" && mom["lateWithNotice"] == "1")
        #expect(html.contains("<title>2026-11-15: renegotiated</title>"))
        #expect(html.contains("<title>2026-11-05: missed</title>"))
        #expect(html.contains("id=\"report-json\""))
    }

    @Test func chromiumDrawsThePage() throws {
        let life = try Self.month()
        try F.withScratch { dir in
            guard let chromium = Self.chromium() else { return }
            let file = dir.appendingPathComponent("report.html").path
            try Report.page(config: life.answers.config, store: life.store, now: life.now).write(to: file)
            let png = dir.appendingPathComponent("report.png").path
            let r = try Subprocess.run(
                [
                    chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--force-prefers-color-scheme=light", "--screenshot=\(png)", "--window-size=1200,2000",
                    "file://\(file)",
                ], base: ["HOME": dir.path, "PATH": "/usr/bin:/bin"], timeout: .seconds(120))
            #expect(FileManager.default.fileExists(atPath: png), "\(r.outputTail)")
            // Not blank: the page's own colours are drawn (kept on time, missed, moved), in many cells.
            let python = try #require(F.python)
            let count = try Subprocess.run(
                [
                    python, "-c",
                    """
                    import sys
                    from PIL import Image
                    im = Image.open(sys.argv[1]).convert("RGB")
                    colours = im.getcolors(maxcolors=1 << 20) or []
                    seen = {c: n for n, c in colours}
                    print(len(colours), seen.get((0x1a, 0x7f, 0x37), 0), seen.get((0xcf, 0x22, 0x2e), 0), seen.get((0x3b, 0x82, 0xc4), 0))
                    """, png,
                ], timeout: .seconds(60))
            let figures = count.standardOutput.split(separator: " ").compactMap {
                Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            #expect(figures.count == 4, "\(count.outputTail)")
            if figures.count == 4 {
                #expect(figures[0] > 50, "distinct colours: \(figures[0])")
                #expect(figures[1] > 2000 && figures[2] > 100 && figures[3] > 50, "\(figures)")
            }
            if let keep = ProcessInfo.processInfo.environment["NUDGE_SCREENSHOT"] {
                try? FileManager.default.removeItem(atPath: keep)
                try FileManager.default.copyItem(atPath: png, toPath: keep)
            }
        }
    }

    /// The figure cells of the table row `data-id="ID"`, by their `data-figure` key.
    static func row(_ html: String, id: String) -> [String: String]? {
        guard let start = html.range(of: "<tr data-id=\"\(id)\">"),
            let end = html.range(of: "</tr>", range: start.upperBound..<html.endIndex)
        else { return nil }
        var out: [String: String] = [:]
        for cell in html[start.upperBound..<end.lowerBound].components(separatedBy: "<td data-figure=\"").dropFirst() {
            let parts = cell.components(separatedBy: "\">")
            guard parts.count >= 2 else { continue }
            out[parts[0]] = parts[1].components(separatedBy: "</td>")[0]
        }
        return out
    }

    /// Chromium, or nil after recording why (a failure in CI, which installs it; a printed skip elsewhere).
    static func chromium() -> String? {
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") { return "/usr/bin/chromium" }
        let why = "/usr/bin/chromium is missing (apt-get install chromium; scripts/deps --test)"
        if ProcessInfo.processInfo.environment["CI"] != nil {
            Issue.record("\(why)")
        } else {
            print("skipping: \(why)")
        }
        return nil
    }
}
