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
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        // OTLP/HTTP only: the gRPC exporter (and its build) stays off.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
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
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                "RESP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Engine layer: producer, consumer, retry scheduler, dead letters, scripts, policy hooks.
        // It names no job type, provider or service setting.
        .target(
            name: "JobEngine",
            dependencies: [
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                "RedisClient", "RESP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Observability: JSON log lines, PII/secret redaction, dead-letter alerts.
        .target(
            name: "Observability",
            dependencies: [
                "JobEngine", "OutboundHTTP",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Policies: per-user limits (Redis script), circuit breakers, the payload key ring (AES-256-GCM).
        .target(
            name: "Policies",
            dependencies: [
                "JobEngine", "RedisClient", "RESP", "Secrets", "ServiceModule",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Secrets: a secret setting from the environment, a `*_FILE` file or Vault KV v2.
        .target(
            name: "Secrets",
            dependencies: [
                "Observability", "OutboundHTTP", "SettingsModel",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The one outbound HTTP client (AsyncHTTPClient) every service shares, run as a Service.
        .target(
            name: "OutboundHTTP",
            dependencies: [
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Object storage for file processing: local files or S3-compatible (own SigV4 signer),
        // streamed between disk and the service through the shared outbound HTTP client.
        .target(
            name: "Storage",
            dependencies: [
                "OutboundHTTP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Settings: each setting declared once (name, type, default, help, secret), read from the
        // environment, a secrets directory and a settings file through swift-configuration.
        .target(
            name: "SettingsModel",
            dependencies: [.product(name: "Configuration", package: "swift-configuration")],
            swiftSettings: strict
        ),
        // The service module API: what a service declares (queues, job types, breakers, limit
        // actions, settings) and what it is given to build its handlers.
        .target(
            name: "ServiceModule",
            dependencies: [
                "JobEngine", "SettingsModel", "OutboundHTTP", "RedisClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Email protocol layer: SMTP replies, commands, MIME building; pure, no I/O.
        .target(
            name: "SMTPProtocol",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        // SMTP client on SwiftNIO: TLS/STARTTLS, AUTH, pipelining, a pool of reused connections.
        .target(
            name: "SMTPClient",
            dependencies: [
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                "SMTPProtocol",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Service: email (MIME, templates, SMTP/outbox), SMS and phone identity.
        .target(
            name: "Messaging",
            dependencies: [
                "JobEngine", "ServiceModule", "SettingsModel", "OutboundHTTP", "RedisClient", "RESP",
                "SMTPProtocol", "SMTPClient", "DomainLists", "Batching",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // DNS: message codec (pure, no I/O) and a stub resolver on SwiftNIO (UDP, TCP fallback).
        .target(
            name: "DNSClient",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Free-mail and disposable-mail domain lists, shared by Messaging and Verification.
        .target(
            name: "DomainLists",
            swiftSettings: strict
        ),
        // Request batching: callers submit items and await their own answers; items gather per key
        // until a size or a time window (injected clock) and go to a worker as one batch.
        .target(
            name: "Batching",
            dependencies: [.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: strict
        ),
        // The internal span around CPU work (images, OCR) that records a thrown error.
        .target(
            name: "SpanSupport",
            dependencies: [.product(name: "Tracing", package: "swift-distributed-tracing")],
            swiftSettings: strict
        ),
        // Service: identity verification (social accounts, company domains, document review).
        .target(
            name: "Verification",
            dependencies: [
                "JobEngine", "ServiceModule", "SettingsModel", "OutboundHTTP", "RedisClient", "RESP", "DNSClient", "DomainLists",
                "OCR", "Files", "Imaging", "Batching",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Virus scanning: a clamd client (INSTREAM framing and replies are pure, in Protocol/).
        .target(
            name: "ClamAV",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Files: intake of uploaded/fetched files (type sniffing, SSRF-safe fetch); the file jobs.
        .target(
            name: "Files",
            dependencies: [
                "OutboundHTTP", "JobEngine", "ServiceModule", "SettingsModel", "RedisClient", "RESP", "Storage", "ClamAV", "Imaging",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Service: the `canary` diagnostics job (smoke tests, benchmarks).
        .target(
            name: "Diagnostics",
            dependencies: ["JobEngine", "ServiceModule", "SettingsModel", "RedisClient", "RESP"],
            swiftSettings: strict
        ),
        // Tesseract's C API with leptonica (system libraries; pkg-config `tesseract` brings `lept`).
        .systemLibrary(name: "CTesseract", pkgConfig: "tesseract", providers: [.apt(["libtesseract-dev"])]),
        // OCR: tesseract engines (kor+eng) loaded once, one per core on dedicated threads.
        .target(
            name: "OCR",
            dependencies: [
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                "CTesseract", "SpanSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Server layer: HTTP (health, metrics, admin API, dashboard), heartbeat.
        .target(
            name: "WorkerServer",
            dependencies: [
                "JobEngine", "RedisClient", "RESP", "SettingsModel",
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
        // App layer: typed settings -> service modules -> one ServiceGroup (tested wiring).
        .target(
            name: "WorkerApp",
            dependencies: [
                "JobEngine", "RedisClient", "RESP", "WorkerServer", "ServiceModule", "SettingsModel", "OutboundHTTP",
                "Policies", "Secrets", "Observability", "Messaging", "Diagnostics", "Files", "Verification", "Telemetry",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The `blueprint` executable: ArgumentParser commands only.
        .executableTarget(
            name: "blueprint",
            dependencies: [
                "WorkerApp", "JobEngine", "RedisClient", "WorkerServer", "SettingsModel", "ServiceModule", "Observability",
                "Secrets", "Telemetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // libvips through a shim of non-variadic `static inline` wrappers (Swift cannot call C varargs).
        .systemLibrary(
            name: "CVips",
            path: "Sources/CVips",
            pkgConfig: "vips",
            providers: [.apt(["libvips-dev"])]
        ),
        // Images: header probe with a pixel guard, web variants (WebP/JPEG), PDF pages, grayscale
        // rendering for OCR; CPU work on a pool bounded to the cores.
        .target(
            name: "Imaging",
            dependencies: [
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                "CVips", "SpanSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Telemetry: OpenTelemetry tracing for `blueprint serve` (swift-otel, OTLP/HTTP) and its settings.
        // Only this target links the exporter; the other targets use the tracing API alone.
        .target(
            name: "Telemetry",
            dependencies: [
                "SettingsModel", "ServiceModule",
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
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
            dependencies: ["JobEngine", "Diagnostics", "RedisClient", "RESP"],
            path: "Benchmarks/bench-engine",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "bench-priority",
            dependencies: [
                "JobEngine", "RedisClient", "RESP", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Benchmarks/bench-priority",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "bench-policies",
            dependencies: ["JobEngine", "Policies", "Diagnostics", "RedisClient", "RESP"],
            path: "Benchmarks/bench-policies",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "bench-email",
            dependencies: [
                "SMTPClient", "SMTPProtocol", "Messaging", "JobEngine", "RedisClient", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/bench-email",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "bench-files",
            dependencies: ["Imaging", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/bench-files",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "bench-social",
            dependencies: [
                "Verification", "TestSupport", "OutboundHTTP", "RedisClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/bench-social",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "bench-ocr",
            dependencies: ["OCR"],
            path: "Benchmarks/bench-ocr",
            swiftSettings: strict
        ),
        // Decoder fuzz entry point: a corpus replayer normally, libFuzzer target with -DFUZZING.
        .executableTarget(
            name: "RESPFuzzer",
            dependencies: ["RESP", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        // What every test target shares: where the test servers are, waits with deadlines, private
        // redis-servers, certificates (a library, not a test target).
        .target(
            name: "TestSupport",
            dependencies: [
                "RedisClient", "OutboundHTTP", "ClamAV",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport",
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
                "TestSupport",
                "RedisClient", "RESP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RedisClusterTests",
            dependencies: [
                "TestSupport",
                "RedisClient", "RESP", "JobEngine",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MessagingTests",
            dependencies: [
                "TestSupport",
                "Messaging", "ServiceModule", "SettingsModel", "OutboundHTTP", "Policies",
                .product(name: "Hummingbird", package: "hummingbird"), "SMTPClient", "SMTPProtocol", "JobEngine", "RedisClient", "RESP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "OutboundHTTPTests",
            dependencies: [
                "TestSupport",
                "OutboundHTTP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: [
                "TestSupport",
                "Storage", "OutboundHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ClamAVTests",
            dependencies: [
                "TestSupport", "ClamAV",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FilesIntakeTests",
            dependencies: [
                "TestSupport", "Files", "OutboundHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FilesTests",
            dependencies: [
                "TestSupport", "Files", "Storage", "Imaging", "ClamAV", "JobEngine", "ServiceModule", "SettingsModel", "Policies",
                "RedisClient", "RESP", "OutboundHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
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
                "TestSupport",
                "WorkerServer", "SettingsModel", "JobEngine", "RedisClient", "RESP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ImagingTests",
            dependencies: [
                "Imaging", "CVips",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SettingsModelTests",
            dependencies: ["SettingsModel"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "JobEngineTests",
            dependencies: [
                "TestSupport",
                "JobEngine", "RedisClient", "RESP", "Policies", "Secrets", "Observability", "Diagnostics", "OutboundHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DNSClientTests",
            dependencies: [
                "TestSupport", "DNSClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VerificationDomainTests",
            dependencies: [
                "TestSupport", "Verification", "DNSClient", "DomainLists", "JobEngine", "RedisClient", "RESP",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
            .testTarget(
            name: "WorkerAppTests",
            dependencies: [
                "TestSupport",
                "WorkerApp", "WorkerServer", "ServiceModule", "SettingsModel", "JobEngine", "RedisClient", "RESP",
                "Messaging", "Diagnostics", "Policies", "Secrets", "Observability",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VerificationTests",
            dependencies: [
                "TestSupport",
                "Verification", "ServiceModule", "SettingsModel", "OutboundHTTP", "JobEngine", "RedisClient", "RESP", "OCR",
                "Files", "Imaging", "Storage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Scheduled (run_at / delay_ms) and periodic (cron) jobs: parser tables, plans, the real test Redis.
        .testTarget(
            name: "ScheduleTests",
            dependencies: [
                "TestSupport", "JobEngine", "RedisClient", "RESP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TracingTests",
            dependencies: [
                "TestSupport", "JobEngine", "RedisClient", "RESP", "Diagnostics", "Telemetry", "SettingsModel", "OutboundHTTP",
                "Imaging", "OCR", "SpanSupport",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The generic request batcher: its bookkeeping on plain values, windows on a stepped clock.
        .testTarget(
            name: "BatchingTests",
            dependencies: [
                "TestSupport", "Batching",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "OCRTests",
            dependencies: [
                "TestSupport", "OCR",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
    ]
)
