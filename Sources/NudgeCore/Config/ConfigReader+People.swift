import Foundation
import TOMLKit

extension ConfigReader {
    static let personKeys = ["name", "email", "command", "timezone"]

    /// Every `[person.ID]`: someone promises are made to, and where messages to them go (DESIGN.md §9).
    mutating func people(_ root: TOMLTable) -> [String: Person] {
        guard let value = root["person"] else { return [:] }
        guard let all = value.table else {
            reportValue(
                ["person"], "\"person\" must hold tables such as [person.mom]",
                hint: "write [person.ID] with name = \"Mom\" and email = \"mom@example.org\"")
            return [:]
        }
        var out: [String: Person] = [:]
        for id in all.keys {
            let p: Path = ["person", .key(id)]
            guard let t = all[id]?.table else {
                reportValue(p, "person \"\(id)\" must be a table", hint: "write it as [person.\(id)]")
                continue
            }
            // A person's id follows the rule of every id: what `with` names.
            guard CommitmentID(id) != nil else {
                reportTable(
                    p, "person id \"\(id)\" must be lowercase letters, digits and '-', starting with a letter",
                    hint: Self.suggestID(id).map { "e.g. [person.\($0)]" } ?? "e.g. [person.mom]")
                continue
            }
            checkKeys(t, at: p, known: Self.personKeys, what: "[person.\(id)]")
            var name = id
            if let text = string(t, "name", at: p, what: "name") {
                if let problem = TextRules.problem(text, field: "name") ?? (text.isEmpty ? "the name is empty" : nil) {
                    reportValue(
                        p + ["name"], "[person.\(id)]: \(problem)", hint: "write their name, e.g. name = \"Mom\"")
                } else {
                    name = text
                }
            }
            var reach: Person.Reach?
            if t["email"] != nil && t["command"] != nil {
                reportKey(
                    p + ["command"], "[person.\(id)] has both \"email\" and \"command\"",
                    hint: "keep one way of reaching \(name)")
            } else if let address = string(t, "email", at: p, what: "email") {
                if Self.isAddress(address) {
                    reach = .email(address)
                } else {
                    reportValue(
                        p + ["email"], "\"\(address)\" is not an email address",
                        hint: "write email = \"mom@example.org\"")
                }
            } else if let argv = argv(t, at: p, example: "[\"signal-cli\", \"send\", \"-m\", \"{message}\", \"+49…\"]")
            {
                runsPrograms = runsPrograms ?? "gives a person a command ([person.\(id)])"
                if !argv.isEmpty && !argv[0].isEmpty { reach = .command(argv) }
            }
            var timezone: Zone?
            if let text = string(t, "timezone", at: p, what: "timezone") { timezone = zone(text, at: p + ["timezone"]) }
            out[id] = Person(id: id, name: name, reach: reach, timezone: timezone)
        }
        return out
    }

    /// A program's argv at `command`: an array (nudge never runs a shell) whose first item names it; nil when
    /// absent or not an array.
    mutating func argv(_ t: TOMLTable, at p: Path, example: String) -> [String]? {
        guard let value = t["command"] else { return nil }
        if value.string != nil {
            reportValue(
                p + ["command"], "\"command\" must be an array (argv), not a string; nudge never runs a shell",
                hint: "write command = \(example)")
            return nil
        }
        guard let list = strings(t, "command", at: p, single: false) else { return nil }
        if list.isEmpty || list[0].isEmpty {
            reportValue(p + ["command"], "\"command\" names no program", hint: "write command = \(example)")
        }
        return list
    }

    /// Warns where a commitment's `with` looks meant for a `[person.ID]` it does not name: a person's name
    /// instead of their id, or an id one typo away. Free text stays allowed.
    mutating func checkWith(_ root: TOMLTable, people: [String: Person]) {
        guard !people.isEmpty, let array = root["commitment"]?.array else { return }
        for i in 0..<array.count {
            guard let with = array[i].table?["with"]?.string, people[with] == nil else { continue }
            let p: Path = ["commitment", .index(i), "with"]
            let named = people.values.filter { $0.name.lowercased() == with.lowercased() }.map(\.id).sorted()
            let near =
                named.first ?? (CommitmentID(with) != nil ? Suggest.closest(to: with, in: Array(people.keys)) : nil)
            guard let near else { continue }
            let position = locator.value(p) ?? locator.key(p)
            report(
                .warning, at: position, "with = \"\(with)\" names no [person.*]; it is kept as free text",
                hint: "did you mean with = \"\(near)\"? ([person.\(near)] is \(people[near]?.name ?? near))")
        }
    }
}
