import Foundation
import Testing

@testable import NudgeCore

/// `[person.ID]` is read and checked like the rest of the config (DESIGN.md §2, §9).
@Suite(.pinnedZones)
struct PeopleConfigTests {
    static let base = "[[commitment]]\nid = \"a\"\ntitle = \"A\"\nwhen = \"Sun 19:00\"\nwith = \"mom\"\n\n"

    func diagnostics(_ text: String, base: String = Self.base) throws -> [String] {
        try ConfigLoaderTests.load(base + text).diagnostics.map { d in
            "\(d.line):\(d.column): \(d.severity.rawValue): \(d.message)" + (d.hint.map { " | \($0)" } ?? "")
        }
    }

    @Test func peopleAreReadWithHowToReachThem() throws {
        let result = try ConfigLoaderTests.load(
            Self.base + """
                [person.mom]
                name = "Mom"
                email = "Mom <mom@example.org>"
                timezone = "America/Chicago"

                [person.sam]
                command = ["signal-cli", "send", "-m", "{message}", "+4915112345678"]

                [person.kim]
                name = "Kim"
                """)
        let people = try #require(result.config?.people, "\(result.diagnostics)")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(people["mom"]?.name == "Mom" && people["mom"]?.reach == .email("Mom <mom@example.org>"))
        #expect(people["mom"]?.timezone?.name == "America/Chicago")
        // Without a name, the id; without email or command, they can be named but not told.
        #expect(people["sam"]?.name == "sam")
        #expect(people["sam"]?.reach == .command(["signal-cli", "send", "-m", "{message}", "+4915112345678"]))
        #expect(people["kim"]?.reach == nil && people["kim"]?.timezone == nil)
    }

    @Test func eachMistakeIsNamedWithItsPlace() throws {
        #expect(
            try diagnostics("[person.mom]\nname = \"Mom\"\nemial = \"mom@example.org\"\n") == [
                "9:1: error: unknown key \"emial\" in [person.mom] | did you mean \"email\"?"
            ])
        #expect(
            try diagnostics("[person.mom]\nemail = \"mom at home\"\n") == [
                "8:9: error: \"mom at home\" is not an email address | write email = \"mom@example.org\""
            ])
        #expect(
            try diagnostics("[person.mom]\nemail = \"m@x.org\"\ncommand = [\"x\"]\n") == [
                "9:1: error: [person.mom] has both \"email\" and \"command\" | keep one way of reaching mom"
            ])
        #expect(
            try diagnostics("[person.mom]\ncommand = \"signal-cli send\"\n").first?.hasPrefix(
                "8:11: error: \"command\" must be an array (argv), not a string; nudge never runs a shell") == true)
        #expect(
            try diagnostics("[person.Mom]\n") == [
                "7:1: error: person id \"Mom\" must be lowercase letters, digits and '-', starting with a letter"
                    + " | e.g. [person.mom]"
            ])
        #expect(
            try diagnostics("[person.mom]\ntimezone = \"Europe/Berln\"\n") == [
                "8:12: error: unknown time zone \"Europe/Berln\" | did you mean \"Europe/Berlin\"?"
            ])
    }

    @Test func aWithThatLooksMeantForAPersonIsAWarningAndStaysFreeText() throws {
        let person = "[person.mom]\nname = \"Mom\"\nemail = \"mom@example.org\"\n"
        // Her name instead of her id.
        let byName = Self.base.replacingOccurrences(of: "with = \"mom\"", with: "with = \"Mom\"")
        let result = try ConfigLoaderTests.load(byName + person)
        #expect(result.config?.commitments.first?.with == "Mom")
        #expect(
            try diagnostics(person, base: byName) == [
                "5:8: warning: with = \"Mom\" names no [person.*]; it is kept as free text"
                    + " | did you mean with = \"mom\"? ([person.mom] is Mom)"
            ])
        // An id one typo away.
        let typo = Self.base.replacingOccurrences(of: "with = \"mom\"", with: "with = \"mum\"")
        #expect(try diagnostics(person, base: typo).first?.contains("did you mean with = \"mom\"?") == true)
        // Free text for someone without a table, and the id itself: nothing to say.
        let free = Self.base.replacingOccurrences(of: "with = \"mom\"", with: "with = \"the team\"")
        #expect(try diagnostics(person, base: free).isEmpty)
        #expect(try diagnostics(person).isEmpty)
    }

    @Test func aPersonsCommandIsAProgramTheConfigRuns() throws {
        let text = Self.base + "[person.sam]\ncommand = [\"signal-cli\", \"send\", \"-m\", \"{message}\"]\n"
        let loaded = try ConfigLoaderTests.load(text, mode: 0o666)
        #expect(loaded.config == nil)
        #expect(
            loaded.diagnostics.contains { $0.message.contains("gives a person a command") }, "\(loaded.diagnostics)")
    }
}
