import CSystemd
import Foundation

/// Writes structured entries to journald with `sd_journal_sendv`.
public enum Journal {
    /// syslog priorities.
    public enum Priority: Int, Sendable {
        case error = 3, warning = 4, notice = 5, info = 6, debug = 7
    }

    /// Sends one entry: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER=nudge, the code location and `fields`
    /// (upper-case names, such as NUDGE_ID). Returns false when journald did not take it.
    @discardableResult
    public static func send(
        _ message: String, priority: Priority, fields: [String: String] = [:], file: String = #fileID,
        line: UInt = #line, function: String = #function
    ) -> Bool {
        var items = [
            "MESSAGE=" + message, "PRIORITY=\(priority.rawValue)", "SYSLOG_IDENTIFIER=nudge", "CODE_FILE=" + file,
            "CODE_LINE=\(line)", "CODE_FUNC=" + function,
        ]
        for (k, v) in fields.sorted(by: { $0.key < $1.key }) { items.append(k + "=" + v) }
        let buffers = items.map { Array($0.utf8) }
        var result: Int32 = -1
        var iovecs: [iovec] = []
        func build(_ i: Int) {
            if i == buffers.count {
                result = iovecs.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
                return
            }
            buffers[i].withUnsafeBytes { raw in
                iovecs.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: raw.baseAddress), iov_len: raw.count))
                build(i + 1)
            }
        }
        build(0)
        return result >= 0
    }

    /// Whether standard error is connected to the journal (`JOURNAL_STREAM` names its device and inode).
    public static func stderrIsJournal(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        isJournal(STDERR_FILENO, environment: environment)
    }

    /// Whether a descriptor is connected to the journal.
    public static func isJournal(_ fd: Int32, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Bool
    {
        guard let stream = environment["JOURNAL_STREAM"] else { return false }
        let parts = stream.split(separator: ":")
        guard parts.count == 2, let dev = UInt64(parts[0]), let ino = UInt64(parts[1]) else { return false }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return false }
        return UInt64(st.st_dev) == dev && UInt64(st.st_ino) == ino
    }
}
