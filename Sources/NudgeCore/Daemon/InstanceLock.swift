import Foundation

/// The single-instance lock: the daemon holds it exclusively, ticks share it, so a second daemon or a
/// tick while a daemon runs is told so.
public final class InstanceLock {
    private let fd: Int32

    /// Takes the lock at `path` without waiting; nil when another process holds it.
    public init?(path: String, exclusive: Bool) {
        let dir = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(
            atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        guard flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        if exclusive {
            _ = ftruncate(fd, 0)
            let pid = "\(getpid())\n"
            _ = pid.withCString { write(fd, $0, strlen($0)) }
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// The lock file beside the record.
    public static func path(forStore store: String) -> String {
        ((store as NSString).deletingLastPathComponent as NSString).appendingPathComponent("nudge.lock")
    }

    /// The pid written by the daemon holding the lock, if readable.
    public static func holder(at path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
