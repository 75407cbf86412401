/// One problem found in a config, located like a compiler locates it.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    /// Errors stop the config from being used; warnings do not.
    public enum Severity: String, Sendable {
        case error, warning
    }

    public var severity: Severity
    /// The file, as given.
    public var file: String
    /// 1-based; 0 when the problem is with the file as a whole.
    public var line: Int
    /// 1-based, in Unicode scalars.
    public var column: Int
    /// How many scalars the caret underlines (at least 1).
    public var length: Int
    public var message: String
    /// What to do about it.
    public var hint: String?
    /// The source line the problem is on, printed under the message.
    public var sourceLine: String?
    /// For the warning that a `once` has passed: the commitment's id. The warning matters only while
    /// the record has never seen it (then nothing will be scheduled); afterwards it is left out.
    public var pastOnce: String?
    /// The trouble is the system's, not the file's (no process to try the parser in): the same file may
    /// load in a moment, so the command line exits 75 rather than 78.
    public var temporary = false

    /// Creates a diagnostic.
    public init(
        _ severity: Severity, file: String, line: Int, column: Int, length: Int = 1, message: String,
        hint: String? = nil, sourceLine: String? = nil
    ) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.length = max(1, length)
        self.message = message
        self.hint = hint
        self.sourceLine = sourceLine
    }

    /// `FILE:LINE:COL: error: MESSAGE`.
    public var headline: String {
        line > 0
            ? "\(file):\(line):\(column): \(severity.rawValue): \(message)"
            : "\(file): \(severity.rawValue): \(message)"
    }

    /// The headline, the source line with a caret under the problem, and the hint.
    public var description: String {
        var out = headline
        if let sourceLine, line > 0 {
            let (shown, at, width) = Self.excerpt(sourceLine, column: column, length: length)
            out += "\n    " + shown + "\n    " + Self.caret(under: shown, column: at, length: width)
        }
        if let hint { out += "\n  hint: " + hint }
        return out
    }

    /// The longest source line shown under a message, in Unicode scalars.
    static let excerptWidth = 120

    /// The source line cut to `excerptWidth` around the problem ("…" where it was cut), with the column
    /// and underline length within it: a 900 kB title is not echoed whole.
    static func excerpt(_ line: String, column: Int, length: Int) -> (String, column: Int, length: Int) {
        let scalars = Array(line.unicodeScalars)
        guard scalars.count > excerptWidth else { return (line, column, length) }
        let start = max(0, min(column - 1 - 20, scalars.count - excerptWidth))
        let end = min(scalars.count, start + excerptWidth)
        var text = String(String.UnicodeScalarView(scalars[start..<end]))
        var at = column - start
        if start > 0 {
            text = "…" + text
            at += 1
        }
        if end < scalars.count { text += "…" }
        return (text, at, min(length, end - (column - 1)))
    }

    /// Spaces (tabs where the source has tabs) up to the column, then `^~~~`.
    static func caret(under line: String, column: Int, length: Int) -> String {
        var pad = ""
        for (i, scalar) in line.unicodeScalars.enumerated() where i < column - 1 {
            pad += scalar == "\t" ? "\t" : " "
        }
        if line.unicodeScalars.count < column - 1 {
            pad += String(repeating: " ", count: column - 1 - line.unicodeScalars.count)
        }
        return pad + "^" + String(repeating: "~", count: max(0, length - 1))
    }
}

/// Suggestions for misspelt names.
enum Suggest {
    /// The closest candidate within a small edit distance, if any.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let w = Array(word.lowercased())
        var best: (String, Int)?
        for c in candidates {
            let d = distance(w, Array(c))
            if d <= max(2, w.count / 3), d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        return best?.0
    }

    /// Damerau-Levenshtein distance (adjacent transpositions count 1).
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
