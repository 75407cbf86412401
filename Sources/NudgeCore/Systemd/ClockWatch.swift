import CSystemd
import Dispatch
import Foundation

/// Reports when the wall clock is set, forwards or backwards: a timerfd armed far ahead with
/// TFD_TIMER_CANCEL_ON_SET becomes readable (ECANCELED) at that moment.
final class ClockWatch {
    private let source: DispatchSourceRead

    /// Starts watching; nil when timerfd is unavailable.
    init?(queue: DispatchQueue, onSet: @escaping () -> Void) {
        let fd = timerfd_create(CLOCK_REALTIME, Int32(TFD_NONBLOCK | TFD_CLOEXEC))
        guard fd >= 0 else { return nil }
        func arm() {
            var spec = itimerspec()
            spec.it_value.tv_sec = Self.farFuture(now: Int64(time(nil)))
            let flags = Int32(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)
            _ = timerfd_settime(fd, flags, &spec, nil)
        }
        arm()
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler {
            var expirations: UInt64 = 0
            _ = read(fd, &expirations, 8)
            arm()
            onSet()
        }
        source.setCancelHandler { close(fd) }
        source.resume()
    }

    deinit {
        source.cancel()
    }

    /// When the watching timer is set to expire: a century from now, so it never does (armed at a fixed
    /// 2038 instead, it would fire at once from then on and wake the daemon in a loop).
    static func farFuture(now: Int64) -> Int {
        Int(now + 100 * 31_557_600)
    }
}
