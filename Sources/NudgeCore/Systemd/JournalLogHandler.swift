import Foundation
import Logging

/// The daemon's swift-log handler: to journald, with metadata as journal fields (NUDGE_ID,
/// NUDGE_OCCURRENCE, NUDGE_EVENT, NUDGE_CHANNEL…: keys are upper-cased and prefixed with NUDGE_), or as
/// plain lines on standard error: `nudge: LEVEL: message key=value…`.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    /// Whether lines go to the journal (else to standard error).
    public var toJournal: Bool

    /// A handler at `level`.
    public init(level: Logger.Level = .info, toJournal: Bool = true) {
        logLevel = level
        self.toJournal = toJournal
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, b in b })
        guard toJournal else {
            let tail = all.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
            FileHandle.standardError.write(Data("nudge: \(event.level): \(event.message)\(tail)\n".utf8))
            return
        }
        var fields: [String: String] = [:]
        for (k, v) in all { fields[Self.field(k)] = "\(v)" }
        Journal.send(
            "\(event.message)", priority: Self.priority(event.level), fields: fields, file: event.file,
            line: event.line, function: event.function)
    }

    /// "id" → "NUDGE_ID".
    static func field(_ key: String) -> String {
        let cleaned = key.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
        let name = String(cleaned)
        return name.hasPrefix("NUDGE_") ? name : "NUDGE_" + name
    }

    static func priority(_ level: Logger.Level) -> Journal.Priority {
        switch level {
        case .trace, .debug: return .debug
        case .info: return .info
        case .notice: return .notice
        case .warning: return .warning
        case .error, .critical: return .error
        }
    }
}

extension Journal {
    /// The daemon's logger: to the journal (with the NUDGE_* fields), or to standard error.
    public static func logger(journal: Bool, level: Logger.Level) -> Logger {
        Logger(label: "nudge") { _ in JournalLogHandler(level: level, toJournal: journal) }
    }
}
