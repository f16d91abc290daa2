// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "kefu",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kefu", targets: ["kefu"]),
        .library(name: "KefuCore", targets: ["KefuCore"]),
        .library(name: "KefuServer", targets: ["KefuServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // Pure domain: value types, rules, algorithms. No Vapor, no Fluent.
        .target(name: "KefuCore"),
        // Declarations of SQLite's C API as the SQLite driver's own copy names it (the message
        // writer's hot path calls it directly).
        .target(name: "CKefuSQLite"),
        // The Vapor application: configuration, routes, models, migrations, realtime, jobs.
        .target(
            name: "KefuServer",
            dependencies: [
                "KefuCore",
                "CKefuSQLite",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        // Thin executable: parses arguments and runs the application.
        .executableTarget(name: "kefu", dependencies: ["KefuServer"]),
        .testTarget(name: "KefuCoreTests", dependencies: ["KefuCore"], exclude: ["Knowledge/relevance.json"]),
        .testTarget(
            name: "KefuServerTests",
            dependencies: [
                "KefuServer",
                .product(name: "XCTVapor", package: "vapor"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
