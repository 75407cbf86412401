// swift-tools-version:6.0
import PackageDescription

/// Our own code builds with warnings as errors; dependencies are left alone.
let strict: [SwiftSetting] = [.unsafeFlags(["-warnings-as-errors"])]

let package = Package(
    name: "nudge",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "nudge", targets: ["nudge"]),
        .library(name: "NudgeCore", targets: ["NudgeCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        // libcurl's header only: the library is loaded with dlopen when a sync runs.
        .target(name: "CCurl"),
        .target(
            name: "NudgeCore",
            dependencies: [
                "CSystemd",
                "CCurl",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "nudge",
            dependencies: [
                "NudgeCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "nudge-bench",
            dependencies: ["NudgeCore"],
            path: "bench/NudgeBench",
            swiftSettings: strict
        ),
        .testTarget(
            name: "NudgeCoreTests",
            dependencies: ["NudgeCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "NudgeCLITests",
            dependencies: ["NudgeCore", "nudge"],
            exclude: ["notification-server.py", "phone.py"],
            swiftSettings: strict
        ),
    ]
)
