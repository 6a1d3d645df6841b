// swift-tools-version: 6.2
import PackageDescription

/// Our own targets treat every warning as an error (dependencies are not affected).
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "blueprint-worker",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "blueprint", targets: ["blueprint"]),
        .library(name: "RESP", targets: ["RESP"]),
        .library(name: "RedisClient", targets: ["RedisClient"]),
        .library(name: "JobEngine", targets: ["JobEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        // Protocol layer: pure RESP3, no I/O.
        .target(
            name: "RESP",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        // Redis layer: connections, pool, pipelining, scripts.
        .target(
            name: "RedisClient",
            dependencies: [
                "RESP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Engine layer: producer, consumer, retries, dead letters.
        .target(
            name: "JobEngine",
            dependencies: [
                "RedisClient", "RESP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Email protocol layer: SMTP replies, commands, MIME building; pure, no I/O.
        .target(
            name: "SMTPProtocol",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        // Services layer: email (MIME, templates, SMTP/outbox) and SMS job handlers.
        .target(
            name: "Messaging",
            dependencies: [
                "JobEngine", "RedisClient", "RESP", "SMTPProtocol", "SMTPClient",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // SMTP client on SwiftNIO: TLS/STARTTLS, AUTH, pipelining, a pool of reused connections.
        .target(
            name: "SMTPClient",
            dependencies: [
                "SMTPProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Server layer: configuration loading, HTTP (health, metrics, admin API, dashboard), heartbeat.
        .target(
            name: "WorkerServer",
            dependencies: [
                "JobEngine", "RedisClient", "RESP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "blueprint",
            dependencies: [
                "JobEngine",
                "RedisClient",
                "WorkerServer",
                "Messaging", "SMTPClient", "SMTPProtocol",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Benchmark programs (not tests): print figures for scripts to compare.
        .executableTarget(
            name: "bench-redis",
            dependencies: ["RedisClient", "RESP", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/bench-redis",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "bench-engine",
            dependencies: ["JobEngine", "RedisClient", "RESP"],
            path: "Benchmarks/bench-engine",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "bench-policies",
            dependencies: ["JobEngine", "RedisClient", "RESP"],
            path: "Benchmarks/bench-policies",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "bench-email",
            dependencies: ["SMTPClient", "SMTPProtocol", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/bench-email",
            swiftSettings: strict
        ),
        // Decoder fuzz entry point: a corpus replayer normally, libFuzzer target with -DFUZZING.
        .executableTarget(
            name: "RESPFuzzer",
            dependencies: ["RESP", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RESPTests",
            dependencies: ["RESP", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RedisClientTests",
            dependencies: [
                "RedisClient", "RESP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MessagingTests",
            dependencies: [
                "Messaging", "SMTPClient", "SMTPProtocol", "JobEngine", "RedisClient", "RESP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SMTPProtocolTests",
            dependencies: ["SMTPProtocol", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WorkerServerTests",
            dependencies: [
                "WorkerServer", "JobEngine", "RedisClient", "RESP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "JobEngineTests",
            dependencies: [
                "JobEngine", "RedisClient", "RESP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
    ]
)
