import Foundation
import Testing

@testable import NudgeCore

/// RFC 5545 text as nudge writes it and as servers and phones give it back.
@Suite(.pinnedZones)
struct ICalendarTests {
    static var berlin: Zone { get throws { try Zone.named("Europe/Berlin") } }

    /// What Radicale gives back of a VTODO nudge wrote: reordered, LF line ends, folded.
    static let radicale = """
        BEGIN:VCALENDAR
        VERSION:2.0
        PRODID:-//nudge//nudge//EN
        BEGIN:VTODO
        DESCRIPTION:Tick it off here when it is done\\, or on a computer: nudge done
          a
        DTSTAMP:20261203T085257Z
        DUE:20261204T100000Z
        LAST-MODIFIED:20261203T085257Z
        SEQUENCE:1
        STATUS:NEEDS-ACTION
        SUMMARY:A
        UID:nudge-06825b57e2b5b52504634f12d6b5f428
        BEGIN:VALARM
        ACTION:DISPLAY
        DESCRIPTION:A
        TRIGGER;VALUE=DATE-TIME:20261204T100000Z
        END:VALARM
        X-NUDGE-DEVICE:vm
        END:VTODO
        END:VCALENDAR

        """

    @Test func whatRadicaleGivesBackIsRead() throws {
        let todos = try ICalendar.todos(Self.radicale, zone: try Self.berlin)
        let t = try #require(todos.first)
        #expect(todos.count == 1)
        #expect(t.uid == "nudge-06825b57e2b5b52504634f12d6b5f428" && t.summary == "A" && t.status == .needsAction)
        #expect(t.description == "Tick it off here when it is done, or on a computer: nudge done a")
        #expect(t.due == Instant(seconds: 1_796_378_400))
        #expect(t.alarms == [t.due] && t.nudge == ["DEVICE": "vm"] && t.sequence == 1 && t.extra.isEmpty)
        // The same with CRLF, as RFC 5545 writes it (and an XML body may carry it as &#13;).
        let crlf = try ICalendar.todos(
            Self.radicale.replacingOccurrences(of: "\n", with: "\r\n"), zone: try Self.berlin)
        #expect(crlf == todos)
    }
}
