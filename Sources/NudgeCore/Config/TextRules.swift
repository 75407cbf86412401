/// What words a person gives nudge may hold: they end up in popups, mail headers and hook arguments.
public enum TextRules {
    /// The longest title or person, in characters: a popup summary or a mail subject, not a letter.
    public static let maxTitle = 200
    /// The longest note, in characters.
    public static let maxNote = 2000

    /// Why `text` cannot be a `field` ("title", "with", "note"), or nil when it can. Control characters
    /// are refused (a note may hold newlines and tabs), and so are Unicode's line and paragraph
    /// separators and the bidirectional overrides and isolates, which make text show other than it
    /// reads; so is text longer than the field's limit.
    public static func problem(_ text: String, field: String) -> String? {
        let multiline = field == "note"
        func code(_ c: Unicode.Scalar) -> String {
            let hex = String(c.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
        if let c = text.unicodeScalars.first(where: { isControl($0) && !(multiline && ($0 == "\n" || $0 == "\t")) }) {
            return "the \(field) contains a control character (\(code(c)))"
        }
        if let c = text.unicodeScalars.first(where: { (0x2028...0x2029).contains($0.value) }) {
            return "the \(field) contains a line separator (\(code(c)))" + (multiline ? "; use a newline" : "")
        }
        if let c = text.unicodeScalars.first(where: {
            (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value)
        }) {
            return
                "the \(field) contains a bidirectional control (\(code(c))), which can make it show other than it reads"
        }
        let limit = multiline ? maxNote : maxTitle
        if text.count > limit {
            return "the \(field) is \(text.count) characters long; at most \(limit) are allowed"
        }
        return nil
    }

    /// C0 controls, DEL and C1 controls.
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7F...0x9F).contains(s.value)
    }

    /// What to do about it.
    public static func hint(field: String) -> String {
        field == "note"
            ? "keep the note to a few lines of plain text"
            : "keep the \(field) to one short line of plain text; details belong in note"
    }
}

extension String {
    /// XML's five named entities (HTML knows them too), by name.
    static let xmlEntities: [String: Unicode.Scalar] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]
    static let xmlEscapes = Dictionary(uniqueKeysWithValues: xmlEntities.map { ($0.value, "&\($0.key);") })

    /// The text for XML or HTML element content and attribute values.
    var xmlEscaped: String { escaped(by: Self.xmlEscapes) }

    /// The text with each scalar that `table` names replaced by its text there.
    func escaped(by table: [Unicode.Scalar: String]) -> String {
        var out = ""
        for c in unicodeScalars {
            if let replacement = table[c] { out += replacement } else { out.unicodeScalars.append(c) }
        }
        return out
    }
}
