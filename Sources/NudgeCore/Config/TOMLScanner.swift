/// A cursor over the Unicode scalars of a TOML source that steps over its tokens without computing values.
///
/// Every method moves forward or not at all and never reads past the end, so any text, valid TOML or not,
/// is scanned in one linear pass. Ranges are scalar offsets into `text`.
struct TOMLScanner {
    /// One segment of a key: its name with escapes resolved, and where it is written (quotes included).
    struct Segment {
        var name: String
        var range: Range<Int>
    }

    let text: [Unicode.Scalar]
    private(set) var index: Int

    init(_ text: [Unicode.Scalar], start: Int) {
        self.text = text
        index = min(max(start, 0), text.count)
    }

    /// The scalar at the cursor, nil at the end.
    var current: Unicode.Scalar? { index < text.count ? text[index] : nil }

    /// The scalar `offset` places after the cursor, nil past the end.
    func peek(_ offset: Int) -> Unicode.Scalar? {
        let i = index + offset
        return i < text.count ? text[i] : nil
    }

    /// Moves forward, stopping at the end.
    mutating func advance(_ count: Int = 1) {
        index = min(index + count, text.count)
    }

    // MARK: trivia

    /// Skips spaces and tabs, TOML's whitespace.
    mutating func skipBlanks() {
        while current == " " || current == "\t" { advance() }
    }

    /// Skips to the next newline, leaving the cursor on it.
    mutating func skipRestOfLine() {
        while let c = current, c != "\n" { advance() }
    }

    /// Skips whitespace, newlines and comments.
    mutating func skipTrivia() {
        while let c = current {
            switch c {
            case " ", "\t", "\r", "\n": advance()
            case "#": skipRestOfLine()
            default: return
            }
        }
    }

    // MARK: keys

    /// Reads a possibly dotted key (`a . "b.c" . 'd'`); nil when no complete key is at the cursor.
    mutating func key() -> [Segment]? {
        guard let first = segment() else { return nil }
        var segments = [first]
        while true {
            let mark = index
            skipBlanks()
            guard current == "." else {
                index = mark
                return segments
            }
            advance()
            skipBlanks()
            guard let next = segment() else { return nil }
            segments.append(next)
        }
    }

    /// Reads one bare, basic-quoted or literal-quoted key segment.
    mutating func segment() -> Segment? {
        let start = index
        guard let c = current else { return nil }
        if c == "\"" || c == "'" {
            // Three quotes open a multi-line string, which TOML does not allow as a key.
            guard peek(1) != c || peek(2) != c else { return nil }
            advance()
            var name = String.UnicodeScalarView()
            while let s = current, s != "\n" {
                if s == c {
                    advance()
                    break
                }
                if s == "\\" && c == "\"" {
                    name.append(escape())
                } else {
                    name.append(s)
                    advance()
                }
            }
            return Segment(name: String(name), range: start..<index)
        }
        while let s = current, Self.isBareKey(s) { advance() }
        guard index > start else { return nil }
        // Bare keys are ASCII.
        let name = String(decoding: text[start..<index].map { UInt8(truncatingIfNeeded: $0.value) }, as: UTF8.self)
        return Segment(name: name, range: start..<index)
    }

    /// Decodes the escape sequence at the cursor (on its backslash); malformed ones give U+FFFD or the letter.
    private mutating func escape() -> Unicode.Scalar {
        advance()
        guard let c = current, c != "\n" else { return "\\" }
        advance()
        switch c {
        case "b": return "\u{8}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{C}"
        case "r": return "\r"
        case "e": return "\u{1B}"
        case "u": return hex(digits: 4)
        case "U": return hex(digits: 8)
        case "x": return hex(digits: 2)
        default: return c
        }
    }

    /// Reads `digits` hex digits as a scalar value.
    private mutating func hex(digits: Int) -> Unicode.Scalar {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let c = current else { return "\u{FFFD}" }
            let digit: UInt32
            switch c.value {
            case 0x30...0x39: digit = c.value - 0x30
            case 0x41...0x46: digit = c.value - 0x37
            case 0x61...0x66: digit = c.value - 0x57
            default: return "\u{FFFD}"
            }
            value = value << 4 | digit
            advance()
        }
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }

    /// A letter, digit, `_` or `-`: the characters of a bare key.
    static func isBareKey(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-": true
        default: false
        }
    }

    // MARK: values

    /// Steps over a string of any of TOML's four kinds and returns its range, quotes included.
    ///
    /// An unterminated single-line string ends at its line's end, an unterminated multi-line one at the end of
    /// the text. Returns nil when the cursor is not on a quote.
    mutating func string() -> Range<Int>? {
        let start = index
        guard let quote = current, quote == "\"" || quote == "'" else { return nil }
        if peek(1) == quote && peek(2) == quote {
            advance(3)
            multiLineBody(quote)
            return start..<index
        }
        advance()
        while let c = current, c != "\n" {
            advance()
            if c == quote { break }
            if c == "\\" && quote == "\"" && current != "\n" { advance() }
        }
        return start..<index
    }

    /// Steps over the body and closing delimiter of a multi-line string.
    private mutating func multiLineBody(_ quote: Unicode.Scalar) {
        while let c = current {
            if c == "\\" && quote == "\"" {
                // An escape, or a line-ending backslash: either way the next scalar cannot close the string.
                advance(2)
                continue
            }
            guard c == quote else {
                advance()
                continue
            }
            // Up to two quotes may sit just before the closing three (`""""` ends with one quote of content).
            var run = 0
            while current == quote {
                run += 1
                advance()
            }
            if run >= 3 { return }
        }
    }

    /// Steps over a number, boolean or date-time token; nil when none is at the cursor.
    mutating func bareValue() -> Range<Int>? {
        let start = index
        while let c = current, !Self.endsBareValue(c) { advance() }
        // `1979-05-27 07:32:00`: TOML lets a space separate a date from its time.
        if isDate(start..<index) && current == " " && isDigit(peek(1)) && isDigit(peek(2)) && peek(3) == ":" {
            advance()
            while let c = current, !Self.endsBareValue(c) { advance() }
        }
        return index > start ? start..<index : nil
    }

    /// Steps over an array or inline table without recursion, for nesting too deep to record.
    mutating func skipNested() {
        var depth = 0
        while let c = current {
            switch c {
            case "[", "{":
                depth += 1
                advance()
            case "]", "}":
                depth -= 1
                advance()
                if depth <= 0 { return }
            case "\"", "'": _ = string()
            case "#": skipRestOfLine()
            default: advance()
            }
        }
    }

    private static func endsBareValue(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case " ", "\t", "\r", "\n", ",", "=", "#", "[", "]", "{", "}", "\"", "'": true
        default: false
        }
    }

    private func isDigit(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        return ("0"..."9").contains(c)
    }

    /// Whether `range` holds exactly `YYYY-MM-DD`.
    private func isDate(_ range: Range<Int>) -> Bool {
        guard range.count == 10 else { return false }
        for (offset, i) in range.enumerated() {
            let ok = offset == 4 || offset == 7 ? text[i] == "-" : isDigit(text[i])
            if !ok { return false }
        }
        return true
    }
}
