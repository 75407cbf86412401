import Testing

@testable import NudgeCore

/// The XML reader on the shapes CalDAV servers answer with.
struct DAVXMLTests {
    func parse(_ text: String) throws -> XMLNode { try DAVXML.parse(Array(text.utf8)) }

    @Test func aMultistatusIsReadWhateverThePrefixes() throws {
        for (open, dav, cal) in [
            (#"<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">"#, "", "C:"),
            (#"<d:multistatus xmlns:d="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav">"#, "d:", "cal:"),
            (#"<ns0:multistatus xmlns:ns0="DAV:" xmlns:ns1="urn:ietf:params:xml:ns:caldav">"#, "ns0:", "ns1:"),
        ] {
            let close = "</\(dav)multistatus>"
            let text = """
                <?xml version='1.0' encoding='utf-8'?>
                <!-- a comment -->
                \(open)<\(dav)response><\(dav)href>/me/nudge/a.ics</\(dav)href><\(dav)propstat><\(dav)prop>
                <\(dav)getetag>"e1"</\(dav)getetag><\(cal)calendar-data>BEGIN:VCALENDAR&#13;
                SUMMARY:Tom &amp; Jerry &lt;3&#x21;</\(cal)calendar-data></\(dav)prop></\(dav)propstat></\(dav)response>
                <\(dav)response><\(dav)href>/me/nudge/b.ics</\(dav)href><\(cal)calendar-data><![CDATA[a <b> & c]]></\(cal)calendar-data>
                </\(dav)response>\(close)
                """
            let root = try parse(text)
            #expect(root.namespace == DAVXML.dav && root.name == "multistatus")
            let responses = root.children(DAVXML.dav, "response")
            #expect(responses.map { $0.child(DAVXML.dav, "href")?.text } == ["/me/nudge/a.ics", "/me/nudge/b.ics"])
            #expect(responses[0].descendants(DAVXML.dav, "getetag").first?.text == "\"e1\"")
            #expect(
                responses[0].descendants(DAVXML.caldav, "calendar-data").first?.text
                    == "BEGIN:VCALENDAR\r\nSUMMARY:Tom & Jerry <3!")
            #expect(responses[1].descendants(DAVXML.caldav, "calendar-data").first?.text == "a <b> & c")
        }
    }

    @Test func aPrefixDeclaredInsideAChildStaysThere() throws {
        let root = try parse(#"<a xmlns="x"><b xmlns:p="y"><p:c k="1" p:j='2'/></b><d/></a>"#)
        #expect(root.namespace == "x" && root.children.map(\.name) == ["b", "d"])
        let c = try #require(root.child("x", "b")?.child("y", "c"))
        #expect(c.attributes == ["k": "1", "j": "2"])
        #expect(throws: DAVXML.Error.self) { try parse(#"<a xmlns="x"><b xmlns:p="y"/><p:c/></a>"#) }
    }

    @Test func brokenDocumentsAreRefusedNotCrashedOn() {
        for bad in [
            "<a><b></a>", "<a>", "", "text", "<a></a>trailing", "<a x=1/>", "<a>&bogus;</a>", "<a>&#0;</a>",
            "<a><![CDATA[never ends</a>", "<q:a/>",
            String(repeating: "<a>", count: 300) + String(repeating: "</a>", count: 300),
        ] {
            #expect(throws: DAVXML.Error.self, "\(bad.prefix(40))") { try parse(bad) }
        }
    }

    @Test func escapedTextReadsBack() throws {
        let text = #"Tom & Jerry's "<show>""#
        let root = try parse("<a t=\"\(DAVXML.escape(text))\">\(DAVXML.escape(text))</a>")
        #expect(root.text == text && root.attributes["t"] == text)
    }
}
