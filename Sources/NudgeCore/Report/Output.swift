import Foundation

/// How the command line writes documents: one JSON shape, and colour only for a terminal that wants it.
public enum Output {
    /// Pretty JSON (or, not `pretty`, one line) with sorted keys, slashes as they are, and a final newline.
    public static func json(_ value: some Encodable, pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { encoder.outputFormatting.insert(.prettyPrinted) }
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// Columns padded to their widest cell under their titles, two spaces apart, the `right` ones
    /// right-aligned; with a `width` (a terminal's), the last column is cut with "…" to fit it.
    public static func table(_ heads: [String], _ rows: [[String]], right: Set<Int> = [], width: Int? = nil) -> String {
        let all = [heads] + rows
        let widths = heads.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        return all.map { row in
            var line = row.indices.map { i in
                let gap = String(repeating: " ", count: widths[i] - row[i].count)
                return right.contains(i) ? gap + row[i] : i == row.count - 1 ? row[i] : row[i] + gap
            }.joined(separator: "  ")
            if let width, line.count > width, width > 1 { line = String(line.prefix(width - 1)) + "…" }
            while line.last == " " { line.removeLast() }
            return line + "\n"
        }.joined()
    }

    /// The width of the terminal standard output is, or nil when it is not one (a pipe, a file).
    public static func terminalWidth(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return environment["COLUMNS"].flatMap { Int($0) }
    }

    /// Whether standard output is a terminal that takes colour (no NO_COLOR, no TERM=dumb).
    public static func wantsColor(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        isatty(STDOUT_FILENO) == 1 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }
}
