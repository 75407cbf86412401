import Foundation

extension Report {
    /// The report as tables and heatmaps for a terminal; `color` adds ANSI colours to the heatmaps.
    ///
    /// A missing rate (nothing kept or missed yet) prints as "–". The heatmaps show one line per commitment
    /// and one for all of them, seven cells a week under the weeks' Monday dates, at most eight weeks a band.
    public func text(color: Bool) -> String {
        var out = "nudge report: \(weeks) week\(weeks == 1 ? "" : "s") to \(Self.dayName(today)) (\(timezone))\n\n"
        if commitments.isEmpty {
            return out + "No commitments yet.\n"
        }
        let figureHeads = [
            "KEPT", "SKIP", "MOVED", "MISS", "REP", "FOLLOW", "ON-TIME", "MEDIAN", "STREAK", "BEST", "STRENGTH",
        ]
        out += Self.table(
            heads: ["ID", "TITLE", "WITH"] + figureHeads,
            rows: commitments.map { [$0.id.rawValue, Self.clip($0.title), $0.with ?? "-"] + Self.cells($0.figures) },
            leftColumns: 3)
        if !people.isEmpty {
            out += "\n"
            out += Self.table(
                heads: [
                    "PERSON", "KEPT", "ON-TIME", "LATE-TOLD", "LATE-UNTOLD", "MOVED", "SKIP", "MISS", "REP", "STRENGTH",
                ],
                rows: people.map {
                    let f = $0.figures
                    return [Self.clip($0.name)]
                        + [
                            f.kept, f.onTime, f.lateWithNotice, f.lateWithoutNotice, f.renegotiated, f.skipped,
                            f.missed,
                        ]
                        .map(String.init) + ["\(f.repaired)", "\(f.strength)"]
                },
                leftColumns: 1)
        }
        out +=
            "\nMOVED = renegotiated, FOLLOW = kept/(kept+missed), ON-TIME = kept on time/kept, MEDIAN = median lateness of kept,\n"
        out += "STREAK = kept in a row now (skips do not break it), BEST = longest, STRENGTH = habit score 0-100\n"
        if !people.isEmpty {
            out += "Per person, ON-TIME = kept on time, LATE-TOLD = kept late after telling them in time\n"
            out += "(nudge late --tell or --told), LATE-UNTOLD = kept late without a word\n"
        }
        out += "\n"
        out += heatmaps(color: color)
        if !suggestions.isEmpty {
            out += "\nSuggestions from your own record (nudge never edits the config):\n"
            for s in suggestions { out += "  \(s.id): \(s.evidence)\n" }
        }
        return out
    }

    /// The report as pretty JSON with sorted keys and `"version": 1`; rates are fractions, spans seconds.
    public func json() throws -> String { try Output.json(self) }

    /// One CSV row per commitment and per person after a header row, quoted as RFC 4180 says (CRLF lines).
    ///
    /// A person's row leaves `id` and `title` empty and has the name under `with`; an unknown rate is empty.
    public func csv() -> String {
        var rows: [[String]] = [
            [
                "kind", "id", "title", "with", "kept", "skipped", "missed", "repaired", "follow_through",
                "on_time_rate", "median_lateness_seconds", "current_streak", "best_streak", "strength", "renegotiated",
                "on_time", "late_with_notice", "late_without_notice", "person",
            ]
        ]
        for c in commitments {
            rows.append(["commitment", c.id.rawValue, c.title, c.with ?? ""] + Self.csvCells(c.figures) + [""])
        }
        for p in people {
            rows.append(["person", "", "", p.name] + Self.csvCells(p.figures) + [p.person ?? ""])
        }
        return rows.map { $0.map(Self.csvField).joined(separator: ",") + "\r\n" }.joined()
    }

    /// A signed lateness the short way: "+20m", "-5m", "+1h30m", "+2d3h", "0s" (whole seconds, cut towards 0).
    public static func lateness(_ span: Span) -> String {
        let seconds = (span.microseconds / 1_000_000).magnitude
        let units: [(String, UInt64)] = [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)]
        guard seconds > 0, let i = units.firstIndex(where: { seconds >= $0.1 }) else { return "0s" }
        var text = (span.microseconds < 0 ? "-" : "+") + "\(seconds / units[i].1)\(units[i].0)"
        if i + 1 < units.count {
            let next = seconds % units[i].1 / units[i + 1].1
            if next > 0 { text += "\(next)\(units[i + 1].0)" }
        }
        return text
    }

    // MARK: Text

    /// The heatmap section: the legend, then bands of weeks with one line for all and one per commitment.
    private func heatmaps(color: Bool) -> String {
        let legend = [DayMark.kept, .renegotiated, .skipped, .missed, .none]
            .map { "\(Self.cell($0, color: color)) \(Self.legendName($0))" }.joined(separator: "  ")
        var out = "Last \(weeks) week\(weeks == 1 ? "" : "s"), each day's worst outcome:  \(legend)\n"
        let lines = [("(all)", overall)] + commitments.map { ($0.id.rawValue, $0.heatmap) }
        let width = lines.map(\.0.count).max() ?? 0
        let pad = String(repeating: " ", count: width + 2)
        let allWeeks = lines.map { $0.1.weeks }
        let weekCount = allWeeks.first?.count ?? 0
        for band in stride(from: 0, to: weekCount, by: 8) {
            let range = band..<min(band + 8, weekCount)
            out += "\n" + pad
            out += range.map { Self.shortDate(overall.firstDay + 7 * Int64($0)) }.joined(separator: "   ") + "\n"
            out += pad + Array(repeating: "MTWTFSS", count: range.count).joined(separator: " ") + "\n"
            for (line, weeks) in zip(lines, allWeeks) {
                out += line.0.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                out += weeks[range].map { $0.map { Self.cell($0, color: color) }.joined() }.joined(separator: " ")
                out += "\n"
            }
        }
        return out
    }

    /// One heatmap cell: a distinct character, coloured when asked.
    static func cell(_ mark: DayMark, color: Bool) -> String {
        let (char, code): (String, String) =
            switch mark {
            case .kept: ("#", "32")
            case .renegotiated: (">", "36")
            case .skipped: ("~", "33")
            case .missed: ("x", "31")
            case .none: (".", "2")
            }
        return color ? "\u{1B}[\(code)m\(char)\u{1B}[0m" : char
    }

    private static func legendName(_ mark: DayMark) -> String {
        mark == .none ? "nothing due" : mark.rawValue
    }

    /// The figure columns of a table row.
    private static func cells(_ f: ReportFigures) -> [String] {
        [
            "\(f.kept)", "\(f.skipped)", "\(f.renegotiated)", "\(f.missed)", "\(f.repaired)", percent(f.followThrough),
            percent(f.onTimeRate), f.medianLateness.map(lateness) ?? "–", "\(f.currentStreak)", "\(f.bestStreak)",
            "\(f.strength)",
        ]
    }

    /// "83%", or "–" for no rate.
    static func percent(_ rate: Double?) -> String {
        rate.map { "\(Int(($0 * 100).rounded()))%" } ?? "–"
    }

    /// Columns padded to their widest cell: the first `leftColumns` left-aligned, the rest right-aligned.
    private static func table(heads: [String], rows: [[String]], leftColumns: Int) -> String {
        Output.table(heads, rows, right: Set(leftColumns..<heads.count))
    }

    /// A name cut to 28 characters, so one long title does not push the figures off the screen.
    private static func clip(_ text: String) -> String {
        text.count > 28 ? String(text.prefix(27)) + "…" : text
    }

    /// "Wed 2026-04-15".
    private static func dayName(_ day: Int64) -> String {
        let names = TimestampFormat.weekdayNames
        return names[Int(CivilDate.weekday(days: day))] + " " + isoDate(day)
    }

    /// "04-13": a week's Monday over its column.
    private static func shortDate(_ day: Int64) -> String {
        String(isoDate(day).suffix(5))
    }

    /// "2026-04-15".
    static func isoDate(_ day: Int64) -> String {
        let (y, m, d) = CivilDate.date(days: day)
        return String(format: "%04lld-%02lld-%02lld", y, m, d)
    }

    // MARK: CSV

    private static func csvCells(_ f: ReportFigures) -> [String] {
        func rate(_ r: Double?) -> String { r.map { String(format: "%.4f", $0) } ?? "" }
        return [
            "\(f.kept)", "\(f.skipped)", "\(f.missed)", "\(f.repaired)", rate(f.followThrough), rate(f.onTimeRate),
            f.medianLateness.map(seconds) ?? "", "\(f.currentStreak)", "\(f.bestStreak)", "\(f.strength)",
            "\(f.renegotiated)", "\(f.onTime)", "\(f.lateWithNotice)", "\(f.lateWithoutNotice)",
        ]
    }

    /// A span in seconds: whole when it is whole, else with six decimals.
    static func seconds(_ span: Span) -> String {
        span.microseconds % 1_000_000 == 0
            ? "\(span.microseconds / 1_000_000)" : String(format: "%.6f", Double(span.microseconds) / 1_000_000)
    }

    /// A field quoted when it holds a comma, a quote or a line break, with quotes doubled (RFC 4180).
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
