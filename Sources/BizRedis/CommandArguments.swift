/// A command's arguments laid out for hiredis's `argc`/`argv`/`argvlen` calls.
///
/// All arguments are copied into one contiguous buffer, so a single pointer set stays valid
/// for the duration of `withArgv`. Lengths are explicit, so arguments may hold any byte.
struct CommandArguments {
    private var bytes: [UInt8]
    private let lengths: [Int]

    init(_ arguments: [[UInt8]]) {
        precondition(!arguments.isEmpty, "a Redis command needs at least its name")
        lengths = arguments.map(\.count)
        bytes = Array(arguments.joined())
        bytes.append(0) // never empty, so the buffer always has a base address
    }

    /// Calls `body` with `argc`, `argv` and `argvlen` as hiredis expects them.
    func withArgv<R>(
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int>?) -> R
    ) -> R {
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self)
            var offset = 0
            var pointers: [UnsafePointer<CChar>?] = lengths.map { length in
                defer { offset += length }
                return base.map { $0 + offset }
            }
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { argvlen in
                    body(Int32(lengths.count), argv.baseAddress, argvlen.baseAddress)
                }
            }
        }
    }
}
