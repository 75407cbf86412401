import Foundation

/// `nudge report --html`: the report as one self-contained page (no outside URL, font, script or image), so it
/// opens offline and can be mailed. Per commitment: a year of days as an SVG heatmap, the strength line and
/// a lateness strip; then the people ledger and the suggestions. Its figures are the report's (`--json`):
/// each figure cell carries `data-figure` with the JSON key, and the page embeds the JSON itself.
public struct ReportPage {
    /// What one day shows: the worst outcome due that day, a kept one split into on time and late.
    enum Mark: Int, Comparable, CaseIterable {
        case none, onTime, late, renegotiated, skipped, missed

        static func < (a: Mark, b: Mark) -> Bool { a.rawValue < b.rawValue }

        var name: String {
            ["nothing due", "kept on time", "kept late", "renegotiated", "skipped", "missed"][rawValue]
        }
        var css: String { ["none", "on-time", "late", "moved", "skipped", "missed"][rawValue] }
    }

    public var report: Report
    public var records: [OutcomeRecord]
    public var zone: Zone
    /// Weeks of the year heatmaps, the current one included.
    public var weeks = 53

    /// A page of `report`, drawn from the same `records` (`Store.outcomeRecords`).
    public init(report: Report, records: [OutcomeRecord], zone: Zone) {
        self.report = report
        self.records = records
        self.zone = zone
    }

    /// The page.
    public func html() throws -> String {
        let grouped = ReportBuilder.grouped(records)
        var out = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>nudge report \(Self.escape(Report.isoDate(report.today)))</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <h1>How promises were kept</h1>
            <p class="meta">Made \(Self.escape(report.generated)) · days in \(Self.escape(report.timezone))</p>

            """
        out += table(report.commitments.map { ($0.id.rawValue, $0.title, $0.figures) }, head: "Commitment")
        out += legend()
        for part in report.commitments {
            let own = grouped[part.id] ?? []
            out += "<section class=\"commitment\" id=\"c-\(Self.escape(part.id.rawValue))\">\n"
            out += "<h2>\(Self.escape(part.title)) <small>\(Self.escape(part.id.rawValue))"
            out += part.with.map { " · with \(Self.escape($0))" } ?? ""
            out += "</small></h2>\n"
            out += heatmap(own) + strength(own, perDay: part.perDay) + lateness(own)
            out += "</section>\n"
        }
        out += "<section id=\"people\"><h2>People</h2>\n"
        out +=
            report.people.isEmpty
            ? "<p>No promise names a person yet (<code>with = \"mom\"</code> and a <code>[person.mom]</code>).</p>\n"
            : table(report.people.map { ($0.person ?? $0.name, $0.name, $0.figures) }, head: "Person")
        out += "</section>\n<section id=\"suggestions\"><h2>Suggestions</h2>\n"
        if report.suggestions.isEmpty {
            out += "<p>None: no commitment is kept late often enough to suggest another time.</p>\n"
        } else {
            out += "<ul>\n"
            for s in report.suggestions {
                out += "<li data-id=\"\(Self.escape(s.id.rawValue))\"><b>\(Self.escape(s.id.rawValue))</b>: "
                out += "\(Self.escape(s.evidence)) <code>when = \"\(Self.escape(s.to))\"</code></li>\n"
            }
            out += "</ul>\n"
        }
        out += "</section>\n<script type=\"application/json\" id=\"report-json\">\n"
        out += try report.json().replacingOccurrences(of: "</", with: "<\\/")
        return out + "</script>\n</body>\n</html>\n"
    }

    /// Writes the page to `path` (whole, or not at all), or to standard output for "-".
    public func write(to path: String) throws {
        let text = try html()
        if path == "-" { return FileHandle.standardOutput.write(Data(text.utf8)) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    // MARK: Parts

    /// The figures of each row, every cell named by its `--json` key.
    func table(_ rows: [(id: String, title: String, figures: ReportFigures)], head: String) -> String {
        let columns: [(String, String)] = [
            ("kept", "Kept"), ("onTime", "On time"), ("lateWithNotice", "Late, told"),
            ("lateWithoutNotice", "Late, untold"), ("renegotiated", "Moved"), ("skipped", "Skipped"),
            ("missed", "Missed"), ("repaired", "Repaired"), ("followThrough", "Follow-through"),
            ("onTimeRate", "On-time rate"), ("medianLatenessSeconds", "Median lateness"),
            ("currentStreak", "Streak"), ("bestStreak", "Best"), ("strength", "Strength"),
        ]
        var out = "<table><thead><tr><th>\(head)</th>"
        out += columns.map { "<th>\($0.1)</th>" }.joined() + "</tr></thead><tbody>\n"
        for row in rows {
            let f = row.figures
            let cells: [String] = [
                "\(f.kept)", "\(f.onTime)", "\(f.lateWithNotice)", "\(f.lateWithoutNotice)", "\(f.renegotiated)",
                "\(f.skipped)", "\(f.missed)", "\(f.repaired)", Report.percent(f.followThrough),
                Report.percent(f.onTimeRate),
                f.medianLateness.map(Report.lateness) ?? "–", "\(f.currentStreak)", "\(f.bestStreak)", "\(f.strength)",
            ]
            out += "<tr data-id=\"\(Self.escape(row.id))\"><th>\(Self.escape(row.title))</th>"
            out += zip(columns, cells).map { "<td data-figure=\"\($0.0)\">\(Self.escape($1))</td>" }.joined()
            out += "</tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    /// What each cell means, told by shape as well as colour.
    func legend() -> String {
        var out = "<p class=\"legend\">"
        for mark in Mark.allCases {
            out += "<svg width=\"14\" height=\"14\" aria-hidden=\"true\">\(cell(mark, x: 1, y: 1, title: nil))</svg> "
            out += "\(mark.name) &nbsp; "
        }
        return out + "</p>\n"
    }

    /// A year of days, a column a week (Monday on top), each day's worst outcome.
    func heatmap(_ records: ArraySlice<OutcomeRecord>) -> String {
        let (first, marks) = days(records)
        let size = 14
        let width = 28 + size * weeks
        var out = "<svg class=\"year\" viewBox=\"0 0 \(width) \(18 + 7 * size)\" role=\"img\" "
        out += "aria-label=\"each day of the last \(weeks) weeks\">\n"
        for (row, name) in [(0, "Mon"), (2, "Wed"), (4, "Fri")] {
            out += "<text x=\"0\" y=\"\(18 + row * size + 10)\" class=\"axis\">\(name)</text>"
        }
        var month: Int64 = -1
        for (i, mark) in marks.enumerated() {
            let day = first + Int64(i)
            let (x, y) = (28 + i / 7 * size, 18 + i % 7 * size)
            let date = CivilDate.date(days: day)
            if i % 7 == 0, date.month != month {
                month = date.month
                out += "<text x=\"\(x)\" y=\"10\" class=\"axis\">\(TimestampFormat.monthNames[Int(month) - 1])</text>"
            }
            out += cell(mark, x: x, y: y, title: "\(Report.isoDate(day)): \(mark.name)")
        }
        return out + "</svg>\n"
    }

    /// One day: its colour, and a mark inside for the outcomes that are not a plain keep.
    func cell(_ mark: Mark, x: Int, y: Int, title: String?) -> String {
        var out = "<g class=\"\(mark.css)\"><rect x=\"\(x)\" y=\"\(y)\" width=\"12\" height=\"12\" rx=\"2\"/>"
        let (l, t, r, b, m) = (x + 3, y + 3, x + 9, y + 9, y + 6)
        switch mark {
        case .none, .onTime: break
        case .late: out += "<circle cx=\"\(x + 6)\" cy=\"\(y + 6)\" r=\"2\"/>"
        case .renegotiated: out += "<path d=\"M\(l) \(m)H\(r)M\(r - 3) \(t)L\(r) \(m)L\(r - 3) \(b)\"/>"
        case .skipped: out += "<path d=\"M\(l) \(b)L\(r) \(t)\"/>"
        case .missed: out += "<path d=\"M\(l) \(t)L\(r) \(b)M\(l) \(b)L\(r) \(t)\"/>"
        }
        return out + (title.map { "<title>\(Self.escape($0))</title>" } ?? "") + "</g>\n"
    }

    /// The habit strength (0–100) after each answer, over the heatmap's days.
    func strength(_ records: ArraySlice<OutcomeRecord>, perDay: Double) -> String {
        let (first, marks) = days(records)
        let m = ReportBuilder.decay(perDay: perDay)
        var score = 0.0
        var points: [String] = []
        for record in records {
            switch record.outcome {
            case .kept: score = score * m + (1 - m)
            case .missed: score *= m
            case .skipped, .renegotiated: continue
            }
            let i = ReportBuilder.day(of: record.due, in: zone) - first
            guard i >= 0, i < marks.count else { continue }
            points.append("\(28 + Int(i) * 2),\(4 + Int((1 - score) * 60))")
        }
        let width = 28 + 2 * marks.count
        var out = "<svg class=\"strength\" viewBox=\"0 0 \(width) 68\" role=\"img\" aria-label=\"strength over time\">"
        out += "<text x=\"0\" y=\"10\" class=\"axis\">100</text><text x=\"0\" y=\"64\" class=\"axis\">0</text>"
        out += "<line x1=\"28\" y1=\"64\" x2=\"\(width)\" y2=\"64\" class=\"base\"/>"
        if !points.isEmpty { out += "<polyline points=\"\(points.joined(separator: " "))\"/>" }
        return out + "<title>strength \(Int((score * 100).rounded()))</title></svg>\n"
    }

    /// Each kept answer as a tick from the due line: up when late (to two hours), down when early.
    func lateness(_ records: ArraySlice<OutcomeRecord>) -> String {
        let (first, marks) = days(records)
        let width = 28 + 2 * marks.count
        var out =
            "<svg class=\"lateness\" viewBox=\"0 0 \(width) 44\" role=\"img\" aria-label=\"lateness of each keep\">"
        out += "<text x=\"0\" y=\"10\" class=\"axis\">late</text><text x=\"0\" y=\"42\" class=\"axis\">early</text>"
        out += "<line x1=\"28\" y1=\"22\" x2=\"\(width)\" y2=\"22\" class=\"base\"/>"
        for record in records where record.outcome == .kept {
            let i = ReportBuilder.day(of: record.due, in: zone) - first
            guard i >= 0, i < marks.count else { continue }
            let late = record.lateness ?? (record.outcomeAt - record.due)
            let minutes = max(-120, min(120, late.microseconds / 60_000_000))
            let x = 28 + Int(i) * 2
            let onTime = late <= record.onTime
            out += "<line x1=\"\(x)\" y1=\"22\" x2=\"\(x)\" y2=\"\(22 - Int(minutes) * 18 / 120)\" "
            out += "class=\"\(onTime ? "on-time" : "late")\"><title>\(Report.isoDate(first + i)): "
            out += "\(Report.lateness(late))</title></line>"
        }
        return out + "</svg>\n"
    }

    /// The heatmap's first day (a Monday) and each day's mark through today.
    func days(_ records: ArraySlice<OutcomeRecord>) -> (Int64, [Mark]) {
        let today = report.today
        let monday = today - (CivilDate.weekday(days: today) + 6) % 7
        let first = monday - 7 * Int64(weeks - 1)
        var marks = Array(repeating: Mark.none, count: Int(today - first + 1))
        for record in records {
            let i = ReportBuilder.day(of: record.due, in: zone) - first
            guard i >= 0, i < marks.count else { continue }
            let mark: Mark
            switch record.outcome {
            case .kept: mark = (record.lateness ?? (record.outcomeAt - record.due)) <= record.onTime ? .onTime : .late
            case .renegotiated: mark = .renegotiated
            case .skipped: mark = .skipped
            case .missed: mark = .missed
            }
            marks[Int(i)] = max(marks[Int(i)], mark)
        }
        return (first, marks)
    }

    /// Text for HTML: `& < > " '` as entities.
    static func escape(_ text: String) -> String { text.xmlEscaped }

    /// Light by default, dark when the system asks, black on white when printed.
    static let style = """

        :root { --bg: #fff; --fg: #1b1f24; --muted: #636c76; --line: #d0d7de; --none: #ebedf0;
          --on-time: #1a7f37; --late: #7fc48f; --moved: #3b82c4; --skipped: #d4a72c; --missed: #cf222e; }
        @media (prefers-color-scheme: dark) {
          :root { --bg: #0d1117; --fg: #e6edf3; --muted: #8d96a0; --line: #30363d; --none: #1f242c;
            --on-time: #3fb950; --late: #2f6f3f; --moved: #58a6ff; --skipped: #bb8009; --missed: #f85149; } }
        body { background: var(--bg); color: var(--fg); font: 14px/1.4 system-ui, sans-serif; margin: 2em auto;
          max-width: 1100px; padding: 0 1em; }
        h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 1.6em; } small, .meta { color: var(--muted); }
        table { border-collapse: collapse; margin: 1em 0; } th, td { padding: .2em .6em; text-align: right; }
        th:first-child { text-align: left; } thead th { border-bottom: 1px solid var(--line); font-weight: 600; }
        svg { display: block; width: 100%; height: auto; margin: .3em 0; }
        .legend svg { display: inline; width: 14px; vertical-align: middle; }
        .axis { fill: var(--muted); font-size: 9px; }
        .none rect { fill: var(--none); } .on-time rect { fill: var(--on-time); } .late rect { fill: var(--late); }
        .moved rect { fill: var(--moved); } .skipped rect { fill: var(--skipped); } .missed rect { fill: var(--missed); }
        g circle { fill: var(--bg); } g path { stroke: var(--bg); stroke-width: 1.6; fill: none; }
        .strength polyline { fill: none; stroke: var(--on-time); stroke-width: 2; }
        .base { stroke: var(--line); } line.on-time { stroke: var(--on-time); stroke-width: 2; }
        line.late { stroke: var(--missed); stroke-width: 2; }
        @media print { body { margin: 0; max-width: none; } section { break-inside: avoid; } }

        """
}
