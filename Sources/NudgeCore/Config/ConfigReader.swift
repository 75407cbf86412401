import Foundation
import TOMLKit

/// Walks a parsed TOML document, validating as it goes and recording diagnostics with positions.
struct ConfigReader {
    let loader: ConfigLoader
    let path: String
    let source: String
    let locator: TOMLLocator
    /// The guarded parse of `source`, running while the locator is built.
    let trial: ParserGuard.Trial
    var diagnostics: [Diagnostic] = []
    /// Set when the config defines something that runs programs (for the permission rule).
    var runsPrograms: String?
    /// Set when the config says where credentials are (`[sync]`): then nobody else may read it.
    var holdsSecrets = false

    typealias Path = [TOMLPathComponent]

    init(loader: ConfigLoader, path: String, data: Data) {
        self.loader = loader
        self.path = path
        source = String(decoding: data, as: UTF8.self)
        trial = ParserGuard.Trial(source)
        locator = TOMLLocator(source: source)
        invalidUTF8At = Self.firstInvalidUTF8(data).map { offset in
            // The text before the bad byte is valid: count its lines and scalars to place the caret.
            let before = String(decoding: data.prefix(offset), as: UTF8.self)
            let lines = before.split(separator: "\n", omittingEmptySubsequences: false)
            return SourcePosition(line: lines.count, column: (lines.last?.unicodeScalars.count ?? 0) + 1, length: 1)
        }
    }

    /// Where the first byte that is not valid UTF-8 is, if any.
    let invalidUTF8At: SourcePosition?

    static func firstInvalidUTF8(_ data: Data) -> Int? {
        let bytes = [UInt8](data)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let n = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            guard n > 0, i + n <= bytes.count else { return i }
            if n > 1, String(validating: bytes[i..<(i + n)], as: UTF8.self) == nil { return i }
            i += n
        }
        return nil
    }

    // MARK: reporting

    /// Records a problem at a position (nil: the start of the file).
    mutating func report(
        _ severity: Diagnostic.Severity = .error, at position: SourcePosition?, _ message: String, hint: String? = nil
    ) {
        let p = position ?? SourcePosition(line: 1, column: 1, length: 1)
        diagnostics.append(
            Diagnostic(
                severity, file: path, line: p.line, column: p.column, length: p.length, message: message, hint: hint,
                sourceLine: locator.line(p.line)))
    }

    /// Records a problem about the value at `path`.
    mutating func reportValue(_ path: Path, _ message: String, hint: String? = nil) {
        report(
            at: locator.value(path) ?? locator.key(path) ?? locator.table(Array(path.dropLast())), message, hint: hint)
    }

    /// Records a problem about the key at `path`.
    mutating func reportKey(_ path: Path, _ message: String, hint: String? = nil) {
        report(at: locator.key(path) ?? locator.table(Array(path.dropLast())), message, hint: hint)
    }

    /// Records a problem about a whole table (a missing key points at the header).
    mutating func reportTable(_ path: Path, _ message: String, hint: String? = nil) {
        report(at: locator.table(path), message, hint: hint)
    }

    // MARK: the document

    /// Parses and validates; nil when the text is not TOML at all.
    mutating func read() -> Config? {
        if let nul = source.utf8.firstIndex(of: 0) {
            let offset = source.unicodeScalars.distance(from: source.unicodeScalars.startIndex, to: nul)
            report(at: position(ofScalarOffset: offset), "the config contains a NUL byte", hint: "is this a text file?")
            return nil
        }
        if let bad = invalidUTF8At {
            report(
                at: bad, "the config is not valid UTF-8 (a byte that is not text)",
                hint: "save it as UTF-8 text; this byte may be Latin-1 (e.g. é written by an old editor)")
            return nil
        }
        if let nul = Self.escapedNUL(in: source) {
            // TOMLKit hands strings over as C strings: a \u0000 escape would silently cut them short.
            report(
                at: position(ofScalarOffset: nul), "a string contains \\u0000 (a NUL character)",
                hint: "remove it; nudge cannot store text with NUL characters")
            return nil
        }
        if let why = trial.cannotStart {
            report(
                at: SourcePosition(line: 1, column: 1, length: 1),
                "cannot read the config safely now: no process could be started to try the parser in (\(why))",
                hint: "the system is out of processes or memory; try again in a moment")
            diagnostics[diagnostics.count - 1].temporary = true
            return nil
        }
        if let line = ParserGuard.fatalLine(source, trial: trial) {
            report(
                at: SourcePosition(
                    line: line, column: 1, length: max(1, locator.line(line)?.unicodeScalars.count ?? 1)),
                "TOML syntax: this line cannot be read",
                hint: "look for a [header] without a name, a value missing after \"=\" or \"[\", or a date "
                    + "written without quotes (write once = \"2026-12-01 19:00\")")
            return nil
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: source)
        } catch let error as TOMLParseError {
            let begin = error.source.begin
            report(
                at: SourcePosition(line: max(begin.line, 1), column: max(begin.column, 1), length: 1),
                "TOML syntax: \(error.description)", hint: syntaxHint(error.description))
            return nil
        } catch {
            report(at: nil, "cannot parse the config: \(error)")
            return nil
        }
        return document(root)
    }

    /// The scalar offset of a `\u0000` or `\U00000000` escape, if the text has one.
    static func escapedNUL(in text: String) -> Int? {
        let bytes = Array(text.utf8)
        var i = 0
        while i + 5 < bytes.count {
            guard bytes[i] == UInt8(ascii: "\\") else {
                i += 1
                continue
            }
            let digits = bytes[i + 1] == UInt8(ascii: "u") ? 4 : bytes[i + 1] == UInt8(ascii: "U") ? 8 : 0
            if digits > 0, i + 1 + digits < bytes.count,
                bytes[(i + 2)..<(i + 2 + digits)].allSatisfy({ $0 == UInt8(ascii: "0") })
            {
                return String(decoding: bytes[..<i], as: UTF8.self).unicodeScalars.count
            }
            i += 2
        }
        return nil
    }

    /// The scalar offset of a position in the source, as a line and column.
    func position(ofScalarOffset offset: Int) -> SourcePosition {
        var line = 1
        var column = 1
        for (i, s) in source.unicodeScalars.enumerated() where i < offset {
            if i == 0 && s == "\u{FEFF}" { continue }  // a byte-order mark takes no column
            if s == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return SourcePosition(line: line, column: column, length: 1)
    }

    func syntaxHint(_ description: String) -> String? {
        let d = description.lowercased()
        if d.contains("redefin") || d.contains("already") {
            return "each key and table may appear once; use [[commitment]] for each promise"
        }
        if d.contains("string") { return "strings are written in double quotes: title = \"Call Mom\"" }
        return "see https://toml.io for the syntax; every value needs a key: key = \"value\""
    }

    // MARK: typed values

    /// Keys present in a table, reporting the unknown ones with a suggestion; returns the known keys
    /// that were suggested, so a "missing key" error can be left out when the key is only misspelt.
    @discardableResult
    mutating func checkKeys(_ table: TOMLTable, at path: Path, known: [String], what: String) -> Set<String> {
        var suggested: Set<String> = []
        for key in table.keys where !known.contains(key) {
            var hint = "known keys: " + known.joined(separator: ", ")
            if let near = Suggest.closest(to: key, in: known) {
                hint = "did you mean \"\(near)\"?"
                suggested.insert(near)
            }
            reportKey(path + [.key(key)], "unknown key \"\(key)\" in \(what)", hint: hint)
        }
        return suggested
    }

    /// A value of one TOML type, or nil (missing, or of another type: reported as "must be `kind`" with `hint`).
    mutating func value<T>(
        _ table: TOMLTable, _ key: String, at path: Path, must kind: String, hint: String,
        _ read: (TOMLValueConvertible) -> T?
    ) -> T? {
        guard let value = table[key] else { return nil }
        guard let typed = read(value) else {
            reportValue(path + [.key(key)], "\"\(key)\" must be \(kind), not \(describe(value))", hint: hint)
            return nil
        }
        return typed
    }

    /// A string value, or nil (missing, or the wrong type: reported).
    mutating func string(_ table: TOMLTable, _ key: String, at path: Path, what: String) -> String? {
        value(table, key, at: path, must: "a string", hint: "quote it: \(key) = \"...\"") { $0.string }
    }

    /// A list of strings; a single string is accepted as a list of one when `single` is true.
    mutating func strings(_ table: TOMLTable, _ key: String, at path: Path, single: Bool) -> [String]? {
        guard let value = table[key] else { return nil }
        if single, let s = value.string { return [s] }
        guard let array = value.array else {
            let what = single ? "a string or an array of strings" : "an array of strings"
            reportValue(
                path + [.key(key)], "\"\(key)\" must be \(what), not \(describe(value))",
                hint: single ? "quote it: \(key) = \"...\"" : "write \(key) = [\"first\", \"second\"]")
            return nil
        }
        var out: [String] = []
        for i in 0..<array.count {
            guard let s = array[i].string else {
                reportValue(
                    path + [.key(key), .index(i)],
                    "item \(i + 1) of \"\(key)\" must be a string, not \(describe(array[i]))")
                return nil
            }
            out.append(s)
        }
        return out
    }

    mutating func bool(_ table: TOMLTable, _ key: String, at path: Path) -> Bool? {
        value(table, key, at: path, must: "true or false", hint: "write \(key) = true (no quotes)") { $0.bool }
    }

    mutating func int(_ table: TOMLTable, _ key: String, at path: Path) -> Int? {
        value(table, key, at: path, must: "a whole number", hint: "write \(key) = 3 (no quotes)") { $0.int }
    }

    /// A time span in systemd syntax ("15m", "1h 30min"), within `range`.
    mutating func span(_ table: TOMLTable, _ key: String, at path: Path, allowZero: Bool = true) -> Span? {
        guard let text = string(table, key, at: path, what: key) else { return nil }
        do {
            let span = try Span(parsing: text)
            if !allowZero && span == .zero {
                reportValue(path + [.key(key)], "\"\(key)\" must be longer than 0", hint: "e.g. \(key) = \"15m\"")
                return nil
            }
            if span > Defaults.maxSpan {
                reportValue(
                    path + [.key(key)], "\"\(key)\" = \"\(text)\" is longer than a year",
                    hint: "spans are written like \"15m\", \"2h\", \"3d\"")
                return nil
            }
            return span
        } catch {
            reportValue(
                path + [.key(key)], error.localizedDescription,
                hint: "spans are written like \"90s\", \"15m\", \"1h 30min\", \"2d\"")
            return nil
        }
    }

    /// A zone name that exists under /usr/share/zoneinfo.
    mutating func zone(_ name: String, at path: Path) -> Zone? {
        do {
            return try Zone.named(name)
        } catch {
            var hint = "use an IANA name such as \"Europe/Berlin\", \"America/New_York\" or \"UTC\""
            if let near = Suggest.closest(to: name, in: Self.zoneNames) { hint = "did you mean \"\(near)\"?" }
            reportValue(path, "unknown time zone \"\(name)\"", hint: hint)
            return nil
        }
    }

    /// The zone names installed, for suggestions.
    static let zoneNames: [String] = {
        let base = Zone.directory
        guard let e = FileManager.default.enumerator(atPath: base) else { return [] }
        var names: [String] = []
        while let p = e.nextObject() as? String {
            if p.hasPrefix("posix") || p.hasPrefix("right") || p.contains(".") { continue }
            names.append(p)
        }
        return names
    }()

    /// "a string", "a number", "a table"… for messages.
    func describe(_ value: TOMLValueConvertible) -> String {
        switch value.type {
        case .string: return "a string"
        case .int: return "a whole number"
        case .double: return "a number"
        case .bool: return "a boolean"
        case .array: return "an array"
        case .table: return "a table"
        case .date, .time, .dateTime: return "a date/time (quote it)"
        }
    }
}
