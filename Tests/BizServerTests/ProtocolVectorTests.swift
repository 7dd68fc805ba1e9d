import BizClient
import BizCore
import Foundation
import Testing

/// Replays every exchange in protocol/vectors/ against a running daemon, twice: first with
/// cold caches, then with warm ones, since the tier that answers must not change the reply.
@Suite struct ProtocolVectorTests {
    static let directory = ServerFixture.repositoryRoot.appendingPathComponent("protocol/vectors")

    static var vectorNames: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".txt") }.sorted()
    }

    @Test func thereAreVectors() {
        #expect(Self.vectorNames.count >= 10)
    }

    @Test func everyVectorReplaysColdAndWarm() throws {
        let fixtureSQL = try String(contentsOf: Self.directory.appendingPathComponent("fixture.sql"), encoding: .utf8)
        let fixture = try ServerFixture(sql: fixtureSQL)
        for pass in ["cold", "warm"] {
            for name in Self.vectorNames {
                let text = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
                let steps = try ProtocolVector.parse(text)
                let client = try fixture.daemon.client()
                for (number, step) in steps.enumerated() {
                    let failure = try step.run(on: client)
                    #expect(failure == nil, "\(name) (\(pass)), step \(number + 1): \(failure ?? "")")
                    if failure != nil { break }
                }
            }
        }
    }
}

/// One line of a vector file (the format is in protocol/PROTOCOL.md, "Test vectors").
enum ProtocolVector {
    case send([UInt8])
    case expect(String)
    case expectPrefix(String)
    case expectClosed

    struct SyntaxError: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ text: String) throws -> [ProtocolVector] {
        var steps: [ProtocolVector] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") { continue }
            if line.hasPrefix(">> ") {
                let parts = line.dropFirst(3).split(separator: " ")
                guard parts.count == 2, let count = Int(parts[0]), parts[1].utf8.count == 1 else {
                    throw SyntaxError(description: "bad repeat line '\(line)'")
                }
                steps.append(.send(Array(repeating: parts[1].utf8.first!, count: count)))
            } else if line.hasPrefix(">") {
                steps.append(.send(try unescape(line.dropFirst(line.hasPrefix("> ") ? 2 : 1)) + [0x0A]))
            } else if line.hasPrefix("<^ ") {
                steps.append(.expectPrefix(String(line.dropFirst(3))))
            } else if line == "<closed" {
                steps.append(.expectClosed)
            } else if line.hasPrefix("< ") {
                steps.append(.expect(String(line.dropFirst(2))))
            } else if !line.allSatisfy(\.isWhitespace) {
                throw SyntaxError(description: "unknown line '\(line)'")
            }
        }
        return steps
    }

    private static func unescape(_ text: Substring) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            guard byte == UInt8(ascii: "\\") else {
                bytes.append(byte)
                continue
            }
            switch input.popFirst() {
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "x"):
                guard input.count >= 2, let value = UInt8(String(decoding: input.prefix(2), as: UTF8.self), radix: 16)
                else { throw SyntaxError(description: "bad \\x escape in '\(text)'") }
                bytes.append(value)
                input = input.dropFirst(2)
            default:
                throw SyntaxError(description: "unknown escape in '\(text)'")
            }
        }
        return bytes
    }

    /// Performs the step; returns what went wrong, or nil.
    func run(on client: BizcachedClient) throws -> String? {
        switch self {
        case .send(let bytes):
            try client.sendRaw(bytes)
            return nil
        case .expect(let wanted):
            let line = try client.readLine()
            return line == wanted ? nil : "expected '\(wanted)', got '\(line)'"
        case .expectPrefix(let prefix):
            let line = try client.readLine()
            return line.hasPrefix(prefix) ? nil : "expected a line starting '\(prefix)', got '\(line)'"
        case .expectClosed:
            return client.readsEndOfFile() ? nil : "expected the server to close the connection"
        }
    }
}
