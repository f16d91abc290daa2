#!/usr/bin/env bash
# Knowledge search benchmark: builds a throw-away SwiftPM package in /tmp whose KefuCore
# target is this repository's Sources/KefuCore (symlinked), and runs bench/search/main.swift
# in release mode. Does not touch the repository's own .build.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${KEFU_SEARCH_BENCH_DIR:-/tmp/kefu-search-bench}"

mkdir -p "$work/Sources/SearchBench"
ln -sfn "$repo/Sources/KefuCore" "$work/Sources/KefuCore"
cp "$repo/bench/search/main.swift" "$work/Sources/SearchBench/main.swift"
cat > "$work/Package.swift" <<'SWIFT'
// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "kefu-search-bench",
    targets: [
        .target(name: "KefuCore"),
        .executableTarget(name: "SearchBench", dependencies: ["KefuCore"]),
    ],
    swiftLanguageModes: [.v6]
)
SWIFT

echo "machine: $(nproc) cores; $(free -h | awk '/^Mem:/ {print $2 " memory, " $7 " available"}')"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "swift: $(swift --version 2>&1 | head -1)"
cd "$work"
swift build -c release --product SearchBench 2>&1 | tail -1
"$work/.build/release/SearchBench" "$repo"
