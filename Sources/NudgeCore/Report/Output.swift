import Foundation

/// How the command line writes documents: one JSON shape, and colour only for a terminal that wants it.
public enum Output {
    /// Pretty JSON with sorted keys, slashes as they are, and a final newline.
    public static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// Whether standard output is a terminal that takes colour (no NO_COLOR, no TERM=dumb).
    public static func wantsColor(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        isatty(STDOUT_FILENO) == 1 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }
}
