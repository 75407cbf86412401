import Dispatch
import Foundation

/// What the daemon reads the time from and sleeps on: the wall clock, or a test's.
public protocol DaemonClock: AnyObject, Sendable {
    var now: Instant { get }
    /// Calls `fire` on `queue` at `deadline` (nil: never), in place of the wake-up armed before.
    func wake(at deadline: Instant?, on queue: DispatchQueue, _ fire: @escaping @Sendable () -> Void)
    /// Whether setting the system clock concerns it (the daemon then watches for that).
    var isWallClock: Bool { get }
}

/// The real clock: one wall-clock Dispatch timer (wall time keeps counting through suspend).
public final class WallClock: DaemonClock, @unchecked Sendable {
    private var timer: DispatchSourceTimer?
    private let lock = NSLock()

    public init() {}

    public var now: Instant { .now }
    public var isWallClock: Bool { true }

    public func wake(at deadline: Instant?, on queue: DispatchQueue, _ fire: @escaping @Sendable () -> Void) {
        let t = DispatchSource.makeTimerSource(queue: queue)
        if let deadline {
            let us = max(deadline.microseconds, Instant.now.microseconds)
            let ts = timespec(tv_sec: Int(us / 1_000_000), tv_nsec: Int(us % 1_000_000) * 1000)
            t.schedule(wallDeadline: DispatchWallTime(timespec: ts), leeway: .milliseconds(1))
        } else {
            t.schedule(wallDeadline: .distantFuture)
        }
        t.setEventHandler(handler: fire)
        t.resume()
        lock.withLock {
            timer?.cancel()
            timer = t
        }
    }
}
