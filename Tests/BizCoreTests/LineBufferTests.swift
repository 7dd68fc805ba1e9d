import BizCore
import Testing

@Suite struct LineBufferTests {
    /// Takes every complete line now in the buffer, as strings; stops at `.incomplete` or `.tooLong`.
    private func drain(_ buffer: inout LineBuffer) -> (lines: [String], last: LineBuffer.Next) {
        var lines: [String] = []
        while true {
            switch buffer.nextLine() {
            case .line(let bytes): lines.append(String(decoding: bytes, as: UTF8.self))
            case let other: return (lines, other)
            }
        }
    }

    @Test("An empty buffer has no line")
    func empty() {
        var buffer = LineBuffer()
        #expect(buffer.nextLine() == .incomplete)
        #expect(buffer.pendingByteCount == 0)
        #expect(buffer.maximumLineLength == 1024)
    }

    @Test("A line split across appends comes out whole")
    func splitAcrossAppends() {
        var buffer = LineBuffer()
        buffer.append(Array("GET +1 (555)".utf8))
        #expect(buffer.nextLine() == .incomplete)
        buffer.append(Array(" 010-".utf8))
        #expect(buffer.nextLine() == .incomplete)
        #expect(buffer.pendingByteCount == 17)
        buffer.append(Array("0001\nPI".utf8))
        #expect(buffer.nextLine() == .line(ArraySlice("GET +1 (555) 010-0001".utf8)))
        #expect(buffer.nextLine() == .incomplete)
        #expect(buffer.pendingByteCount == 2)
        buffer.append(Array("NG\n".utf8))
        #expect(buffer.nextLine() == .line(ArraySlice("PING".utf8)))
        #expect(buffer.nextLine() == .incomplete)
        #expect(buffer.pendingByteCount == 0)
    }

    @Test("One byte at a time")
    func byteAtATime() {
        var buffer = LineBuffer()
        var lines: [String] = []
        for byte in "PING\nSTATS\r\nQUIT\n".utf8 {
            buffer.append([byte])
            let (new, last) = drain(&buffer)
            lines += new
            #expect(last == .incomplete)
        }
        #expect(lines == ["PING", "STATS\r", "QUIT"])
    }

    @Test("Several lines in one append, empty lines included")
    func severalLines() {
        var buffer = LineBuffer()
        buffer.append(Array("PING\n\nGET 5550100001\r\n\nQUIT\npartial".utf8))
        let (lines, last) = drain(&buffer)
        #expect(lines == ["PING", "", "GET 5550100001\r", "", "QUIT"])
        #expect(last == .incomplete)
        #expect(buffer.pendingByteCount == 7)
    }

    @Test("The CR of a CRLF stays in the line for the request parser")
    func keepsCR() {
        var buffer = LineBuffer()
        buffer.append(Array("PING\r\n".utf8))
        #expect(buffer.nextLine() == .line(ArraySlice("PING\r".utf8)))
    }

    @Test("Appending from a raw buffer")
    func rawBuffer() {
        var buffer = LineBuffer()
        let bytes = Array("STATS\nPI".utf8)
        bytes.withUnsafeBytes { buffer.append($0) }
        #expect(buffer.nextLine() == .line(ArraySlice("STATS".utf8)))
        #expect(buffer.nextLine() == .incomplete)
        Array("NG\n".utf8).withUnsafeBytes { buffer.append($0) }
        #expect(buffer.nextLine() == .line(ArraySlice("PING".utf8)))
    }

    // MARK: Limits

    @Test("Exactly 1024 bytes before the newline is accepted")
    func longestLine() {
        var buffer = LineBuffer()
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: 1024)
        buffer.append(body + [0x0A])
        #expect(buffer.nextLine() == .line(ArraySlice(body)))
        #expect(buffer.nextLine() == .incomplete)
    }

    @Test("1024 bytes arriving slowly, then the newline, is accepted")
    func longestLineSlowly() {
        var buffer = LineBuffer()
        for _ in 0..<256 {
            buffer.append(Array("abcd".utf8))
            #expect(buffer.nextLine() == .incomplete)
        }
        #expect(buffer.pendingByteCount == 1024)
        buffer.append([0x0A])
        guard case .line(let line) = buffer.nextLine() else {
            Issue.record("expected a line")
            return
        }
        #expect(line.count == 1024)
    }

    @Test("A CR before the newline counts toward the limit")
    func crCounts() {
        var ok = LineBuffer()
        ok.append([UInt8](repeating: 0x41, count: 1023) + [0x0D, 0x0A])
        #expect(ok.nextLine() == .line(ArraySlice([UInt8](repeating: 0x41, count: 1023) + [0x0D])))

        var over = LineBuffer()
        over.append([UInt8](repeating: 0x41, count: 1024) + [0x0D, 0x0A])
        #expect(over.nextLine() == .tooLong)
    }

    @Test("1025 bytes before the newline is too long")
    func oneOver() {
        var buffer = LineBuffer()
        buffer.append([UInt8](repeating: 0x61, count: 1025) + [0x0A])
        #expect(buffer.nextLine() == .tooLong)
    }

    @Test("Too long is detected without a newline, once over the limit")
    func tooLongWithoutNewline() {
        var buffer = LineBuffer()
        buffer.append([UInt8](repeating: 0x61, count: 1024))
        #expect(buffer.nextLine() == .incomplete)
        buffer.append([0x61])
        #expect(buffer.nextLine() == .tooLong)
        #expect(buffer.nextLine() == .tooLong)
    }

    @Test("A newline far beyond the limit does not rescue the line")
    func newlineBeyondLimit() {
        var buffer = LineBuffer()
        buffer.append([UInt8](repeating: 0x61, count: 5000) + [0x0A] + Array("PING\n".utf8))
        #expect(buffer.nextLine() == .tooLong)
    }

    @Test("Lines before an over-long one are still returned")
    func linesBeforeTooLong() {
        var buffer = LineBuffer()
        buffer.append(Array("PING\nSTATS\n".utf8) + [UInt8](repeating: 0x62, count: 2000))
        let (lines, last) = drain(&buffer)
        #expect(lines == ["PING", "STATS"])
        #expect(last == .tooLong)
    }

    @Test("The limit applies to each line from its own start")
    func limitPerLine() {
        var buffer = LineBuffer()
        let a = [UInt8](repeating: 0x61, count: 1024)
        let b = [UInt8](repeating: 0x62, count: 1024)
        buffer.append(a + [0x0A] + b + [0x0A] + b)
        #expect(buffer.nextLine() == .line(ArraySlice(a)))
        #expect(buffer.nextLine() == .line(ArraySlice(b)))
        #expect(buffer.nextLine() == .incomplete)
        buffer.append([0x62])
        #expect(buffer.nextLine() == .tooLong)
    }

    @Test("A custom limit", arguments: [0, 1, 4, 100])
    func customLimit(_ limit: Int) {
        var buffer = LineBuffer(maximumLineLength: limit)
        #expect(buffer.maximumLineLength == limit)
        let fits = [UInt8](repeating: 0x78, count: limit)
        buffer.append(fits + [0x0A])
        #expect(buffer.nextLine() == .line(ArraySlice(fits)))
        buffer.append(fits)
        #expect(buffer.nextLine() == .incomplete)
        buffer.append([0x78])
        #expect(buffer.nextLine() == .tooLong)
    }

    // MARK: Compaction

    @Test("Compaction keeps a partial line intact")
    func compactionKeepsPartial() {
        var buffer = LineBuffer()
        // 1000 lines of 10 bytes = 10,000 bytes consumed, then a partial line.
        let many = (0..<1000).map { String(format4($0)) + "-PING\n" }.joined()
        buffer.append(Array((many + "GET 555").utf8))
        let (lines, last) = drain(&buffer)
        #expect(lines.count == 1000)
        #expect(lines.first == "0000-PING")
        #expect(lines.last == "0999-PING")
        #expect(last == .incomplete)
        #expect(buffer.pendingByteCount == 7)
        buffer.append(Array(".010.0001\n".utf8))  // compacts before appending
        #expect(buffer.pendingByteCount == 17)
        #expect(buffer.nextLine() == .line(ArraySlice("GET 555.010.0001".utf8)))
        #expect(buffer.nextLine() == .incomplete)
        #expect(buffer.pendingByteCount == 0)
    }

    @Test("Compaction does not reset the limit of a pending line")
    func compactionAndLimit() {
        var buffer = LineBuffer()
        let lines8000 = [UInt8](repeating: 0x61, count: 8000).enumerated().map { $0.offset % 8 == 7 ? 0x0A : $0.element }
        buffer.append(lines8000 + [UInt8](repeating: 0x63, count: 500))
        let (lines, last) = drain(&buffer)
        #expect(lines.count == 1000)
        #expect(last == .incomplete)
        buffer.append([UInt8](repeating: 0x63, count: 500))  // compacts: 8000 consumed bytes go
        #expect(buffer.pendingByteCount == 1000)
        #expect(buffer.nextLine() == .incomplete)
        buffer.append([UInt8](repeating: 0x63, count: 24))
        #expect(buffer.nextLine() == .incomplete)
        buffer.append([0x63])
        #expect(buffer.nextLine() == .tooLong)
    }

    @Test("100,000 lines in random chunks come back whole and in order")
    func randomChunks() {
        var generator = SeededGenerator(seed: 0x5EED)
        let lineCount = 100_000
        var expected: [[UInt8]] = []
        expected.reserveCapacity(lineCount)
        var stream: [UInt8] = []
        for index in 0..<lineCount {
            var line = Array("L\(index) ".utf8)
            let extra = Int.random(in: 0...(index % 97 == 0 ? 1000 : 40), using: &generator)
            for _ in 0..<extra { line.append(UInt8.random(in: 0x20...0x7E, using: &generator)) }
            if index % 11 == 0 { line.append(0x0D) }
            if line.count > 1024 { line.removeLast(line.count - 1024) }
            expected.append(line)
            stream += line
            stream.append(0x0A)
        }

        var buffer = LineBuffer()
        var received = 0
        var mismatches = 0
        var firstMismatch: Int?
        var sawTooLong = false
        var offset = 0
        while offset < stream.count {
            let size: Int
            switch UInt8.random(in: 0...9, using: &generator) {
            case 0: size = Int.random(in: 1...3, using: &generator)
            case 1: size = Int.random(in: 2_000...20_000, using: &generator)
            default: size = Int.random(in: 1...600, using: &generator)
            }
            let end = min(stream.count, offset + size)
            buffer.append(stream[offset..<end])
            offset = end
            loop: while true {
                switch buffer.nextLine() {
                case .line(let line):
                    if received >= expected.count || !line.elementsEqual(expected[received]) {
                        mismatches += 1
                        if firstMismatch == nil { firstMismatch = received }
                    }
                    received += 1
                case .incomplete:
                    break loop
                case .tooLong:
                    sawTooLong = true
                    break loop
                }
            }
            if sawTooLong { break }
        }
        #expect(!sawTooLong)
        #expect(received == lineCount)
        #expect(mismatches == 0, "first mismatch at line \(firstMismatch ?? -1)")
        #expect(buffer.pendingByteCount == 0)
        #expect(buffer.nextLine() == .incomplete)
    }
}

private func format4(_ number: Int) -> String {
    let text = String(number)
    return String(repeating: "0", count: 4 - text.count) + text
}
