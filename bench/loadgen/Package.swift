// swift-tools-version:6.0
import PackageDescription

// The chat benchmark's load generator, compiled (bench/chat_load.py starts it): its own
// package so that the product's build and CI never pay for it.
let package = Package(
    name: "kefu-loadgen",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/vapor/websocket-kit.git", from: "2.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "kefu-loadgen",
            dependencies: [
                .product(name: "WebSocketKit", package: "websocket-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: [.unsafeFlags(["-Ounchecked"])]
        ),
    ],
    swiftLanguageModes: [.v5]
)
