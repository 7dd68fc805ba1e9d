import BizBench
import Testing

@Suite struct RequestEncodingTests {
    private func request(_ benchProtocol: BenchProtocol, _ index: Int, redisFormat: RedisRequestFormat = .inline) -> String {
        String(decoding: RequestEncoder(protocol: benchProtocol, redisFormat: redisFormat).request(index), as: UTF8.self)
    }

    @Test("Phones are +1555 and the index in seven digits")
    func phones() {
        #expect(KeySpace.phone(0) == "+15550000000")
        #expect(KeySpace.phone(42) == "+15550000042")
        #expect(KeySpace.phone(9_999_999) == "+15559999999")
        #expect(KeySpace.cacheKey(7) == Array("business:+15550000007".utf8))
        #expect(KeySpace.phoneLength == KeySpace.phonePrefix.count + KeySpace.indexDigits)
        let word = KeySpace.phonePrefix[1...4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(word == KeySpace.countryAndAreaWord)
    }

    @Test("Requests in each protocol (Redis inline)")
    func requests() {
        #expect(request(.bizcached, 42) == "GET +15550000042\n")
        #expect(request(.redis, 42) == "GET business:+15550000042\r\n")
        #expect(request(.memcached, 42) == "get business:+15550000042\r\n")
        #expect(request(.redis, 0) == "GET business:+15550000000\r\n")
        #expect(request(.bizcached, 9_999_999) == "GET +15559999999\n")
        #expect(request(.memcached, 1_234_567) == "get business:+15551234567\r\n")
    }

    @Test("Redis requests as a RESP array, the default")
    func redisMultibulk() {
        let encoder = RequestEncoder(protocol: .redis)
        #expect(
            String(decoding: encoder.request(42), as: UTF8.self)
                == "*2\r\n$3\r\nGET\r\n$21\r\nbusiness:+15550000042\r\n")
        #expect(String(decoding: encoder.request(5)[encoder.phoneOffset...].prefix(12), as: UTF8.self) == "+15550000005")
        // The format only concerns Redis.
        #expect(RequestEncoder(protocol: .memcached, redisFormat: .multibulk).request(1) == RequestEncoder(protocol: .memcached).request(1))
    }

    @Test("Every request of a protocol has the same length")
    func lengths() {
        for benchProtocol in BenchProtocol.allCases {
            for format in RedisRequestFormat.allCases {
                let encoder = RequestEncoder(protocol: benchProtocol, redisFormat: format)
                for index in [0, 1, 99, 123_456, 9_999_999] {
                    #expect(encoder.request(index).count == encoder.length)
                }
                let phone = encoder.request(5)[encoder.phoneOffset...].prefix(KeySpace.phoneLength)
                #expect(String(decoding: phone, as: UTF8.self) == "+15550000005")
            }
        }
    }

    @Test("Writing over an earlier request leaves no stale digits")
    func reuse() {
        let encoder = RequestEncoder(protocol: .redis, redisFormat: .inline)
        var buffer = [UInt8](repeating: 0, count: encoder.length)
        buffer.withUnsafeMutableBytes { encoder.write(9_999_999, to: $0.baseAddress!) }
        buffer.withUnsafeMutableBytes { encoder.write(3, to: $0.baseAddress!) }
        #expect(String(decoding: buffer, as: UTF8.self) == "GET business:+15550000003\r\n")
    }
}
