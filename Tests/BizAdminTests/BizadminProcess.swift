import BizTestSupport
import Foundation
import Glibc

/// A `bizadmin` started from the build, its output in a temporary file; killed, if still
/// running, with the value.
final class BizadminProcess {
    let process: ChildProcess
    private let outputPath: String

    /// Starts bizadmin with `arguments` on `databaseURL` and waits until `probe` gets
    /// an answer.
    init(_ arguments: [String], databaseURL: String, probe: () throws -> LoopbackHTTPClient.Response) throws {
        outputPath = NSTemporaryDirectory() + "bizadmin-\(UInt32.random(in: .min ... .max)).log"
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = databaseURL
        process = try ChildProcess(
            try BuildProducts.path(of: "bizadmin"), arguments, environment: environment, outputPath: outputPath)
        for _ in 0..<100 {
            if (try? probe()) != nil { return }
            usleep(50_000)
        }
        throw ChildProcess.Failure("bizadmin did not answer: \(process.output)")
    }

    deinit {
        if process.pid != nil {
            process.signal(SIGKILL)
            process.wait()
        }
        unlink(outputPath)
    }

    /// SIGTERM, then the exit status.
    func stop() -> Int32? {
        process.signal(SIGTERM)
        return process.wait(seconds: 10)
    }
}
