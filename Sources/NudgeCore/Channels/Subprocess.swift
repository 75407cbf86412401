import Foundation

/// How a program run by ``Subprocess`` ended, with the last of what it wrote.
public struct SubprocessResult: Sendable, Equatable {
    /// The exit status when the program exited; nil when a signal ended it or the status was lost.
    public var exitStatus: Int32?
    /// The signal that ended the program, if one did.
    public var signal: Int32?
    /// Whether the timeout ran out, so the program was sent TERM (and KILL 2 s later if still there).
    public var timedOut: Bool
    /// The last bytes (at most ``Subprocess/tailLimit``) written to stdout, as UTF-8 text.
    public var standardOutput: String
    /// The last bytes (at most ``Subprocess/tailLimit``) written to stderr, as UTF-8 text.
    public var standardError: String

    /// Creates a result.
    public init(exitStatus: Int32?, signal: Int32?, timedOut: Bool, standardOutput: String, standardError: String) {
        self.exitStatus = exitStatus
        self.signal = signal
        self.timedOut = timedOut
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// What the program said, for a failure message: stderr, else stdout, trimmed ("" when silent).
    public var outputTail: String {
        let err = standardError.trimmingCharacters(in: .whitespacesAndNewlines)
        return err.isEmpty ? standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) : err
    }

    /// "exit 3", "signal 9", "status unknown": how it ended, in words.
    public var ending: String {
        if let s = exitStatus { return "exit \(s)" }
        if let s = signal { return "signal \(s)" }
        return "status unknown"
    }
}

extension Subprocess {
    /// Runs a channel's program in the user's session environment (plus `environment`) and says how it went
    /// (`SubprocessResult.channelResult`); a program that cannot be started is unavailable.
    static func send(_ argv: [String], environment: [String: String] = [:], input: [UInt8]? = nil, timeout: Span)
        -> ChannelResult
    {
        let program = argv.first ?? ""
        do {
            return try run(argv, base: userEnvironment(), environment: environment, input: input, timeout: timeout)
                .channelResult(program: program, timeout: timeout)
        } catch {
            return .unavailable(error.errorDescription ?? "cannot run \(program)")
        }
    }
}

extension SubprocessResult {
    /// What a finished run of a channel's program means for the nudge, by sendmail's conventions: exit 0
    /// sent; 75 (EX_TEMPFAIL) failed, worth retrying; another exit failed for good; a timeout or a death by
    /// signal unknown, since the program may have delivered before it was stopped.
    func channelResult(program: String, timeout: Span) -> ChannelResult {
        let said = outputTail.isEmpty ? "" : ": \(outputTail)"
        if timedOut { return .unknown("\(program) did not finish within \(timeout) and was killed") }
        switch exitStatus {
        case 0: return .sent
        case 75: return .failed("\(program) failed temporarily (exit 75)\(said)", retry: true)
        case let status?: return .failed("\(program) failed (exit \(status))\(said)", retry: false)
        case nil: return .unknown("\(program) ended without a status (\(ending))\(said)")
        }
    }
}

/// Why a program could not be started.
public enum SubprocessError: LocalizedError, Equatable, Sendable {
    /// No such program: the path does not exist, or the name is in no directory of PATH.
    case notFound(String)
    /// The program exists but could not be started; the `errno` says why (EACCES, ENOEXEC…).
    case launchFailed(String, errno: Int32)

    /// The message for people.
    public var errorDescription: String? {
        switch self {
        case .notFound(let name):
            return name.isEmpty ? "no program given" : "program \"\(name)\" not found"
        case .launchFailed(let name, let code):
            return "cannot run \"\(name)\": \(String(cString: strerror(code)))"
        }
    }
}

/// Runs a program without a shell, blocking the calling thread until it ends or its timeout runs out.
///
/// This is `posix_spawn` plus a `poll()` loop and `waitpid(WNOHANG)` on the caller's thread: no Dispatch
/// queue, thread or Swift concurrency is started, because libdispatch's worker pool, once started, wakes an
/// idle daemon every second for good. The child gets its own process group (so TERM and KILL reach
/// whatever it started), default signal dispositions and an empty signal mask (whatever the daemon
/// ignores or blocks, the program does not), stdin from the given bytes or `/dev/null`, and no file
/// descriptor of ours beyond 0–2.
public enum Subprocess {
    /// How many trailing bytes of stdout and of stderr are kept.
    public static let tailLimit = 4096

    /// How long after TERM a program that is still there gets KILL.
    public static let killGrace = Span.seconds(2)

    /// Stops every program running now or later at once (TERM, KILL 0.2 s later): the process is ending.
    /// What they were sending is of unknown fate.
    public static func cancelAll() { cancelled.withLock { $0 = true } }
    static let cancelled = Locked(false)

    /// How long to keep reading after the program exited, for output still in flight from programs it
    /// left running in the background (which may hold the pipes open for hours).
    static let drainGrace: UInt64 = 100_000_000

    /// Runs `argv` and waits for it.
    ///
    /// - Parameters:
    ///   - argv: the program and its arguments; `argv[0]` is a path (when it contains "/") or a name looked
    ///     up in PATH.
    ///   - base: the environment to start from (default: this process's).
    ///   - additions: variables set on top of `base`.
    ///   - input: bytes written to the program's stdin, which is then closed; nil gives it `/dev/null`.
    ///   - timeout: how long it may run before TERM, then KILL ``killGrace`` later.
    /// - Throws: ``SubprocessError`` when the program cannot be started; what happens after that is in
    ///   the result.
    public static func run(
        _ argv: [String], base: [String: String] = ProcessInfo.processInfo.environment,
        environment additions: [String: String] = [:], input: [UInt8]? = nil, timeout: Span
    ) throws(SubprocessError) -> SubprocessResult {
        guard let name = argv.first, !name.isEmpty else { throw .notFound("") }
        let environment = base.merging(additions) { _, new in new }
        let path = try resolve(name, searchPath: environment["PATH"])

        // SIGPIPE is blocked on this thread while we write to stdin, so a program that exits without
        // reading gives EPIPE instead of killing the daemon; a SIGPIPE raised meanwhile is consumed.
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var savedMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &savedMask)
        var pendingBefore = sigset_t()
        sigpending(&pendingBefore)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1, sigismember(&pendingBefore, SIGPIPE) == 0 {
                var zero = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&pipeSignal, nil, &zero)
            }
            pthread_sigmask(SIG_SETMASK, &savedMask, nil)
        }

        let stdoutPipe = try makePipe(name)
        let stderrPipe = try makePipe(name)
        let stdinPipe: (read: Int32, write: Int32)? = input == nil ? nil : try makePipe(name)
        let childEnds = [stdoutPipe.write, stderrPipe.write] + (stdinPipe.map { [$0.read] } ?? [])
        var parentEnds = [stdoutPipe.read, stderrPipe.read] + (stdinPipe.map { [$0.write] } ?? [])

        let pid: pid_t
        do {
            pid = try spawn(
                path, argv: argv, environment: environment, stdin: stdinPipe?.read, stdout: stdoutPipe.write,
                stderr: stderrPipe.write)
        } catch {
            for fd in childEnds + parentEnds { close(fd) }
            throw error
        }
        for fd in childEnds { close(fd) }
        for fd in parentEnds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        defer { for fd in parentEnds where fd >= 0 { close(fd) } }

        var out = Tail()
        var err = Tail()
        var pendingInput = input ?? []
        var written = 0
        var status: Int32 = 0
        var statusKnown = true
        var reapedAt: UInt64?
        var timedOut = false
        var killAt: UInt64?
        var killed = false
        let deadline = monotonicNow() &+ UInt64(max(0, timeout.microseconds)) &* 1000
        var idle: Int32 = 1  // poll timeout in ms: short at first, longer while nothing happens
        var buffer = [UInt8](repeating: 0, count: 16_384)

        while true {
            if reapedAt == nil {
                let r = waitpid(pid, &status, WNOHANG)
                if r == pid || (r < 0 && errno != EINTR) {
                    // ECHILD: someone else reaped it (SIGCHLD ignored); its status is lost.
                    statusKnown = r == pid
                    reapedAt = monotonicNow()
                    if timedOut, pid > 1 { _ = killpg(pid, SIGKILL) }  // what it left behind; the group only
                }
            }
            let now = monotonicNow()
            if let reaped = reapedAt {
                if (parentEnds[0] < 0 && parentEnds[1] < 0) || now &- reaped >= drainGrace { break }
            } else if !timedOut, now >= deadline || cancelled.withLock({ $0 }) {
                let grace = now >= deadline ? killGrace : Span(microseconds: 200_000)
                timedOut = true
                signalGroup(pid, SIGTERM)
                killAt = now &+ UInt64(grace.microseconds) * 1000
            } else if let k = killAt, !killed, now >= k {
                killed = true
                signalGroup(pid, SIGKILL)
            }

            var fds: [pollfd] = []
            if parentEnds[0] >= 0 { fds.append(pollfd(fd: parentEnds[0], events: Int16(POLLIN), revents: 0)) }
            if parentEnds[1] >= 0 { fds.append(pollfd(fd: parentEnds[1], events: Int16(POLLIN), revents: 0)) }
            if parentEnds.count > 2, parentEnds[2] >= 0 {
                fds.append(pollfd(fd: parentEnds[2], events: Int16(POLLOUT), revents: 0))
            }
            var wait = idle
            if reapedAt == nil, let next = timedOut ? (killed ? nil : killAt) : deadline {
                wait = min(wait, Int32(clamping: next > now ? (next - now) / 1_000_000 + 1 : 0))
            }
            let ready = poll(&fds, nfds_t(fds.count), wait)
            if ready <= 0 {
                idle = min(idle * 2, 50)
                continue
            }
            idle = 1
            for p in fds where p.revents != 0 {
                if p.fd == parentEnds[0] || p.fd == parentEnds[1] {
                    let n = read(p.fd, &buffer, buffer.count)
                    if n > 0 {
                        if p.fd == parentEnds[0] { out.append(buffer[0..<n]) } else { err.append(buffer[0..<n]) }
                    } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
                        let i = p.fd == parentEnds[0] ? 0 : 1
                        close(p.fd)
                        parentEnds[i] = -1
                    }
                } else {
                    let n = pendingInput.withUnsafeBytes { raw in
                        raw.baseAddress.map { write(p.fd, $0 + written, raw.count - written) } ?? 0
                    }
                    if n > 0 { written += n }
                    if written >= pendingInput.count || (n < 0 && errno != EAGAIN && errno != EINTR) {
                        close(p.fd)  // all written, or the program stopped reading (EPIPE): either way, EOF
                        parentEnds[2] = -1
                        pendingInput = []
                    }
                }
            }
        }

        let exited = status & 0x7f == 0
        let signaled = !exited && status & 0x7f != 0x7f
        return SubprocessResult(
            exitStatus: statusKnown && exited ? (status >> 8) & 0xff : nil,
            signal: statusKnown && signaled ? status & 0x7f : nil, timedOut: timedOut, standardOutput: out.text,
            standardError: err.text)
    }

    /// The path to run for `name`: itself when it contains "/", else the first executable file of that
    /// name in PATH (default `/usr/local/bin:/usr/bin:/bin`; empty entries are skipped, not ".").
    static func resolve(_ name: String, searchPath: String?) throws(SubprocessError) -> String {
        if name.contains("/") {
            guard access(name, F_OK) == 0 else {
                let code = errno
                throw code == ENOENT || code == ENOTDIR ? .notFound(name) : .launchFailed(name, errno: code)
            }
            return name
        }
        for dir in (searchPath ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            var info = stat()
            if stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        throw .notFound(name)
    }

    /// Starts the program in its own process group with clean signal state and only fds 0–2 open.
    private static func spawn(
        _ path: String, argv: [String], environment: [String: String], stdin: Int32?, stdout: Int32, stderr: Int32
    ) throws(SubprocessError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let fd = stdin {
            posix_spawn_file_actions_adddup2(&actions, fd, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        for fd in inheritableDescriptors() { posix_spawn_file_actions_addclose(&actions, fd) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in cArgv + cEnv { free(p) } }
        var pid: pid_t = 0
        var rc = posix_spawn(&pid, path, &actions, &attributes, cArgv, cEnv)
        // ETXTBSY: the program was just written, and a process forked meanwhile (by any thread) still holds
        // a copy of the writer's descriptor until it execs. That passes within moments: try again briefly.
        for _ in 0..<50 where rc == ETXTBSY {
            usleep(10_000)
            rc = posix_spawn(&pid, path, &actions, &attributes, cArgv, cEnv)
        }
        guard rc == 0 else { throw rc == ENOENT ? .notFound(path) : .launchFailed(path, errno: rc) }
        return pid
    }

    /// Our descriptors above 2 that an exec would not close: the spawn closes them in the child.
    private static func inheritableDescriptors() -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.compactMap { Int32($0) }.filter { fd in
            guard fd > 2 else { return false }
            let flags = fcntl(fd, F_GETFD)
            return flags >= 0 && flags & FD_CLOEXEC == 0
        }
    }

    /// A pipe whose both ends close on exec (the child gets its ends through dup2, which clears the flag).
    private static func makePipe(_ name: String) throws(SubprocessError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw .launchFailed(name, errno: errno) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    /// Sends a signal to the program's process group, or to the program alone if the group is gone.
    private static func signalGroup(_ pid: pid_t, _ signal: Int32) {
        guard pid > 1 else { return }  // 0 and -1 would mean our own group, or everyone
        if killpg(pid, signal) != 0 { _ = kill(pid, signal) }
    }

    /// CLOCK_MONOTONIC in nanoseconds.
    private static func monotonicNow() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// The last ``tailLimit`` bytes of a stream.
    private struct Tail {
        var bytes: [UInt8] = []
        var cut = false

        mutating func append(_ chunk: ArraySlice<UInt8>) {
            bytes.append(contentsOf: chunk)
            if bytes.count > 2 * tailLimit {
                bytes.removeFirst(bytes.count - tailLimit)
                cut = true
            }
        }

        /// The tail as text, starting at a whole UTF-8 character when the front was cut off.
        var text: String {
            var kept = bytes.suffix(tailLimit)
            if cut || bytes.count > tailLimit {
                while let b = kept.first, b & 0xC0 == 0x80 { kept.removeFirst() }
            }
            return String(decoding: kept, as: UTF8.self)
        }
    }
}

extension Subprocess {
    /// What the user's own programs (hooks, sendmail) get of nudge's environment: the user's session
    /// (PATH, HOME, USER, LOGNAME, TZ, LANG and LC_*, DISPLAY, WAYLAND_DISPLAY, DBUS_SESSION_BUS_ADDRESS,
    /// XDG_RUNTIME_DIR) and nothing else; in particular nothing of systemd's (NOTIFY_SOCKET, WATCHDOG_*,
    /// LISTEN_*, INVOCATION_ID, JOURNAL_STREAM), so a hook cannot speak to systemd as the daemon.
    public static func userEnvironment(_ from: [String: String] = ProcessInfo.processInfo.environment) -> [String:
        String]
    {
        let kept: Set<String> = [
            "PATH", "HOME", "USER", "LOGNAME", "TZ", "LANG", "LANGUAGE", "DISPLAY", "WAYLAND_DISPLAY",
            "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR",
        ]
        var env = from.filter { kept.contains($0.key) || $0.key.hasPrefix("LC_") }
        if env["PATH"] == nil { env["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        return env
    }
}

/// A value behind a lock.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R { try lock.withLock { try body(&value) } }
}
