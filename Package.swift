// swift-tools-version:6.1
import PackageDescription

/// kcache: a caching read-proxy for the Kubernetes API.
///
/// Module arrows point one way (see shared design): KubeAPI ← KubeUpstream, KubeCache ←
/// KubeSnapshot ← KubeProxy ← kcache. KubeSim imports KubeAPI and SwiftNIO only; it shares no
/// code with the cache, so every test that trusts it trusts an independent upstream.
let package = Package(
    name: "kcache",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kcache", targets: ["kcache"]),
        .executable(name: "kcache-bench", targets: ["kcache-bench"]),
        .executable(name: "kcache-fuzz", targets: ["kcache-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    ],
    targets: [
        // MARK: C shims
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        // glibc's posix_spawn_file_actions_addclosefrom_np, which Swift's Glibc module hides.
        .target(name: "CSpawn"),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),

        // MARK: Library modules
        .target(
            name: "KubeAPI",
            dependencies: [],
            swiftSettings: strict
        ),
        .target(
            name: "KubeUpstream",
            dependencies: [
                "KubeAPI", "CCurl", "CSpawn",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "KubeCache",
            dependencies: [
                "KubeAPI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HashTreeCollections", package: "swift-collections"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "KubeSnapshot",
            dependencies: [
                "KubeAPI", "KubeCache", "CSQLite",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "KubeProxy",
            dependencies: [
                "KubeAPI", "KubeUpstream", "KubeCache", "KubeSnapshot",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "KubeSim",
            dependencies: [
                "KubeAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // MARK: Executables
        .executableTarget(
            name: "kcache",
            dependencies: [
                "KubeAPI", "KubeUpstream", "KubeCache", "KubeSnapshot", "KubeProxy", "KubeSim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "kcache-bench",
            dependencies: [
                "KubeAPI", "KubeUpstream", "KubeCache", "KubeSnapshot", "KubeProxy", "KubeSim",
                "KubeTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // MARK: Test support and tests
        .target(
            name: "KubeTestSupport",
            dependencies: [
                "KubeAPI", "KubeSim", "KubeUpstream",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "KubeAPITests", dependencies: ["KubeAPI"], swiftSettings: strict),
        .testTarget(
            name: "KubeUpstreamTests",
            dependencies: ["KubeUpstream", "KubeSim", "KubeTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(name: "KubeCacheTests", dependencies: ["KubeCache", "KubeAPI"], swiftSettings: strict),
        .testTarget(
            name: "KubeSnapshotTests",
            dependencies: ["KubeSnapshot", "KubeCache", "KubeAPI"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KubeProxyTests",
            dependencies: [
                "KubeProxy", "KubeSim", "KubeTestSupport", "KubeCache", "KubeAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KubeSimTests",
            dependencies: ["KubeSim", "KubeAPI", "KubeTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "KubeSim", "KubeProxy", "KubeAPI", "KubeCache", "KubeSnapshot", "KubeUpstream", "KubeTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // MARK: Fuzzing (`make fuzz`; CI replays the corpora through FuzzCorpusTests)
        // The targets and their invariant checks; a plain library, built in every build.
        .target(
            name: "FuzzTargets",
            dependencies: [
                "KubeAPI", "KubeCache", "KubeProxy",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // libFuzzer's driver entry point, declared for `kcache-fuzz` built with `-DFUZZING`.
        .systemLibrary(name: "CLibFuzzer", path: "Sources/FuzzLibFuzzer"),
        // Replays inputs in a normal build; with `-DFUZZING -sanitize=fuzzer,address` (see
        // `make fuzz`) it is the libFuzzer binary.
        .executableTarget(
            name: "kcache-fuzz",
            dependencies: ["FuzzTargets", "CLibFuzzer"],
            path: "Sources/FuzzDriver",
            swiftSettings: strict
        ),
        .testTarget(
            name: "FuzzCorpusTests",
            dependencies: ["FuzzTargets", "KubeAPI", "KubeProxy", "KubeTestSupport", "KubeUpstream"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)

/// Settings for every target of ours: Swift 6 mode is set package-wide; these add the checks
/// that keep the code honest without changing its meaning.
var strict: [SwiftSetting] {
    [
        .enableUpcomingFeature("ExistentialAny"),
    ]
}
