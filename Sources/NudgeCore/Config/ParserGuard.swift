import CTOML
import Foundation

/// Runs TOMLKit's parser on a text in a forked child first, because its C++ core (toml++ 3.4.0) aborts
/// or overflows its stack on some malformed inputs instead of reporting an error. No input may crash
/// the loader: when the child dies, the text is not parsed in this process.
enum ParserGuard {
    /// One parse in a forked child, started at once; the caller may do other work before asking how
    /// it went (the reader builds its locator meanwhile, on the other core).
    final class Trial {
        private var pid: pid_t = -1
        private var outcome: Bool?
        /// Why no child could be started (the text is then not parsed at all), or nil.
        private(set) var cannotStart: String?
        private let previous: (@convention(c) (Int32) -> Void)?

        init(_ text: String) {
            // Everything the child needs is prepared here: after fork it runs only C and C++ code, so no
            // lock held by another thread of the parent (the Swift runtime's, Dispatch's) can stop it.
            let bytes = Array(text.utf8CString)
            let error = UnsafeMutablePointer<CTOMLParseError>.allocate(capacity: 1)
            defer { error.deallocate() }
            let devNull = open("/dev/null", O_WRONLY)
            defer { if devNull >= 0 { close(devNull) } }
            // An inherited "ignore SIGCHLD" would make the child's status unreadable.
            previous = signal(SIGCHLD, SIG_DFL)
            pid = bytes.withUnsafeBufferPointer { buffer -> pid_t in
                let child = fork()
                if child == 0 {
                    if devNull >= 0 { dup2(devNull, STDERR_FILENO) }
                    if let base = buffer.baseAddress { _ = tableCreateFromString(base, error) }
                    _exit(0)
                }
                return child
            }
            if pid < 0 {
                // Fails closed: without a child to try it in, the text is not parsed in this process.
                cannotStart = String(cString: strerror(errno))
                finish(false)
            }
        }

        deinit {
            if outcome == nil {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                _ = waitpid(pid, &status, 0)
                signal(SIGCHLD, previous)
            }
        }

        private func finish(_ survived: Bool) {
            outcome = survived
            signal(SIGCHLD, previous)
        }

        /// Whether the parse returned (with or without an error) rather than killing the child; waits for
        /// it, at most `timeout` seconds.
        func survived(timeout: Double = 10) -> Bool {
            if let outcome { return outcome }
            var status: Int32 = 0
            let end = Date().addingTimeInterval(timeout)
            while true {
                let r = waitpid(pid, &status, WNOHANG)
                if r == pid { break }
                if r < 0 {
                    finish(false)
                    return false
                }
                if Date() > end {
                    kill(pid, SIGKILL)
                    _ = waitpid(pid, &status, 0)
                    finish(false)
                    return false
                }
                usleep(500)
            }
            // Exited normally with status 0: WIFEXITED and WEXITSTATUS, spelled out for Swift.
            finish(status & 0x7f == 0 && (status >> 8) & 0xff == 0)
            return outcome ?? false
        }
    }

    /// Whether parsing `text` returns (with or without an error) rather than killing the process.
    static func survives(_ text: String, timeout: Double = 10) -> Bool {
        Trial(text).survived(timeout: timeout)
    }

    /// The first line whose text, up to and including it, kills the parser (a bisection over lines);
    /// `trial` is a parse of the whole text already started.
    static func fatalLine(_ text: String, trial: Trial? = nil) -> Int? {
        guard !(trial ?? Trial(text)).survived() else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var lo = 1
        var hi = lines.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if survives(lines[0..<mid].joined(separator: "\n") + "\n") { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
