/// An XML element as `DAVXML.parse` gives it: its namespace-resolved name, attributes, children and text.
public struct XMLNode: Sendable, Equatable {
    /// The resolved namespace URI ("" when none).
    public var namespace: String
    /// The local name.
    public var name: String
    /// By local name; namespace declarations are left out.
    public var attributes: [String: String] = [:]
    public var children: [XMLNode] = []
    /// The character data directly inside it, entities decoded, CDATA included, in order.
    public var text = ""

    /// The first child with that name.
    public func child(_ namespace: String, _ name: String) -> XMLNode? {
        children.first { $0.namespace == namespace && $0.name == name }
    }

    /// Every child with that name.
    public func children(_ namespace: String, _ name: String) -> [XMLNode] {
        children.filter { $0.namespace == namespace && $0.name == name }
    }

    /// Every descendant with that name, depth first.
    public func descendants(_ namespace: String, _ name: String) -> [XMLNode] {
        children.flatMap { c in (c.namespace == namespace && c.name == name ? [c] : []) + c.descendants(namespace, name)
        }
    }
}

/// A small namespace-aware XML reader for WebDAV and CalDAV answers (RFC 4918 multistatus), on bytes, with
/// no external entities and a bounded depth. Foundation's XMLParser is not used: it would load libxml2
/// into every nudge process.
public enum DAVXML {
    public static let dav = "DAV:"
    public static let caldav = "urn:ietf:params:xml:ns:caldav"
    public static let calendarServer = "http://calendarserver.org/ns/"

    /// Why a document could not be read, with the byte offset.
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Elements nested deeper than this are refused.
    public static let maxDepth = 256

    /// Parses a whole document.
    public static func parse(_ bytes: [UInt8]) throws(DAVXML.Error) -> XMLNode {
        var reader = Reader(bytes: bytes)
        return try reader.document()
    }

    /// XML's five named entities, by name.
    static let entities = String.xmlEntities

    /// Escapes text for element content or attribute values.
    public static func escape(_ text: String) -> String { text.xmlEscaped }

    struct Reader {
        let bytes: [UInt8]
        var i = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        }

        func fail(_ why: String) -> DAVXML.Error { DAVXML.Error(message: "\(why) at byte \(i)") }

        func at(_ s: String) -> Bool { bytes[i...].starts(with: s.utf8) }

        mutating func skip(past s: String) throws(DAVXML.Error) {
            let pattern = Array(s.utf8)
            while i < bytes.count {
                if bytes[i] == pattern[0], bytes[i...].starts(with: pattern) {
                    i += pattern.count
                    return
                }
                i += 1
            }
            throw fail("unterminated markup, \"\(s)\" missing")
        }

        mutating func blanks() {
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        }

        /// Skips what may stand outside or between elements: the declaration, PIs, comments, DOCTYPE.
        mutating func misc() throws(DAVXML.Error) {
            while true {
                blanks()
                if at("<?") {
                    try skip(past: "?>")
                } else if at("<!--") {
                    try skip(past: "-->")
                } else if at("<!DOCTYPE") {
                    // Internal subsets are skipped whole; no entity in them is ever used.
                    var depth = 0
                    while i < bytes.count {
                        if bytes[i] == UInt8(ascii: "[") { depth += 1 }
                        if bytes[i] == UInt8(ascii: "]") { depth -= 1 }
                        i += 1
                        if bytes[i - 1] == UInt8(ascii: ">") && depth <= 0 { break }
                    }
                } else {
                    return
                }
            }
        }

        mutating func document() throws(DAVXML.Error) -> XMLNode {
            try misc()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "<") else { throw fail("no root element") }
            let root = try element(scope: ["xml": "http://www.w3.org/XML/1998/namespace"], depth: 0)
            try misc()
            guard i == bytes.count else { throw fail("text after the root element") }
            return root
        }

        mutating func name() throws(DAVXML.Error) -> String {
            let start = i
            while i < bytes.count {
                let b = bytes[i]
                if [
                    0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "/"), UInt8(ascii: ">"), UInt8(ascii: "="),
                    UInt8(ascii: "<"),
                ].contains(b) {
                    break
                }
                i += 1
            }
            guard i > start else { throw fail("a name is missing") }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }

        /// Splits "d:href" into its prefix and local name.
        static func split(_ qname: String) -> (prefix: String, local: String) {
            guard let colon = qname.firstIndex(of: ":") else { return ("", qname) }
            return (String(qname[..<colon]), String(qname[qname.index(after: colon)...]))
        }

        mutating func element(scope outer: [String: String], depth: Int) throws(DAVXML.Error) -> XMLNode {
            guard depth < DAVXML.maxDepth else { throw fail("elements nested deeper than \(DAVXML.maxDepth)") }
            i += 1  // "<"
            let qname = try name()
            var raw: [(String, String)] = []
            var scope = outer
            var selfClosing = false
            while true {
                blanks()
                guard i < bytes.count else { throw fail("unterminated tag <\(qname)") }
                if bytes[i] == UInt8(ascii: ">") {
                    i += 1
                    break
                }
                if at("/>") {
                    i += 2
                    selfClosing = true
                    break
                }
                let key = try name()
                blanks()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else {
                    throw fail("attribute \(key) has no value")
                }
                i += 1
                blanks()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
                    throw fail("attribute \(key) is not quoted")
                }
                let quote = bytes[i]
                i += 1
                let start = i
                while i < bytes.count, bytes[i] != quote { i += 1 }
                guard i < bytes.count else { throw fail("unterminated attribute \(key)") }
                let value = try decode(bytes[start..<i])
                i += 1
                if key == "xmlns" {
                    scope[""] = value
                } else if key.hasPrefix("xmlns:") {
                    scope[String(key.dropFirst(6))] = value
                } else {
                    raw.append((key, value))
                }
            }
            let (prefix, local) = Self.split(qname)
            guard let namespace = prefix.isEmpty ? (scope[""] ?? "") : scope[prefix] else {
                throw fail("unknown namespace prefix \"\(prefix)\"")
            }
            var node = XMLNode(namespace: namespace, name: local)
            for (key, value) in raw { node.attributes[Self.split(key).local] = value }
            if selfClosing { return node }
            while true {
                guard i < bytes.count else { throw fail("<\(qname)> is never closed") }
                if at("</") {
                    i += 2
                    let closing = try name()
                    blanks()
                    guard closing == qname, i < bytes.count, bytes[i] == UInt8(ascii: ">") else {
                        throw fail("</\(closing)> closes <\(qname)>")
                    }
                    i += 1
                    return node
                } else if at("<!--") {
                    try skip(past: "-->")
                } else if at("<![CDATA[") {
                    i += 9
                    let start = i
                    try skip(past: "]]>")
                    node.text += String(decoding: bytes[start..<(i - 3)], as: UTF8.self)
                } else if at("<?") {
                    try skip(past: "?>")
                } else if bytes[i] == UInt8(ascii: "<") {
                    node.children.append(try element(scope: scope, depth: depth + 1))
                } else {
                    let start = i
                    while i < bytes.count, bytes[i] != UInt8(ascii: "<") { i += 1 }
                    node.text += try decode(bytes[start..<i])
                }
            }
        }

        /// Character data with its entity and character references decoded.
        func decode(_ slice: ArraySlice<UInt8>) throws(DAVXML.Error) -> String {
            guard slice.contains(UInt8(ascii: "&")) else { return String(decoding: slice, as: UTF8.self) }
            var out = ""
            var j = slice.startIndex
            var plain = j
            while j < slice.endIndex {
                guard slice[j] == UInt8(ascii: "&") else {
                    j += 1
                    continue
                }
                out += String(decoding: slice[plain..<j], as: UTF8.self)
                guard let semicolon = slice[j...].firstIndex(of: UInt8(ascii: ";")) else {
                    throw fail("an & without ;")
                }
                let entity = String(decoding: slice[(j + 1)..<semicolon], as: UTF8.self)
                if let named = DAVXML.entities[entity] {
                    out.unicodeScalars.append(named)
                } else {
                    let hex = entity.hasPrefix("#x") || entity.hasPrefix("#X")
                    guard entity.hasPrefix("#"),
                        let code = UInt32(entity.dropFirst(hex ? 2 : 1), radix: hex ? 16 : 10),
                        let scalar = Unicode.Scalar(code), code != 0
                    else { throw fail("unknown entity &\(entity);") }
                    out.unicodeScalars.append(scalar)
                }
                j = semicolon + 1
                plain = j
            }
            return out + String(decoding: slice[plain..<j], as: UTF8.self)
        }
    }
}
