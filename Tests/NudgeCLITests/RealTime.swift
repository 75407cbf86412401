import Foundation
import Testing

/// Runs each job of a task on a thread of its own.
final class ThreadPerJob: TaskExecutor {
    static let shared = ThreadPerJob()

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        Thread { job.runSynchronously(on: executor) }.start()
    }
}

/// For suites that wait on real time (a daemon's timer, a server, a screen): their tests run on threads of
/// their own instead of swift-testing's pool, which has one thread a core, so that a test waiting
/// seconds for a peer does not keep every other suite waiting too. `.serialized` still holds.
struct RealTime: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withTaskExecutorPreference(ThreadPerJob.shared) { try await function() }
    }
}

extension Trait where Self == RealTime {
    /// Tests that wait on real time run on threads of their own (see `RealTime`).
    static var realTime: RealTime { RealTime() }
}
