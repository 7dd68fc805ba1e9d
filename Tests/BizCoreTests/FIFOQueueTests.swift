import BizCore
import Testing

@Suite struct FIFOQueueTests {
    @Test("A new queue is empty")
    func empty() {
        var queue = FIFOQueue<Int>()
        #expect(queue.isEmpty)
        #expect(queue.count == 0)
        #expect(queue.first == nil)
        #expect(queue.popFirst() == nil)
        #expect(queue.isEmpty)
    }

    @Test("Elements come out in the order they went in")
    func order() {
        var queue = FIFOQueue<String>()
        queue.append("a")
        queue.append("b")
        queue.append("c")
        #expect(queue.count == 3)
        #expect(!queue.isEmpty)
        #expect(queue.first == "a")
        #expect(queue.popFirst() == "a")
        #expect(queue.first == "b")
        queue.append("d")
        #expect(queue.popFirst() == "b")
        #expect(queue.popFirst() == "c")
        #expect(queue.popFirst() == "d")
        #expect(queue.popFirst() == nil)
        #expect(queue.isEmpty)
        queue.append("e")
        #expect(queue.first == "e")
        #expect(queue.count == 1)
    }

    @Test("The subscript counts from the front and can replace elements")
    func subscripting() {
        var queue = FIFOQueue<Int>()
        for value in 0..<5 { queue.append(value) }
        _ = queue.popFirst()
        _ = queue.popFirst()
        #expect(queue[0] == 2)
        #expect(queue[2] == 4)
        queue[1] = 33
        #expect(queue.popFirst() == 2)
        #expect(queue.popFirst() == 33)
        #expect(queue[0] == 4)
        queue[0] = 44
        #expect(queue.first == 44)
    }

    @Test("Offsets stay right across the internal compaction")
    func compaction() {
        var queue = FIFOQueue<Int>()
        for value in 0..<3_000 { queue.append(value) }
        for expected in 0..<2_000 {
            guard queue.popFirst() == expected else {
                Issue.record("wrong element at \(expected)")
                return
            }
        }
        #expect(queue.count == 1_000)
        #expect(queue.first == 2_000)
        #expect(queue[0] == 2_000)
        #expect(queue[999] == 2_999)
        queue[500] = -1
        queue.append(3_000)
        var rest: [Int] = []
        while let value = queue.popFirst() { rest.append(value) }
        #expect(rest == Array(2_000..<2_500) + [-1] + Array(2_501...3_000))
        #expect(queue.isEmpty)
        #expect(queue.count == 0)
    }

    @Test("Random appends, pops and replacements agree with an array", arguments: [1 as UInt64, 2, 3])
    func randomized(_ seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var queue = FIFOQueue<Int>()
        var model: [Int] = []
        var disagreements = 0
        for step in 0..<30_000 {
            switch Int.random(in: 0..<10, using: &generator) {
            case 0..<5:
                // Appends come in bursts so the queue grows past the compaction threshold.
                for offset in 0..<Int.random(in: 1...8, using: &generator) {
                    queue.append(step * 10 + offset)
                    model.append(step * 10 + offset)
                }
            case 5..<9:
                let got = queue.popFirst()
                let want = model.isEmpty ? nil : model.removeFirst()
                if got != want { disagreements += 1 }
            default:
                if !model.isEmpty {
                    let offset = Int.random(in: 0..<model.count, using: &generator)
                    queue[offset] = -step
                    model[offset] = -step
                    if queue[offset] != model[offset] { disagreements += 1 }
                }
            }
            if queue.count != model.count || queue.isEmpty != model.isEmpty || queue.first != model.first {
                disagreements += 1
            }
        }
        var rest: [Int] = []
        while let value = queue.popFirst() { rest.append(value) }
        #expect(disagreements == 0)
        #expect(rest == model)
    }
}
