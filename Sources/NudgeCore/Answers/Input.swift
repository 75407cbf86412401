import Foundation

/// Spans and moments as the command line takes them (`snooze 10m`, `add --at`, `done --at`), bounded:
/// every one is a plain sentence when it cannot be meant, never a crash or an overflow later.
public enum Input {
    /// A moment a century away at most, either way.
    public static let farthest = Span.days(36_525)

    /// Why a span or moment given on the command line cannot be used.
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Reads a one-off moment for `--at` / `--until` / `--since`.
    public static func moment(_ text: String, direction: MomentDirection, zone: Zone, now: Instant) throws(Refusal)
        -> Instant
    {
        let t: Instant
        do {
            t = try Moment.resolve(text, now: now, zone: zone, direction: direction)
        } catch {
            throw Refusal(message: error.localizedDescription)
        }
        guard abs((t - now).microseconds) <= farthest.microseconds else {
            throw Refusal(message: "\"\(text)\" is more than a century away")
        }
        return t
    }

    /// Reads a span: with a unit, longer than 0 and at most `limit` (`limitName` says it in words).
    public static func span(_ text: String, limit: Span = .days(366), limitName: String = "a year", what: String)
        throws(Refusal) -> Span
    {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || $0 == "." }) {
            throw Refusal(message: "\"\(text)\" has no unit: \(trimmed)m? \(trimmed)s?")
        }
        let s: Span
        do { s = try Span(parsing: trimmed) } catch {
            throw Refusal(message: error.errorDescription ?? "\"\(text)\" is not a span")
        }
        guard s > .zero else { throw Refusal(message: "\(what) must be longer than 0, e.g. 10m") }
        guard s <= limit else { throw Refusal(message: "\(what) \"\(text)\" is longer than \(limitName)") }
        return s
    }
}
