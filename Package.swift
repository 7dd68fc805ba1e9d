// swift-tools-version:6.0
import PackageDescription

// Layers, dependencies pointing down only:
//   executables (bizcached, bizctl)  →  BizServer, BizClient
//   adapters (BizSystem, BizRedis, BizPostgres, BizHTTP)  →  BizCore + one C shim each
//     (BizHTTP also takes BizSystem's Unix socket listener)
//   BizCore: pure logic, no I/O
let package = Package(
    name: "bizcached",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bizcached", targets: ["bizcached"]),
        .executable(name: "bizctl", targets: ["bizctl"]),
        .executable(name: "bizbench", targets: ["bizbench"]),
        .executable(name: "bizqueue", targets: ["bizqueue"]),
        .executable(name: "biz10dlc", targets: ["biz10dlc"]),
        .executable(name: "bizadmin", targets: ["bizadmin"]),
        .library(name: "BizAdmin", targets: ["BizAdmin"]),
    ],
    targets: [
        // C shims: a modulemap and one header each, nothing else.
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CLibpq", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),

        // Core: phone numbers, the line protocol, the LRU, configuration. No I/O.
        .target(
            name: "BizCore",
            // The LRU and the parsers are generic; this lets the server's modules specialize
            // them instead of calling through witness tables on every request.
            swiftSettings: [.unsafeFlags(["-cross-module-optimization"])]
        ),

        // Adapters: each owns its C handles and speaks typed Swift upward.
        .target(name: "BizSystem", dependencies: ["CLinux", "BizCore"]),
        .target(name: "BizRedis", dependencies: ["CHiredis", "BizCore"]),
        // HTTP on loopback through GNU libmicrohttpd: /metrics now, the admin pages later.
        // Its own target, so that only the programs that serve HTTP link the library.
        .target(name: "BizHTTP", dependencies: ["CMicroHTTPD", "BizCore", "BizSystem"]),
        // Twilio's REST API over Foundation's URLSession.
        .target(name: "BizTwilio", dependencies: ["BizCore"]),
        .target(
            name: "BizPostgres",
            dependencies: ["CLibpq", "BizCore"],
            plugins: ["EmbedMigrations"]
        ),

        // Services.
        .target(name: "BizServer", dependencies: ["BizCore", "BizSystem", "BizRedis", "BizPostgres"]),
        // The SMS queue: sms_queue in PostgreSQL, and the worker that sends through Twilio.
        .target(name: "BizQueue", dependencies: ["BizCore", "BizSystem", "BizPostgres", "BizTwilio"]),
        .executableTarget(name: "bizqueue", dependencies: ["BizQueue", "BizCore", "BizPostgres", "BizSystem", "BizHTTP"]),
        // A2P 10DLC: which business numbers may send, recorded nightly.
        .target(name: "BizCompliance", dependencies: ["BizCore", "BizSystem", "BizPostgres", "BizTwilio"]),
        .executableTarget(name: "biz10dlc", dependencies: ["BizCompliance", "BizCore", "BizPostgres", "BizSystem", "BizTwilio"]),
        .target(name: "BizClient", dependencies: ["BizCore", "BizSystem"]),
        // The admin web pages: sessions, routes and HTML, each person signed in as their own
        // PostgreSQL role; bizadmin serves them on loopback.
        .target(name: "BizAdmin", dependencies: ["BizCore", "BizPostgres", "BizHTTP", "BizSystem"]),
        .executableTarget(name: "bizadmin", dependencies: ["BizAdmin", "BizCore", "BizHTTP", "BizSystem"]),

        // Executables: parse arguments, wire parts together.
        .executableTarget(name: "bizcached", dependencies: ["BizServer", "BizSystem", "BizCore", "BizPostgres", "BizHTTP"]),
        .executableTarget(name: "bizctl", dependencies: ["BizClient", "BizPostgres", "BizSystem", "BizCore"]),

        // Load generator: the logic in BizBench, argument parsing and wiring in bizbench.
        // BizPostgres: `propagation` commits changes to businesses itself.
        .target(name: "BizBench", dependencies: ["BizCore", "BizSystem", "BizPostgres"]),
        .executableTarget(name: "bizbench", dependencies: ["BizBench", "BizCore", "BizSystem"]),

        // Build tooling: SQL migrations under migrations/ are compiled into BizPostgres.
        .executableTarget(name: "embed-migrations", path: "Plugins/EmbedMigrationsTool"),
        .plugin(
            name: "EmbedMigrations",
            capability: .buildTool(),
            dependencies: ["embed-migrations"]
        ),

        // Tests mirror Sources/.
        .target(
            name: "BizTestSupport",
            dependencies: ["BizCore", "BizSystem", "BizRedis", "BizPostgres", "BizClient"],
            path: "Tests/BizTestSupport"
        ),
        .testTarget(name: "BizCoreTests", dependencies: ["BizCore"]),
        .testTarget(name: "BizBenchTests", dependencies: ["BizBench", "BizCore"]),
        .testTarget(name: "BizRedisTests", dependencies: ["BizRedis", "BizTestSupport"]),
        .testTarget(name: "BizPostgresTests", dependencies: ["BizPostgres", "BizTestSupport"]),
        .testTarget(name: "BizHTTPTests", dependencies: ["BizHTTP", "BizCore", "BizTestSupport"]),
        .testTarget(name: "BizTwilioTests", dependencies: ["BizTwilio", "BizCore", "BizTestSupport"]),
        .testTarget(name: "BizComplianceTests", dependencies: ["BizCompliance", "BizClient", "BizPostgres", "BizTestSupport", "biz10dlc", "bizcached"]),
        // bizcached and bizctl: the browser walkthrough checks that an edit reaches the daemon.
        // Browser/ holds that walkthrough's Selenium script, run with python3.
        .testTarget(
            name: "BizAdminTests",
            dependencies: ["BizAdmin", "BizCore", "BizHTTP", "BizPostgres", "BizTestSupport", "bizadmin", "bizcached", "bizctl"],
            exclude: ["Browser"]
        ),
        .testTarget(name: "BizQueueTests", dependencies: ["BizQueue", "BizPostgres", "BizTestSupport", "bizqueue"]),
        // Tests only: systemd's MemoryDenyWriteExecute= seccomp filter, for SystemdUnitTests.
        .systemLibrary(name: "CSeccomp", path: "Tests/CSeccomp"),
        .testTarget(
            name: "BizServerTests",
            // bizqueue, biz10dlc and bizadmin: the systemd units name them (SystemdUnitTests).
            dependencies: [
                "BizServer", "BizClient", "BizBench", "BizTestSupport", "CSeccomp", "bizcached", "bizctl", "bizbench",
                "bizqueue", "biz10dlc", "bizadmin",
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
