import BizClient
import BizCore
import BizSystem
import Dispatch
import Foundation
import Synchronization
import Testing

/// Pipelined requests keep their order; many connections at once all get their own answers.
@Suite struct ConcurrencyTests {
    @Test func thousandPipelinedRequestsComeBackInOrder() throws {
        let fixture = try ServerFixture()
        var ids: [String: String] = [:]
        for number in 0..<20 {
            let phone = "+1555020\(String(format: "%04d", number))"
            ids[phone] = try fixture.insertBusiness(name: "Pipelined \(number)", publicPhone: phone)
        }
        // A mix of L1 hits, backend misses, not-found numbers, errors and PINGs.
        var requests: [String] = []
        var expected: [(String) -> Bool] = []
        for index in 0..<1000 {
            switch index % 5 {
            case 0, 1:
                let phone = "+1555020\(String(format: "%04d", index % 20))"
                requests.append("GET \(phone)")
                let id = ids[phone]!
                expected.append { $0.hasPrefix("OK {\"id\":\"\(id)\"") }
            case 2:
                requests.append("GET +1555030\(String(format: "%04d", index))")
                expected.append { $0 == "NOTFOUND" }
            case 3:
                requests.append("PING")
                expected.append { $0 == "PONG" }
            default:
                requests.append("GET not-a-phone-\(index)")
                expected.append { $0.hasPrefix("ERR BADPHONE") }
            }
        }
        let client = try fixture.daemon.client()
        try client.sendRaw(Array(requests.map { $0 + "\n" }.joined().utf8))
        for index in 0..<1000 {
            let line = try client.readLine()
            #expect(expected[index](line), "reply \(index) to '\(requests[index])' was '\(line.prefix(80))'")
        }
    }

    @Test func holdsAThousandOpenConnections() throws {
        ResourceLimits.raiseOpenFileLimit()
        let fixture = try ServerFixture(withRedis: false)
        try fixture.insertBusiness(name: "Thousand", publicPhone: "+15550100060")
        let clients = try (0..<1000).map { _ in try fixture.daemon.client() }
        for client in clients {
            try client.sendRaw(Array("GET 5550100060\n".utf8))
        }
        for (index, client) in clients.enumerated() {
            let line = try client.readLine()
            #expect(line.contains("\"Thousand\""), "connection \(index): \(line.prefix(60))")
        }
        #expect(try clients[0].request("STATS") != .notFound)
        #expect(try fixture.daemon.stats()["connections"] as? Int == 1001)
    }

    @Test func twoHundredConcurrentConnectionsEachGetTheirOwnAnswers() throws {
        let fixture = try ServerFixture()
        var ids: [String] = []
        for number in 0..<50 {
            ids.append(try fixture.insertBusiness(name: "Concurrent \(number)", publicPhone: "+1555040\(String(format: "%04d", number))"))
        }
        let socketPath = fixture.daemon.socketPath
        let businessIDs = ids
        let failures = Mutex<[String]>([])
        // Open all 200 first, so they really are concurrent, then let each run its lookups.
        let clients = try (0..<200).map { _ in try BizcachedClient(socketPath: socketPath, timeout: 20) }
        let shared = UncheckedBox(clients)
        DispatchQueue.concurrentPerform(iterations: 200) { index in
            let client = shared.value[index]
            for round in 0..<10 {
                let number = (index + round * 7) % 50
                do {
                    let reply = try client.request("GET +1555040\(String(format: "%04d", number))")
                    guard case .ok(let json?) = reply, json.hasPrefix("{\"id\":\"\(businessIDs[number])\"") else {
                        failures.withLock { $0.append("connection \(index) round \(round): \(reply)") }
                        return
                    }
                } catch {
                    failures.withLock { $0.append("connection \(index) round \(round): \(error)") }
                    return
                }
            }
        }
        #expect(failures.withLock { $0 } == [])
        #expect(try fixture.daemon.stats()["connections"] as? Int == 201)
    }
}
