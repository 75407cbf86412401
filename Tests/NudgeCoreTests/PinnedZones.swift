import Testing

@testable import NudgeCore

/// Runs a test (or every test of a suite) with the zone files of `Fixtures/zoneinfo` instead of the
/// system's: expected local times, offsets and abbreviations then hold whatever tzdata the machine has
/// installed (Debian's updates change far-future rules under recorded expectations).
struct PinnedZones: TestTrait, SuiteTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await ZoneDirectory.$current.withValue(CalendarFixture.zones) { try await function() }
    }
}

extension Trait where Self == PinnedZones {
    /// The zone data the fixtures were recorded with (tzdata 2025b), not the system's.
    static var pinnedZones: Self { PinnedZones() }
}
