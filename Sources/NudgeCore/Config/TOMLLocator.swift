/// One step of a path into a TOML document: a key, or an index into an array (including arrays of tables).
enum TOMLPathComponent: Hashable, Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case key(String)
    case index(Int)

    init(stringLiteral value: String) { self = .key(value) }

    init(integerLiteral value: Int) { self = .index(value) }
}

/// A place in a source text: 1-based line, 1-based column counted in Unicode scalars, and length in scalars (≥ 1)
/// of the token there.
///
/// A token that spans lines (a multi-line string) has its length cut at the end of its first line, so the
/// position can always be underlined on one line.
struct SourcePosition: Hashable, Sendable {
    var line: Int
    var column: Int
    var length: Int
}

/// Where keys, values, tables and array elements are in a TOML source.
///
/// TOMLKit computes the values but reports positions only for syntax errors; this finds the text behind a path so
/// semantic errors can point at it. It never fails: on text that is not valid TOML the answers are partial.
/// A UTF-8 byte order mark is not counted as a column, and a `\r` before a newline belongs to no token.
struct TOMLLocator: Sendable {
    /// One step down the tree of paths: the child of node `parent` at `component`.
    struct Edge: Hashable, Sendable {
        var parent: Int
        var component: TOMLPathComponent
    }

    /// What is known about one path; paths form a tree of these (linked by `children`), so every lookup
    /// step is one hash.
    struct Node: Sendable {
        /// Every key token or header name that defines the path, in order (more than one is a duplicate).
        var keys: [Range<Int>] = []
        /// The first dotted-key segment or header segment that created the table implicitly.
        var implicitKey: Range<Int>?
        var value: Range<Int>?
        /// The first `[header]` or `[[header]]` naming exactly this path.
        var header: Range<Int>?
        /// The first header or dotted-key segment that created the table implicitly.
        var implicitTable: Range<Int>?
        /// Elements of an array of tables so far.
        var tableCount = 0
        var isTableArray = false
    }

    private let text: [Unicode.Scalar]
    /// The offset of each line's first scalar.
    private let lineStarts: [Int]
    private let nodes: [Node]
    /// The tree's edges, in one table for the whole document rather than one per node.
    private let children: [Edge: Int]

    /// Scans `source`; linear in its length.
    init(source: String) {
        let text = Array(source.unicodeScalars)
        let start = text.first == "\u{FEFF}" ? 1 : 0
        var lineStarts = [start]
        for i in start..<text.count where text[i] == "\n" { lineStarts.append(i + 1) }
        var builder = TOMLLocatorBuilder(scanner: TOMLScanner(text, start: start))
        // Every line holds at most a few keys or values: room for them all, so no table grows while read.
        builder.nodes.reserveCapacity(lineStarts.count + 1)
        builder.children.reserveCapacity(lineStarts.count)
        builder.document()
        self.text = text
        self.lineStarts = lineStarts
        nodes = builder.nodes
        children = builder.children
    }

    /// The position of the key that defines `path`.
    ///
    /// For a table it is its header's name (`channel.mail` in `[channel.mail]`; for `["commitment", 2]` the name in
    /// the third `[[commitment]]` header, for `["commitment"]` the first). For a key/value pair it is the key token,
    /// the last segment of a dotted key. A table made only implicitly (`[a.b]` or `a.b = 1` make `a`) answers the
    /// segment that first made it. When a key is defined twice this is the first occurrence.
    func key(_ path: [TOMLPathComponent]) -> SourcePosition? {
        guard let id = node(path) else { return nil }
        return (nodes[id].keys.first ?? nodes[id].implicitKey).map(position)
    }

    /// Every key token or header name that defines `path`, in source order; two or more mean a duplicate.
    ///
    /// Implicit definitions do not count: `a.b = 1` and `a.c = 2` define `a` zero times, and so do `[a.b]` and
    /// `[a.c]`. An array of tables counts once however many `[[headers]]` it has; each element counts its own.
    func keys(_ path: [TOMLPathComponent]) -> [SourcePosition] {
        node(path).map { nodes[$0].keys.map(position) } ?? []
    }

    /// The position of the value at `path`.
    ///
    /// For a key/value pair it is the value token: a whole string literal with its quotes, the opening bracket of
    /// an array or inline table, a number, boolean or date-time. For an array element path such as
    /// `["commitment", 0, "when", 1]` it is that element. Tables made by headers have no value token (nil).
    func value(_ path: [TOMLPathComponent]) -> SourcePosition? {
        node(path).flatMap { nodes[$0].value }.map(position)
    }

    /// The header for a table path (`["settings"]`, `["channel", "mail"]`, `["commitment", 3]`), the whole
    /// `[...]` or `[[...]]`.
    ///
    /// A table that exists only implicitly answers the first header or dotted-key segment that made it; a table
    /// written inline answers its key, or its `{` when it is an array element.
    func table(_ path: [TOMLPathComponent]) -> SourcePosition? {
        guard let id = node(path) else { return nil }
        return (nodes[id].header ?? nodes[id].implicitTable ?? nodes[id].keys.first ?? nodes[id].value).map(position)
    }

    /// The full text of a 1-based line without its line break, for printing under a diagnostic.
    func line(_ number: Int) -> String? {
        guard number >= 1 && number <= lineStarts.count else { return nil }
        let start = lineStarts[number - 1]
        let end = lineEnd(number - 1)
        var line = String.UnicodeScalarView()
        line.append(contentsOf: text[start..<end])
        return String(line)
    }

    /// The index of the node at `path`: read in place, a node is not copied (nor its arrays retained).
    private func node(_ path: [TOMLPathComponent]) -> Int? {
        var id = 0
        for component in path {
            guard let next = children[Edge(parent: id, component: component)] else { return nil }
            id = next
        }
        return id
    }

    /// Where the 0-based line `index` ends, before its `\n` or `\r\n`.
    private func lineEnd(_ index: Int) -> Int {
        let start = lineStarts[index]
        var end = index + 1 < lineStarts.count ? lineStarts[index + 1] - 1 : text.count
        if end > start && text[end - 1] == "\r" { end -= 1 }
        return end
    }

    private func position(_ range: Range<Int>) -> SourcePosition {
        // The last line starting at or before the token.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= range.lowerBound { low = mid } else { high = mid - 1 }
        }
        let length = min(range.upperBound, lineEnd(low)) - range.lowerBound
        return SourcePosition(line: low + 1, column: range.lowerBound - lineStarts[low] + 1, length: max(length, 1))
    }
}

/// Reads the structure of a TOML document into the tree of `TOMLLocator.Node`s, resolving headers, dotted keys
/// and arrays of tables the way TOML defines them.
private struct TOMLLocatorBuilder {
    /// Arrays and inline tables nested deeper than this are stepped over without recording, so no input can
    /// exhaust the stack.
    static let maxDepth = 100

    var scanner: TOMLScanner
    /// Node 0 is the root table.
    var nodes = [TOMLLocator.Node()]
    var children: [TOMLLocator.Edge: Int] = [:]

    mutating func document() {
        var table = 0
        while true {
            scanner.skipTrivia()
            guard let c = scanner.current else { return }
            if c == "[" {
                table = header()
            } else {
                keyValue(in: table, depth: 0)
            }
            // Anything left on the line is an error TOMLKit reports; resume on the next line.
            scanner.skipRestOfLine()
        }
    }

    /// The child of `parent` at `component`, made when new.
    private mutating func child(_ parent: Int, _ component: TOMLPathComponent) -> Int {
        let edge = TOMLLocator.Edge(parent: parent, component: component)
        if let id = children[edge] { return id }
        nodes.append(TOMLLocator.Node())
        children[edge] = nodes.count - 1
        return nodes.count - 1
    }

    /// A node no path reaches, to absorb what follows a broken header or a duplicate key.
    private mutating func detached() -> Int {
        nodes.append(TOMLLocator.Node())
        return nodes.count - 1
    }

    /// Reads `[a.b]` or `[[a.b]]` and returns the table that the following keys belong to.
    private mutating func header() -> Int {
        let open = scanner.index
        scanner.advance()
        let isArray = scanner.current == "["
        if isArray { scanner.advance() }
        scanner.skipBlanks()
        guard let segments = scanner.key(), let first = segments.first, let last = segments.last else {
            return detached()
        }
        let name = first.range.lowerBound..<last.range.upperBound
        scanner.skipBlanks()
        if scanner.current == "]" {
            scanner.advance()
            if isArray && scanner.current == "]" { scanner.advance() }
        }
        let header = open..<scanner.index

        var node = 0
        for segment in segments.dropLast() {
            node = child(node, .key(segment.name))
            if nodes[node].implicitKey == nil { nodes[node].implicitKey = segment.range }
            if nodes[node].implicitTable == nil { nodes[node].implicitTable = header }
            // A header path through an array of tables goes into its latest element.
            if nodes[node].isTableArray && nodes[node].tableCount > 0 {
                node = child(node, .index(nodes[node].tableCount - 1))
            }
        }
        node = child(node, .key(last.name))
        if nodes[node].header == nil { nodes[node].header = header }
        guard isArray else {
            nodes[node].keys.append(name)
            return node
        }
        if !nodes[node].isTableArray {
            nodes[node].isTableArray = true
            nodes[node].keys.append(name)
        }
        let element = child(node, .index(nodes[node].tableCount))
        nodes[node].tableCount += 1
        nodes[element].keys.append(name)
        nodes[element].header = header
        return element
    }

    /// Reads `key = value` into `table`; a dotted key's leading segments name tables relative to it.
    private mutating func keyValue(in table: Int, depth: Int) {
        guard let segments = scanner.key(), let last = segments.last else { return }
        var node = table
        for segment in segments.dropLast() {
            node = child(node, .key(segment.name))
            if nodes[node].implicitKey == nil { nodes[node].implicitKey = segment.range }
            if nodes[node].implicitTable == nil { nodes[node].implicitTable = segment.range }
        }
        node = child(node, .key(last.name))
        // A duplicate's value is read but not recorded, so the first definition keeps its contents.
        let target = nodes[node].keys.isEmpty ? node : detached()
        nodes[node].keys.append(last.range)
        scanner.skipBlanks()
        guard scanner.current == "=" else { return }
        scanner.advance()
        scanner.skipBlanks()
        value(at: target, depth: depth)
    }

    /// Reads one value into `node`.
    private mutating func value(at node: Int, depth: Int) {
        guard let c = scanner.current else { return }
        let start = scanner.index
        switch c {
        case "[", "{":
            nodes[node].value = start..<start + 1
            if depth >= Self.maxDepth {
                scanner.skipNested()
            } else if c == "[" {
                array(at: node, depth: depth + 1)
            } else {
                inlineTable(at: node, depth: depth + 1)
            }
        case "\"", "'":
            nodes[node].value = scanner.string()
        default:
            nodes[node].value = scanner.bareValue()
        }
    }

    /// Reads `[a, b, …]`, which may span lines and hold comments and a trailing comma.
    private mutating func array(at node: Int, depth: Int) {
        scanner.advance()
        var count = 0
        while true {
            scanner.skipTrivia()
            guard let c = scanner.current else { return }
            switch c {
            case "]":
                scanner.advance()
                return
            case ",":
                scanner.advance()
            default:
                let before = scanner.index
                value(at: child(node, .index(count)), depth: depth)
                if scanner.index == before {
                    scanner.advance()
                } else {
                    count += 1
                }
            }
        }
    }

    /// Reads `{ k = v, … }`, which TOML 1.0 keeps on one line (a comment or line break ends it early).
    private mutating func inlineTable(at node: Int, depth: Int) {
        scanner.advance()
        while true {
            scanner.skipBlanks()
            guard let c = scanner.current, c != "\n", c != "\r", c != "#" else { return }
            let before = scanner.index
            if c != "}" && c != "," { keyValue(in: node, depth: depth) }
            // A separator, the closing brace, or what no key-value could read is stepped over.
            if scanner.index == before { scanner.advance() }
            if c == "}" { return }
        }
    }
}
