import Foundation

extension SyncSettings {
    /// The server's password: from a file only its owner can read, or the first line a command prints.
    public func readPassword(environment: [String: String] = ProcessInfo.processInfo.environment) throws(SyncError)
        -> String
    {
        switch password {
        case .file(let path):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw SyncError("cannot read the password file \(path): \(String(cString: strerror(errno)))")
            }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw SyncError("cannot read the password file \(path)") }
            if info.st_uid != geteuid() {
                throw SyncError("the password file \(path) belongs to another user; fix with: chown $(id -u) '\(path)'")
            }
            if info.st_mode & 0o077 != 0 {
                throw SyncError("the password file \(path) can be read by others; fix with: chmod 600 '\(path)'")
            }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while bytes.count < 65_536 {
                let n = read(fd, &chunk, chunk.count)
                if n <= 0 { break }
                bytes += chunk[0..<n]
            }
            return Self.firstLine(String(decoding: bytes, as: UTF8.self))
        case .command(let argv):
            let result: SubprocessResult
            do {
                result = try Subprocess.run(
                    argv, base: Subprocess.userEnvironment(environment), timeout: .seconds(30))
            } catch {
                throw SyncError("cannot run password_command \(argv[0]): \(error.localizedDescription)")
            }
            guard result.exitStatus == 0 else {
                throw SyncError("password_command \(argv[0]) failed (\(result.ending)): \(result.outputTail)")
            }
            return Self.firstLine(result.standardOutput)
        }
    }

    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
    }

    /// A client for the collection, with the password read now.
    public func client(environment: [String: String] = ProcessInfo.processInfo.environment) throws(SyncError)
        -> DAVClient
    {
        DAVClient(
            collection: url, username: username, password: try readPassword(environment: environment), caFile: caFile)
    }
}
