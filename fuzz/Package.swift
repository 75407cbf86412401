// swift-tools-version:6.0
// libFuzzer targets for the config loader and the time parsers; see README.md. Separate from the root package
// so that their build flags (-sanitize=fuzzer) never reach the real build.
import PackageDescription

/// One executable per target; libFuzzer supplies `main` (FuzzDriver.swift explains how SwiftPM's renamed
/// entry point is met).
func fuzzTarget(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzDriver", .product(name: "NudgeCore", package: "nudge")],
        path: name,
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    )
}

let package = Package(
    name: "nudge-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        // A path dependency is named after its folder (the clone's name); `name:` makes it "nudge" everywhere.
        .package(name: "nudge", path: "..")
    ],
    targets: [.target(name: "FuzzDriver", path: "FuzzDriver")]
        + ["ConfigFuzz", "CalendarFuzz", "SpanFuzz", "MomentFuzz"].map(fuzzTarget)
)
