import Foundation

/// `nudge check`: the config's diagnostics, a summary of what it will do, and the exit status.
public struct ConfigCheck: Sendable {
    /// For standard output: the summary (with `json`, one JSON document, also when the config has errors).
    public var output = ""
    /// For standard error: the diagnostics, notes on history no commitment names now, and the count of errors.
    public var errors = ""
    /// 0; 78 for a config with errors, 75 when it could not be read only for now.
    public var status: Int32 = 0

    /// Checks the config at `path`, with the record at `storePath` when there is one (it is never created).
    public init(path: String, storePath: String, json: Bool, now: Instant) throws {
        let result = ConfigLoader().load(path: path)
        let store = FileManager.default.fileExists(atPath: storePath) ? try? Store(path: storePath) : nil
        let seen = (try? store?.seenIDs()) ?? []
        errors = result.shown(seen: seen)
        guard let config = result.config, !result.hasErrors else {
            if json { output = try result.failureJSON(path: path, seen: seen) }
            let count = result.diagnostics.filter { $0.severity == .error }.count
            if count > 0 { errors += "nudge: \(count) error\(count == 1 ? "" : "s") in \(path)\n" }
            status = result.isTemporary ? 75 : 78
            return
        }
        // History the config no longer names: most likely an id changed in the config.
        if let store, let notes = try? Answers(config: config, store: store, now: now).orphanNotes(path: path) {
            errors += notes.map { $0 + "\n" }.joined()
        }
        var summary = ConfigSummary(config, now: now)
        summary.diagnostics = result.shownDiagnostics(seen: seen)
        output = json ? try Output.json(summary) : summary.text
    }
}
