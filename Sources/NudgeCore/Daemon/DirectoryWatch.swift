import Dispatch
import Foundation

/// Watches directories with inotify through a Dispatch read source and reports the names that changed.
///
/// Watching the directory (not the file) sees editors that replace a file by renaming a new one over
/// it, and the target of a symlink when its directory is watched too.
final class DirectoryWatch {
    private let fd: Int32
    private let source: DispatchSourceRead

    /// Every change to a file: what the record's watch needs (SQLite writes in place).
    static let anyChange = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MODIFY | IN_ATTRIB)
    /// A file finished: written and closed, renamed into place, created (a symlink) or deleted. A file
    /// still being written in place is not reported until it is closed.
    static let finished = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE)

    /// Starts watching; nil when inotify is unavailable.
    init?(
        directories: [String], mask: UInt32 = anyChange, queue: DispatchQueue,
        onChange: @escaping (Set<String>) -> Void
    ) {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        var watched = 0
        for dir in Set(directories) where inotify_add_watch(fd, dir, mask) >= 0 {
            watched += 1
        }
        guard watched > 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler { [fd] in
            onChange(Self.drain(fd))
        }
        source.setCancelHandler { [fd] in close(fd) }
        source.resume()
    }

    deinit {
        source.cancel()
    }

    /// Reads every pending event; returns the names they concern.
    private static func drain(_ fd: Int32) -> Set<String> {
        var names: Set<String> = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            var at = 0
            let header = MemoryLayout<inotify_event>.size
            while at + header <= n {
                let len = buffer.withUnsafeBytes { raw in
                    Int(raw.loadUnaligned(fromByteOffset: at + 12, as: UInt32.self))
                }
                let start = at + header
                let end = min(start + len, n)
                if len > 0 {
                    let bytes = buffer[start..<end].prefix { $0 != 0 }
                    names.insert(String(decoding: bytes, as: UTF8.self))
                }
                at = start + len
            }
        }
        return names
    }
}
