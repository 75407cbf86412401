import ArgumentParser
import Foundation

/// The exit statuses of DESIGN.md §7 (sysexits.h values).
enum ExitStatus: Int32 {
    case ok = 0
    case nothingMatched = 1
    case usage = 64
    case dataError = 65
    case unavailable = 69
    case cannotCreate = 73
    case unreadable = 74
    case temporaryFailure = 75
    case config = 78
}

/// An error for people: printed as `nudge: MESSAGE`, then the process exits with `code`.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var code: ExitStatus

    init(_ message: String, code: ExitStatus) {
        self.message = message
        self.code = code
    }

    var description: String { message }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data(("nudge: " + text + "\n").utf8))
}

/// Runs `body`, its error becoming the command line's with `code`.
func failing<T>(_ code: ExitStatus, _ body: () throws -> T) throws -> T {
    do { return try body() } catch { throw CLIError(error.localizedDescription, code: code) }
}

/// A subcommand's configuration with its name: one derived from the type costs 5 ms of protocol lookups at
/// each start.
func subcommand(_ name: String, _ abstract: String, discussion: String = "") -> CommandConfiguration {
    CommandConfiguration(commandName: name, abstract: abstract, discussion: discussion)
}
