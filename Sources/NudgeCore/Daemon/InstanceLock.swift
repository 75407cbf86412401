import Foundation

/// The single-instance lock: the daemon holds it exclusively, ticks share it, so a second daemon or a
/// tick while a daemon runs is told so.
public final class InstanceLock {
    private let fd: Int32

    /// Takes the lock at `path` without waiting; nil when another process holds it. Where no lock file
    /// can be made (a read-only state directory) there is nothing to guard: the record's own error says
    /// what is wrong.
    public init?(path: String, exclusive: Bool) {
        let dir = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(
            atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 { fd = open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else {
            self.fd = -1
            return
        }
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
        guard fd >= 0 else { return }
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
