import Foundation

/// A unix datagram socket standing in for systemd's NOTIFY_SOCKET.
final class NotifySocket {
    let path: String
    private let fd: Int32
    private(set) var messages: [String] = []

    /// The path did not fit in `sun_path`.
    struct TooLong: Error, CustomStringConvertible {
        var path: String
        var description: String { "socket path \(path) is longer than 107 bytes" }
    }

    init(path: String) throws {
        guard path.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else { throw TooLong(path: path) }
        self.path = path
        unlink(path)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.prefix(raw.count - 1).enumerated() { raw[i] = b }
        }
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard fd >= 0, ok == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// Waits up to `timeout` seconds for a message containing `text`; returns it.
    @discardableResult
    func wait(for text: String, timeout: Double) -> String? {
        let end = Date().addingTimeInterval(timeout)
        if let m = messages.first(where: { $0.contains(text) }) { return m }
        while Date() < end {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(max(1, end.timeIntervalSinceNow * 1000))
            guard poll(&pfd, 1, ms) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { continue }
            let m = String(decoding: buffer[0..<n], as: UTF8.self)
            messages.append(m)
            if m.contains(text) { return m }
        }
        return nil
    }

    /// Fills the socket's queue with datagrams of its own, as a manager that stopped reading leaves it; false
    /// when it could not within `timeout` seconds.
    func fill(timeout: Double) -> Bool {
        let sender = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        defer { close(sender) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in Array(path.utf8).prefix(raw.count - 1).enumerated() { raw[i] = b }
        }
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            let sent = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(sender, "FILLER=1", 8, 0, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            if sent < 0 { return errno == EAGAIN }
        }
        return false
    }
}
