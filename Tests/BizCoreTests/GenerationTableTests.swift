import BizCore
import Testing

@Suite struct GenerationTableTests {
    @Test func advancingAKeyChangesItsGenerationOnly() {
        let table = GenerationTable(stripeCount: 1 << 16)
        let before = (0..<100).map { table.generation(of: $0) }
        table.advance(7)
        #expect(table.generation(of: 7) != before[7])
        // With 65536 stripes, a few keys may share 7's stripe; most do not.
        let unchanged = (0..<100).filter { $0 != 7 && table.generation(of: $0) == before[$0] }
        #expect(unchanged.count >= 95)
    }

    @Test func advancingEverythingChangesEveryKey() {
        let table = GenerationTable(stripeCount: 8)
        let keys = (0..<50).map { "key\($0)" }
        let before = keys.map { table.generation(of: $0) }
        table.advanceAll()
        for (key, old) in zip(keys, before) { #expect(table.generation(of: key) != old) }
    }

    @Test func aKeysGenerationOnlyGrows() {
        let table = GenerationTable(stripeCount: 2)
        var last = table.generation(of: 1)
        for step in 0..<100 {
            switch step % 3 {
            case 0: table.advanceAll()
            case 1: table.advance(1)
            default: table.advance(step)
            }
            let generation = table.generation(of: 1)
            if step % 3 == 2 { #expect(generation >= last) } else { #expect(generation > last) }
            last = generation
        }
    }

    @Test func aStaleReaderCannotInsertAfterAnInvalidation() {
        let cache = ShardedLRUCache<Int, String>(capacity: 10, timeToLive: 1_000)
        let generations = GenerationTable()
        let readAt = generations.generation(of: 1)
        // The invalidation: advance, then remove.
        generations.advance(1)
        cache.removeValue(forKey: 1)
        let inserted = cache.insert("old", forKey: 1, now: 0) { generations.generation(of: 1) == readAt }
        #expect(!inserted)
        #expect(cache.value(forKey: 1, now: 0) == nil)
        let fresh = generations.generation(of: 1)
        #expect(cache.insert("new", forKey: 1, now: 0) { generations.generation(of: 1) == fresh })
        #expect(cache.value(forKey: 1, now: 0) == "new")
    }
}
