import Foundation

/// Why a calendar expression was refused, and where.
public struct CalendarError: LocalizedError, Equatable, Sendable {
    /// The expression as given.
    public var expression: String
    /// What is wrong, for people.
    public var reason: String
    /// 0-based offset in Unicode scalars of the part that is wrong.
    public var offset: Int
    /// Length in Unicode scalars of the part that is wrong (at least 1).
    public var length: Int

    /// One line saying what is wrong.
    public var errorDescription: String? {
        "invalid calendar expression \"\(expression)\": \(reason)"
    }

    /// The message, then the expression with a caret under the part that is wrong.
    public var detailed: String {
        let marker = String(repeating: " ", count: offset) + "^" + String(repeating: "~", count: max(0, length - 1))
        return (errorDescription ?? reason) + "\n    " + expression + "\n    " + marker
            + "\n  hint: write e.g. \"Mon..Fri 09:00\", \"*-*-1 12:00\", \"Sun 19:00 Europe/Berlin\" "
            + "(see systemd.time(7))"
    }
}
