/// What `bizbench run` was asked to do.
public struct RunSettings: Equatable, Sendable {
    /// The server's Unix socket.
    public var socketPath: String
    /// The protocol the server speaks.
    public var benchProtocol: BenchProtocol
    /// Concurrent connections.
    public var connections = 50
    /// Requests each connection keeps outstanding.
    public var pipeline = 1
    /// Seconds measured.
    public var duration = 5.0
    /// Seconds run before measuring.
    public var warmup = 1.0
    /// Phones `0..<keys` are asked for.
    public var keys = 100_000
    /// How keys are drawn.
    public var distribution = KeyDistribution.uniform
    /// How Redis requests are written (ignored for the other protocols): by default a RESP
    /// array, as real clients send them.
    public var redisFormat = RedisRequestFormat.multibulk
    /// Print one JSON object instead of the human-readable block.
    public var json = false
    /// Poll epoll without sleeping: burns a core, but spares the wake-up latency of an idle
    /// CPU (tens of microseconds in a VM whose guests halt without polling).
    public var busyPoll = false

    /// Settings with the defaults for everything but the socket and protocol.
    public init(socketPath: String, benchProtocol: BenchProtocol) {
        self.socketPath = socketPath
        self.benchProtocol = benchProtocol
    }
}

/// What `bizbench fill` was asked to do.
public struct FillSettings: Equatable, Sendable {
    /// bizcached's socket, where the values come from.
    public var bizcachedSocket: String
    /// Redis's socket, if Redis is to be filled.
    public var redisSocket: String?
    /// memcached's socket, if memcached is to be filled. With neither, `fill` only GETs every
    /// phone from bizcached, which warms its cache.
    public var memcachedSocket: String?
    /// Phones `0..<keys` are filled.
    public var keys = 100_000
    /// Requests per pipelined batch.
    public var batchSize = 256

    /// Settings for `keys` phones in batches of 256.
    public init(bizcachedSocket: String, redisSocket: String?, memcachedSocket: String?) {
        self.bizcachedSocket = bizcachedSocket
        self.redisSocket = redisSocket
        self.memcachedSocket = memcachedSocket
    }
}

/// What `bizbench synth` was asked to do.
public struct SynthSettings: Equatable, Sendable {
    /// Redis's socket, if Redis is to be filled.
    public var redisSocket: String?
    /// memcached's socket, if memcached is to be filled.
    public var memcachedSocket: String?
    /// Phones `0..<keys` get a value.
    public var keys: Int
    /// The approximate size of each value in bytes.
    public var valueSize: Int
    /// Requests per pipelined batch.
    public var batchSize = 512

    /// Settings in batches of 512.
    public init(redisSocket: String?, memcachedSocket: String?, keys: Int, valueSize: Int) {
        self.redisSocket = redisSocket
        self.memcachedSocket = memcachedSocket
        self.keys = keys
        self.valueSize = valueSize
    }
}

/// What `bizbench propagation` was asked to do.
public struct PropagationSettings: Equatable, Sendable {
    /// The most benchmark businesses: their numbers come from a reserved range of 10,000.
    public static let maximumPhones = 10_000

    /// The sockets of the bizcached instances that must all answer each change.
    public var socketPaths: [String]
    /// Where the businesses are: a libpq connection string or a `postgres://` URI. Never
    /// printed (it may hold a password).
    public var databaseURL: String
    /// How many updates are committed and timed, one after another.
    public var updates = 1000
    /// How many benchmark businesses the updates go round.
    public var phones = 20
    /// Seconds after a commit by which every instance must answer the new value; an update
    /// that takes longer is counted as not propagated.
    public var timeout = 5.0
    /// Print one JSON object instead of the human-readable block.
    public var json = false

    /// Settings with the defaults for everything but the instances and the database.
    public init(socketPaths: [String], databaseURL: String) {
        self.socketPaths = socketPaths
        self.databaseURL = databaseURL
    }
}
