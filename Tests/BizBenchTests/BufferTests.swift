@testable import BizBench
import Testing

@Suite struct BufferTests {
    @Test("A byte buffer appends, consumes, compacts and grows")
    func byteBuffer() {
        var buffer = ByteBuffer(capacity: 64)
        let bytes = [UInt8](0..<50)
        buffer.append(bytes)
        #expect(buffer.readableCount == 50)
        buffer.consume(40)
        #expect(Array(buffer.readable) == Array(40..<50))
        buffer.reserve(60)  // compacts: 10 unread bytes move to the front
        #expect(buffer.writableCount >= 60)
        #expect(Array(buffer.readable) == Array(40..<50))
        buffer.append([UInt8](repeating: 7, count: 500))  // grows
        #expect(buffer.readableCount == 510)
        #expect(Array(buffer.readable.prefix(10)) == Array(40..<50))
        buffer.consume(510)
        #expect(buffer.readableCount == 0)
        #expect(buffer.writableCount == buffer.capacity)
    }

    @Test("Pending requests come back oldest first, around the ring")
    func pendingRing() {
        var pending = PendingRequests(capacity: 3)
        #expect(pending.capacity == 4)
        #expect(pending.popFirst() == nil)
        var next = 0
        var expected = 0
        for round in 0..<10 {
            while pending.count < 3 {
                pending.push(key: next, time: UInt64(next * 10))
                next += 1
            }
            for _ in 0...(round % 3) {
                let request = pending.popFirst()
                #expect(request?.key == expected)
                #expect(request?.time == UInt64(expected * 10))
                expected += 1
            }
        }
        pending.removeAll()
        #expect(pending.count == 0)
    }
}
