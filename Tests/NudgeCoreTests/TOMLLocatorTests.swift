import Testing

@testable import NudgeCore

/// Shorthand for an expected position.
private func at(_ line: Int, _ column: Int, _ length: Int) -> SourcePosition {
    SourcePosition(line: line, column: column, length: length)
}

/// One expectation: in `source`, the key and value at `path` are where stated (nil: not found).
struct LocatorCase: Sendable, CustomTestStringConvertible {
    var source: String
    var path: [TOMLPathComponent]
    var key: SourcePosition?
    var value: SourcePosition?

    var testDescription: String { "\(path) in \(source.debugDescription)" }

    init(_ source: String, _ path: [TOMLPathComponent], key: SourcePosition?, value: SourcePosition?) {
        self.source = source
        self.path = path
        self.key = key
        self.value = value
    }
}

struct TOMLLocatorTests {
    // MARK: keys

    @Test(arguments: [
        LocatorCase("a = 1", ["a"], key: at(1, 1, 1), value: at(1, 5, 1)),
        LocatorCase("  key_1-x   =   1", ["key_1-x"], key: at(1, 3, 7), value: at(1, 17, 1)),
        LocatorCase("\"a.b\" = 1", ["a.b"], key: at(1, 1, 5), value: at(1, 9, 1)),
        LocatorCase("\"a.b\" = 1", ["a", "b"], key: nil, value: nil),
        LocatorCase("'x y' = 1", ["x y"], key: at(1, 1, 5), value: at(1, 9, 1)),
        LocatorCase("'C:\\d' = 1", ["C:\\d"], key: at(1, 1, 6), value: at(1, 10, 1)),
        LocatorCase("\"\" = 1", [""], key: at(1, 1, 2), value: at(1, 6, 1)),
        LocatorCase("\"a\\u0062\\\"\" = 1", ["ab\""], key: at(1, 1, 11), value: at(1, 15, 1)),
        LocatorCase("\"\\U0001F600\\t\" = 1", ["\u{1F600}\t"], key: at(1, 1, 14), value: at(1, 18, 1)),
        LocatorCase("a.b.c = 1", ["a", "b", "c"], key: at(1, 5, 1), value: at(1, 9, 1)),
        LocatorCase("a . \"b\" .c = 1", ["a", "b", "c"], key: at(1, 10, 1), value: at(1, 14, 1)),
        LocatorCase("a . \"b\" .c = 1", ["a", "b"], key: at(1, 5, 3), value: nil),
        LocatorCase("a\t.\tb = 1", ["a", "b"], key: at(1, 5, 1), value: at(1, 9, 1)),
        LocatorCase("3.14 = 1", ["3", "14"], key: at(1, 3, 2), value: at(1, 8, 1)),
        LocatorCase("\"caf\u{E9}\" = 1", ["caf\u{E9}"], key: at(1, 1, 6), value: at(1, 10, 1)),
    ])
    func findsKeysOfEveryKind(_ c: LocatorCase) {
        let locator = TOMLLocator(source: c.source)
        #expect(locator.key(c.path) == c.key)
        #expect(locator.value(c.path) == c.value)
    }

    // MARK: values

    @Test(arguments: [
        LocatorCase("a = 42", ["a"], key: at(1, 1, 1), value: at(1, 5, 2)),
        LocatorCase("a = -3.14e+2 # c", ["a"], key: at(1, 1, 1), value: at(1, 5, 8)),
        LocatorCase("a = +inf", ["a"], key: at(1, 1, 1), value: at(1, 5, 4)),
        LocatorCase("a = 0x_DEAD_beef", ["a"], key: at(1, 1, 1), value: at(1, 5, 12)),
        LocatorCase("a = true", ["a"], key: at(1, 1, 1), value: at(1, 5, 4)),
        LocatorCase("a = 1979-05-27T07:32:00Z", ["a"], key: at(1, 1, 1), value: at(1, 5, 20)),
        LocatorCase("a = 1979-05-27 07:32:00.5-07:00", ["a"], key: at(1, 1, 1), value: at(1, 5, 27)),
        LocatorCase("a = 1979-05-27 # day", ["a"], key: at(1, 1, 1), value: at(1, 5, 10)),
        LocatorCase("a = 07:32:00", ["a"], key: at(1, 1, 1), value: at(1, 5, 8)),
        LocatorCase("a = \"x\\\"y\"", ["a"], key: at(1, 1, 1), value: at(1, 5, 6)),
        LocatorCase("a = \"# not a comment\" # one", ["a"], key: at(1, 1, 1), value: at(1, 5, 17)),
        LocatorCase("a = 'C:\\path'", ["a"], key: at(1, 1, 1), value: at(1, 5, 9)),
        LocatorCase("a = \"\"", ["a"], key: at(1, 1, 1), value: at(1, 5, 2)),
        LocatorCase("a = \"\"\"one\ntwo\"\"\"", ["a"], key: at(1, 1, 1), value: at(1, 5, 6)),
        LocatorCase("a = '''one'''", ["a"], key: at(1, 1, 1), value: at(1, 5, 9)),
        LocatorCase("a = \"unterminated\nb = 2", ["b"], key: at(2, 1, 1), value: at(2, 5, 1)),
        LocatorCase("a = 'unterminated\nb = 2", ["a"], key: at(1, 1, 1), value: at(1, 5, 13)),
        LocatorCase("a =\nb = 2", ["a"], key: at(1, 1, 1), value: nil),
        LocatorCase("a = [ ]", ["a"], key: at(1, 1, 1), value: at(1, 5, 1)),
        LocatorCase("a = { }", ["a"], key: at(1, 1, 1), value: at(1, 5, 1)),
    ])
    func findsValueTokens(_ c: LocatorCase) {
        let locator = TOMLLocator(source: c.source)
        #expect(locator.key(c.path) == c.key)
        #expect(locator.value(c.path) == c.value)
    }

    @Test(arguments: [
        // One quote of content before the closing three, then two.
        ("a = \"\"\"x\"\"\"\"\nb = 1", at(1, 5, 8)),
        ("a = \"\"\"x\"\"\"\"\"\nb = 1", at(1, 5, 9)),
        ("a = '''x''''\nb = 1", at(1, 5, 8)),
        ("a = '''x'''''\nb = 1", at(1, 5, 9)),
        ("a = \"\"\"\"\"\"\nb = 1", at(1, 5, 6)),
        // Escaped quotes and a quote pair inside do not close the string.
        ("a = \"\"\" \\\"\"\" \"\" \"\"\"\nb = 1", at(1, 5, 15)),
    ])
    func multiLineStringsEndAtTheRightQuotes(source: String, value: SourcePosition) {
        let locator = TOMLLocator(source: source)
        #expect(locator.value(["a"]) == value)
        #expect(locator.key(["b"]) == at(2, 1, 1))
    }

    @Test func multiLineStringsSpanLinesWithContinuationsAndFakeSyntax() {
        let source = """
            a = \"\"\"first \\
              [not.a.table]
              b = "not a key" \\\"\"\"
            \"\"\"
            c = '''
            x = 1 ''
            '''
            d = 4
            """
        let locator = TOMLLocator(source: source)
        #expect(locator.value(["a"]) == at(1, 5, 10))
        #expect(locator.key(["b"]) == nil)
        #expect(locator.table(["not", "a", "table"]) == nil)
        #expect(locator.value(["c"]) == at(5, 5, 3))
        #expect(locator.key(["x"]) == nil)
        #expect(locator.key(["d"]) == at(8, 1, 1))
    }

    // MARK: tables

    @Test func findsHeadersAndTheirKeys() {
        let source = """
            top = 1

            [settings]
            zone = "UTC"

            [ channel . "mail" ]  # spaced
            to = "me@example.org"
            """
        let locator = TOMLLocator(source: source)
        #expect(locator.key(["top"]) == at(1, 1, 3))
        #expect(locator.key(["settings"]) == at(3, 2, 8))
        #expect(locator.table(["settings"]) == at(3, 1, 10))
        #expect(locator.value(["settings"]) == nil)
        #expect(locator.key(["settings", "zone"]) == at(4, 1, 4))
        #expect(locator.value(["settings", "zone"]) == at(4, 8, 5))
        #expect(locator.key(["channel", "mail"]) == at(6, 3, 16))
        #expect(locator.table(["channel", "mail"]) == at(6, 1, 20))
        #expect(locator.key(["channel", "mail", "to"]) == at(7, 1, 2))
        // `channel` exists only through the header that names `channel.mail`.
        #expect(locator.key(["channel"]) == at(6, 3, 7))
        #expect(locator.table(["channel"]) == at(6, 1, 20))
        #expect(locator.keys(["channel"]).isEmpty)
        #expect(locator.key(["to"]) == nil)
        #expect(locator.table([]) == nil)
    }

    @Test func anExplicitHeaderOutranksTheImplicitTable() {
        let locator = TOMLLocator(source: "[x.y.z]\n[x]\nk = 1")
        #expect(locator.table(["x"]) == at(2, 1, 3))
        #expect(locator.key(["x"]) == at(2, 2, 1))
        #expect(locator.table(["x", "y"]) == at(1, 1, 7))
        #expect(locator.key(["x", "y"]) == at(1, 4, 1))
        #expect(locator.key(["x", "k"]) == at(3, 1, 1))
    }

    @Test func dottedKeysAreRelativeToTheCurrentTable() {
        let source = """
            [channel]
            mail.to = "x"
            mail . from = "y"
            """
        let locator = TOMLLocator(source: source)
        #expect(locator.key(["channel", "mail", "to"]) == at(2, 6, 2))
        #expect(locator.value(["channel", "mail", "to"]) == at(2, 11, 3))
        #expect(locator.key(["channel", "mail", "from"]) == at(3, 8, 4))
        #expect(locator.key(["channel", "mail"]) == at(2, 1, 4))
        #expect(locator.table(["channel", "mail"]) == at(2, 1, 4))
        #expect(locator.keys(["channel", "mail"]).isEmpty)
        #expect(locator.key(["mail"]) == nil)
    }

    // MARK: arrays of tables

    private static let commitments = """
        [[commitment]]
        id = "a"
        [[commitment]]
        id = "b"
        [commitment.remind]
        before = "1h"
        [[commitment.step]]
        n = 1
        [[commitment.step]]
        n = 2
        [[commitment]]
        id = "c"
        [[ commitment.step ]]
        n = 3
        """

    @Test(arguments: [
        LocatorCase(commitments, ["commitment", 0, "id"], key: at(2, 1, 2), value: at(2, 6, 3)),
        LocatorCase(commitments, ["commitment", 1, "id"], key: at(4, 1, 2), value: at(4, 6, 3)),
        LocatorCase(commitments, ["commitment", 2, "id"], key: at(12, 1, 2), value: at(12, 6, 3)),
        LocatorCase(commitments, ["commitment", 3], key: nil, value: nil),
        LocatorCase(commitments, ["commitment", 0], key: at(1, 3, 10), value: nil),
        LocatorCase(commitments, ["commitment", 2], key: at(11, 3, 10), value: nil),
        LocatorCase(commitments, ["commitment"], key: at(1, 3, 10), value: nil),
        LocatorCase(commitments, ["commitment", 1, "remind", "before"], key: at(6, 1, 6), value: at(6, 10, 4)),
        LocatorCase(commitments, ["commitment", 1, "step", 0, "n"], key: at(8, 1, 1), value: at(8, 5, 1)),
        LocatorCase(commitments, ["commitment", 1, "step", 1, "n"], key: at(10, 1, 1), value: at(10, 5, 1)),
        LocatorCase(commitments, ["commitment", 2, "step", 0, "n"], key: at(14, 1, 1), value: at(14, 5, 1)),
        LocatorCase(commitments, ["commitment", 2, "step", 1], key: nil, value: nil),
        LocatorCase(commitments, ["commitment", 0, "step"], key: nil, value: nil),
        LocatorCase(commitments, ["commitment", 2, "step", 0], key: at(13, 4, 15), value: nil),
    ])
    func countsArraysOfTablesPerParentElement(_ c: LocatorCase) {
        let locator = TOMLLocator(source: c.source)
        #expect(locator.key(c.path) == c.key)
        #expect(locator.value(c.path) == c.value)
    }

    @Test func arrayOfTablesHeadersAreTheirTablePositions() {
        let locator = TOMLLocator(source: Self.commitments)
        #expect(locator.table(["commitment", 0]) == at(1, 1, 14))
        #expect(locator.table(["commitment", 2]) == at(11, 1, 14))
        #expect(locator.table(["commitment"]) == at(1, 1, 14))
        #expect(locator.table(["commitment", 1, "remind"]) == at(5, 1, 19))
        #expect(locator.table(["commitment", 1, "step", 1]) == at(9, 1, 19))
        #expect(locator.table(["commitment", 2, "step", 0]) == at(13, 1, 21))
        // Many headers, but each defines its own element once: no duplicates.
        #expect(locator.keys(["commitment"]).count == 1)
        #expect(locator.keys(["commitment", 1]).count == 1)
        #expect(locator.keys(["commitment", 1, "step"]).count == 1)
    }

    // MARK: arrays and inline tables

    @Test func findsArrayElementsAcrossLinesCommentsAndNesting() {
        let source = """
            when = [
              "Mon 09:00", # first
              # a comment line, then a blank one

              "Tue 10:00",
              [1, [2, 3]],
              { a = 1 },
            ]
            after = 1
            """
        let locator = TOMLLocator(source: source)
        #expect(locator.value(["when"]) == at(1, 8, 1))
        #expect(locator.value(["when", 0]) == at(2, 3, 11))
        #expect(locator.value(["when", 1]) == at(5, 3, 11))
        #expect(locator.value(["when", 2]) == at(6, 3, 1))
        #expect(locator.value(["when", 2, 0]) == at(6, 4, 1))
        #expect(locator.value(["when", 2, 1]) == at(6, 7, 1))
        #expect(locator.value(["when", 2, 1, 1]) == at(6, 11, 1))
        #expect(locator.value(["when", 3]) == at(7, 3, 1))
        #expect(locator.key(["when", 3, "a"]) == at(7, 5, 1))
        #expect(locator.value(["when", 3, "a"]) == at(7, 9, 1))
        #expect(locator.table(["when", 3]) == at(7, 3, 1))
        #expect(locator.value(["when", 4]) == nil)
        #expect(locator.key(["after"]) == at(9, 1, 5))
    }

    @Test func reachesKeysInsideInlineTables() {
        let source = "channel = { mail = { to = [\"a\", 'b'] }, desk.on = true }"
        let locator = TOMLLocator(source: source)
        #expect(locator.value(["channel"]) == at(1, 11, 1))
        #expect(locator.key(["channel", "mail"]) == at(1, 13, 4))
        #expect(locator.table(["channel", "mail"]) == at(1, 13, 4))
        #expect(locator.value(["channel", "mail"]) == at(1, 20, 1))
        #expect(locator.key(["channel", "mail", "to"]) == at(1, 22, 2))
        #expect(locator.value(["channel", "mail", "to"]) == at(1, 27, 1))
        #expect(locator.value(["channel", "mail", "to", 0]) == at(1, 28, 3))
        #expect(locator.value(["channel", "mail", "to", 1]) == at(1, 33, 3))
        #expect(locator.key(["channel", "desk", "on"]) == at(1, 46, 2))
        #expect(locator.value(["channel", "desk", "on"]) == at(1, 51, 4))
    }

    @Test func findsTablesWrittenAsArrayElements() {
        let source = """
            commitment = [
              { id = "a", when = ["Mon", "Tue"] },
              { id = "b" },
            ]
            """
        let locator = TOMLLocator(source: source)
        #expect(locator.value(["commitment", 0, "when", 1]) == at(2, 30, 5))
        #expect(locator.key(["commitment", 1, "id"]) == at(3, 5, 2))
        #expect(locator.table(["commitment", 1]) == at(3, 3, 1))
    }

    // MARK: duplicates

    @Test func aDuplicateKeyKeepsTheFirstAndListsBoth() {
        let locator = TOMLLocator(source: "a = 1\nb = 2\na = { x = 3 }\n")
        #expect(locator.key(["a"]) == at(1, 1, 1))
        #expect(locator.keys(["a"]) == [at(1, 1, 1), at(3, 1, 1)])
        #expect(locator.value(["a"]) == at(1, 5, 1))
        #expect(locator.key(["a", "x"]) == nil)
        #expect(locator.keys(["b"]) == [at(2, 1, 1)])
        #expect(locator.keys(["nope"]).isEmpty)
    }

    @Test func duplicatesAcrossTablesHeadersAndKeysAreListed() {
        let source = """
            [[commitment]]
            id = "a"
            id = "b"
            [t]
            [t]
            [u]
            v = 1
            [[u.v]]
            """
        let locator = TOMLLocator(source: source)
        #expect(locator.keys(["commitment", 0, "id"]) == [at(2, 1, 2), at(3, 1, 2)])
        #expect(locator.keys(["t"]) == [at(4, 2, 1), at(5, 2, 1)])
        #expect(locator.keys(["u", "v"]) == [at(7, 1, 1), at(8, 3, 3)])
    }

    // MARK: text encoding

    @Test func crlfLineEndsAreNotColumns() {
        let source = "a = 1\r\n[t]\r\nb = \"x\"\r\nc = \"open\r\nd = \"\"\"two\r\nlines\"\"\"\r\n"
        let locator = TOMLLocator(source: source)
        #expect(locator.value(["a"]) == at(1, 5, 1))
        #expect(locator.table(["t"]) == at(2, 1, 3))
        #expect(locator.key(["t", "b"]) == at(3, 1, 1))
        #expect(locator.value(["t", "b"]) == at(3, 5, 3))
        #expect(locator.value(["t", "c"]) == at(4, 5, 5))
        #expect(locator.value(["t", "d"]) == at(5, 5, 6))
        #expect(locator.line(3) == "b = \"x\"")
        #expect(locator.line(1) == "a = 1")
        #expect(locator.line(7) == "")
    }

    @Test func aByteOrderMarkIsNotAColumn() {
        let locator = TOMLLocator(source: "\u{FEFF}a = 1\n[t]")
        #expect(locator.key(["a"]) == at(1, 1, 1))
        #expect(locator.value(["a"]) == at(1, 5, 1))
        #expect(locator.line(1) == "a = 1")
        #expect(locator.table(["t"]) == at(2, 1, 3))
    }

    @Test func aTabIsOneColumn() {
        let locator = TOMLLocator(source: "\ta\t=\t1\t#\tc\n\t[\tt\t]")
        #expect(locator.key(["a"]) == at(1, 2, 1))
        #expect(locator.value(["a"]) == at(1, 6, 1))
        #expect(locator.key(["t"]) == at(2, 4, 1))
        #expect(locator.table(["t"]) == at(2, 2, 5))
    }

    @Test func columnsCountUnicodeScalarsNotBytesOrCharacters() {
        // "é" is one scalar, "☕" one, the thumbs-up with a skin tone two (but one Character).
        let source =
            "t = { title = \"Caf\u{E9} \u{2615}\", at = 1 }\nu = \"\u{1F44D}\u{1F3FD}\" # \u{1F44D}\u{1F3FD}\nv = 2"
        let locator = TOMLLocator(source: source)
        #expect(locator.value(["t", "title"]) == at(1, 15, 8))
        #expect(locator.key(["t", "at"]) == at(1, 25, 2))
        #expect(locator.value(["t", "at"]) == at(1, 30, 1))
        #expect(locator.value(["u"]) == at(2, 5, 4))
        #expect(locator.key(["v"]) == at(3, 1, 1))
        #expect(locator.line(2) == "u = \"\u{1F44D}\u{1F3FD}\" # \u{1F44D}\u{1F3FD}")
    }

    // MARK: comments and lines

    @Test func ignoresCommentsAndWhatLooksLikeKeysInThem() {
        let source = "# title = 1\na = 1 # b = 2\n  # [t]\nc = 3"
        let locator = TOMLLocator(source: source)
        #expect(locator.key(["title"]) == nil)
        #expect(locator.key(["b"]) == nil)
        #expect(locator.table(["t"]) == nil)
        #expect(locator.key(["c"]) == at(4, 1, 1))
    }

    @Test func returnsWholeLinesByNumber() {
        let locator = TOMLLocator(source: "a = 1\n\n  b = 2\n")
        #expect(locator.line(0) == nil)
        #expect(locator.line(1) == "a = 1")
        #expect(locator.line(2) == "")
        #expect(locator.line(3) == "  b = 2")
        #expect(locator.line(4) == "")
        #expect(locator.line(5) == nil)
        #expect(TOMLLocator(source: "").line(1) == "")
        #expect(TOMLLocator(source: "").key(["a"]) == nil)
    }

    @Test func pathComponentsAreWrittenAsLiterals() {
        let path: [TOMLPathComponent] = ["commitment", 2, "when"]
        #expect(path == [.key("commitment"), .index(2), .key("when")])
    }

    // MARK: robustness

    @Test func recoversOnTheNextLineAfterBrokenSyntax() {
        let source = """
            a = = 1
            [broken
            b = 2
            [[also.broken
            c = 3
            = 4
            "open = 5
            d = { e = 1
            f = [1, 2] junk
            [ok]
            g = 7
            """
        let locator = TOMLLocator(source: source)
        #expect(locator.key(["a"]) == at(1, 1, 1))
        #expect(locator.key(["broken", "b"]) == at(3, 1, 1))
        #expect(locator.key(["also", "broken", 0, "c"]) == at(5, 1, 1))
        #expect(locator.value(["also", "broken", 0, "d", "e"]) == at(8, 11, 1))
        #expect(locator.value(["also", "broken", 0, "f", 1]) == at(9, 9, 1))
        #expect(locator.key(["ok", "g"]) == at(11, 1, 1))
    }

    @Test func survivesDeepNesting() {
        let deep = 200_000
        let arrays = TOMLLocator(source: "a = " + String(repeating: "[", count: deep) + "\nb = 1")
        #expect(arrays.value(["a"]) == at(1, 5, 1))
        #expect(arrays.value(["a", 0, 0]) == at(1, 7, 1))
        let tables = TOMLLocator(source: "a = " + String(repeating: "{b=", count: deep))
        #expect(tables.value(["a", "b", "b"]) == at(1, 11, 1))
        let closed = "x = " + String(repeating: "[", count: 500) + String(repeating: "]", count: 500) + "\ny = 1"
        #expect(TOMLLocator(source: closed).key(["y"]) == at(2, 1, 1))
        let dotted = TOMLLocator(source: String(repeating: "k.", count: deep) + "z = 1")
        #expect(dotted.key(["k", "k"]) == at(1, 3, 1))
        let headers = TOMLLocator(source: String(repeating: "[[a]]\n", count: deep))
        #expect(headers.table(["a", .index(deep - 1)]) == at(deep, 1, 5))
        _ = TOMLLocator(source: String(repeating: "[", count: deep))
        _ = TOMLLocator(source: "a = " + String(repeating: "\"\"\"", count: deep))
        _ = TOMLLocator(source: String(repeating: "\\", count: deep))
    }

    @Test func neverCrashesOnRandomOrMutatedInput() {
        var random = SplitMix64(seed: 0x6E75_6467_6521)
        let seeds = [Self.commitments, Self.sample, "a = \"\"\"x\"\"\"\"", "t = { a = [1, { b = 'c' }] }"]
        let pieces = [
            "[", "]", "[[", "]]", "{", "}", "\"", "'", "\"\"\"", "'''", "#", "=", ".", ",", "\\", "\\u12", "\n",
            "\r\n", "\r", "\t", " ", "a", "1", "1979-05-27 07:", "\u{FEFF}", "\u{E9}", "\u{1F44D}\u{1F3FD}", "\0",
        ]
        let paths: [[TOMLPathComponent]] = [
            ["a"], ["commitment", 0, "when", 1], ["commitment", 1, "id"], ["t", "a", 1, "b"], ["channel", "mail"],
        ]
        for round in 0..<3000 {
            var text: [Unicode.Scalar]
            if round % 10 == 0 {
                text = (0..<random.below(300)).compactMap { _ in Unicode.Scalar(UInt32(random.below(0x2FF))) }
            } else {
                text = Array(seeds[random.below(seeds.count)].unicodeScalars)
                for _ in 0...random.below(8) {
                    let i = random.below(text.count + 1)
                    switch random.below(3) {
                    case 0: text.insert(contentsOf: pieces[random.below(pieces.count)].unicodeScalars, at: i)
                    case 1: text.removeSubrange(i..<min(text.count, i + random.below(20)))
                    default: text.insert(contentsOf: text[i..<min(text.count, i + random.below(40))], at: i)
                    }
                }
            }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: text)
            let locator = TOMLLocator(source: String(view))
            for path in paths {
                let positions = [locator.key(path), locator.value(path), locator.table(path)] + locator.keys(path)
                for case let p? in positions {
                    let line = locator.line(p.line)
                    #expect(line != nil)
                    #expect(p.column >= 1 && p.length >= 1)
                    #expect(p.column - 1 + p.length <= (line?.unicodeScalars.count ?? 0))
                }
            }
        }
    }

    @Test func scansAMebibyte() {
        var source = ""
        var count = 0
        while source.utf8.count < 1 << 20 {
            source += "[[commitment]]\nid = \"c\(count)\"\nwhen = [\"Mon 09:00\", \"Fri 17:00\"] # weekly\n"
            source += "remind = { before = [\"1h\", \"15m\"] }\nnote = \"\"\"\nCaf\u{E9} \u{2615}\n\"\"\"\n\n"
            count += 1
        }
        let locator = TOMLLocator(source: source)
        let last = count - 1
        #expect(locator.key(["commitment", .index(last), "id"]) == at(last * 8 + 2, 1, 2))
        #expect(locator.value(["commitment", .index(last), "remind", "before", 1]) == at(last * 8 + 4, 28, 5))
        #expect(locator.line(last * 8 + 6) == "Caf\u{E9} \u{2615}")
    }

    private static let sample = """
        # nudge
        [settings]
        zone = "Europe/Berlin"
        channels = ["desktop", "mail"]

        [channel.mail]
        to = "me@example.org"

        [[commitment]]
        id = "call-mom"
        title = "Call Mom \u{2615}"
        when = ["Sun 19:00", 'Wed 20:00']
        remind.before = "1h"
        """
}
