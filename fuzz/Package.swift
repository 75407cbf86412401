// swift-tools-version:6.0
// A libFuzzer target for the config loader; see README.md. Separate from the root package so that its
// build flags (-sanitize=fuzzer) never reach the real build.
import PackageDescription

let package = Package(
    name: "nudge-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        // A path dependency is named after its folder (the clone's name); `name:` makes it "nudge" everywhere.
        .package(name: "nudge", path: "..")
    ],
    targets: [
        .executableTarget(
            name: "ConfigFuzz",
            dependencies: [.product(name: "NudgeCore", package: "nudge")],
            path: "ConfigFuzz",
            // libFuzzer supplies `main`; ConfigFuzz.swift explains how SwiftPM's renamed entry point is met.
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    ]
)
