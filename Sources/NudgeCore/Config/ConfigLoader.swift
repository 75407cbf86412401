import Foundation
import TOMLKit

/// Reads a config file into a validated `Config`, collecting every problem as a `Diagnostic`.
///
/// TOMLKit parses the text; the locations of keys and values come from `TOMLLocator`, because TOMLKit
/// reports positions for syntax errors only. Nothing here throws for bad input and no input crashes it.
public struct ConfigLoader: Sendable {
    /// The outcome of loading: a config when there was no error, and every diagnostic in source order.
    public struct Result: Sendable {
        public var config: Config?
        public var diagnostics: [Diagnostic]
        /// The bytes read, when the file could be read.
        public var data: Data?

        /// Whether any diagnostic is an error.
        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
        /// Whether it failed only for now (see `Diagnostic.temporary`).
        public var isTemporary: Bool { diagnostics.contains { $0.temporary } }

        /// The diagnostics to print, a line each: all but the warning about a passed `once` the record
        /// has already seen (its ids in `seen`).
        public func shown(seen: Set<String>) -> String {
            shownDiagnostics(seen: seen).map { $0.description + "\n" }.joined()
        }
    }

    /// For `$USER` and the default sender.
    public var environment: [String: String]
    /// A `once` before this is a warning.
    public var now: Instant
    public var hostname: String
    /// The zone used when `[settings] timezone` is not set.
    public var systemZone: Zone
    /// The largest config read (1 MiB; the benchmark raises it to time 100,000 commitments).
    public var maxBytes = Defaults.maxConfigBytes

    /// Creates a loader; the defaults are the process's own environment, clock and zone.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment, now: Instant = .now,
        hostname: String = ProcessInfo.processInfo.hostName, systemZone: Zone? = nil
    ) {
        self.environment = environment
        self.now = now
        self.hostname = hostname
        self.systemZone = systemZone ?? Zone.current(environment: environment)
    }

    /// Loads the file at `path`: refuses files over 1 MiB, and loose permissions on a config that runs
    /// programs.
    public func load(path: String) -> Result {
        func whole(_ message: String, hint: String? = nil) -> Result {
            Result(
                config: nil,
                diagnostics: [Diagnostic(.error, file: path, line: 0, column: 0, message: message, hint: hint)])
        }
        // Opened once: what is checked (owner, mode) is what is read.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let why = String(cString: strerror(errno))
            if errno == ENOENT {
                return whole(
                    "no config here (nudge looks for it at this path)",
                    hint: "create one with `nudge init`, or name another with --config PATH or $NUDGE_CONFIG")
            }
            return whole("cannot read the config: \(why)")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return whole("cannot read the config: \(String(cString: strerror(errno)))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return whole("the config is not a regular file") }
        guard info.st_size <= Defaults.maxConfigBytes else {
            return whole(
                "the config is \(info.st_size) bytes; at most \(Defaults.maxConfigBytes) (1 MiB) are read",
                hint: "a config this large is almost certainly the wrong file")
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while data.count <= Defaults.maxConfigBytes {
            let n = read(fd, &buffer, buffer.count)
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { return whole("cannot read the config: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        var result = load(
            data: data, path: path, mode: info.st_mode & 0o777, owner: info.st_uid,
            looseDirectory: Self.looseDirectory(above: path))
        result.data = data
        return result
    }

    /// The first directory above the config that someone else could swap it in: not owned by this user
    /// or root, or writable by its group or others without the sticky bit (as ssh's StrictModes).
    static func looseDirectory(above path: String) -> String? {
        guard let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        var dir = (String(cString: real) as NSString).deletingLastPathComponent
        while true {
            var info = stat()
            if stat(dir, &info) == 0 {
                let owner = info.st_uid == geteuid() || info.st_uid == 0
                let open = info.st_mode & 0o022 != 0 && info.st_mode & S_ISVTX == 0
                if !owner || open { return dir }
            }
            if dir == "/" || dir.isEmpty { return nil }
            dir = (dir as NSString).deletingLastPathComponent
        }
    }

    /// Loads config text; `mode`, `owner` and `looseDirectory` (see ``looseDirectory(above:)``) are the
    /// file's, for the safety rule: a config that runs programs must be yours, writable by you only, in
    /// directories nobody else can write.
    public func load(
        data: Data, path: String, mode: mode_t? = nil, owner: uid_t? = nil, looseDirectory: String? = nil
    ) -> Result {
        guard data.count <= maxBytes else {
            return Result(
                config: nil,
                diagnostics: [
                    Diagnostic(.error, file: path, line: 0, column: 0, message: "the config is larger than 1 MiB")
                ])
        }
        var reader = ConfigReader(loader: self, path: path, data: data)
        let config = reader.read()
        if let why = reader.runsPrograms {
            func refuse(_ problem: String, fix: String) {
                reader.diagnostics.append(
                    Diagnostic(
                        .error, file: path, line: 0, column: 0,
                        message: "refusing a config that \(why) while \(problem)",
                        hint: "anyone who can edit it can run programs as you; fix with: \(fix)"))
            }
            if let owner, owner != geteuid() {
                refuse("it belongs to another user (uid \(owner))", fix: "chown $(id -u) '\(path)'")
            } else if let mode, mode & 0o022 != 0 {
                refuse(
                    "it is writable by " + (mode & 0o020 != 0 ? "its group" : "others"), fix: "chmod go-w '\(path)'")
            } else if let dir = looseDirectory {
                refuse("\(dir) can be written by others, who could replace it", fix: "chmod go-w '\(dir)'")
            }
        }
        if reader.holdsSecrets, let mode, mode & 0o044 != 0 {
            reader.diagnostics.append(
                Diagnostic(
                    .error, file: path, line: 0, column: 0,
                    message: "refusing a config with [sync] while it is readable by "
                        + (mode & 0o040 != 0 ? "its group" : "others"),
                    hint: "it says where your server's password is; fix with: chmod go-rw '\(path)'"))
        }
        let sorted = reader.diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
        let ok = !sorted.contains { $0.severity == .error }
        return Result(config: ok ? config : nil, diagnostics: sorted)
    }
}
