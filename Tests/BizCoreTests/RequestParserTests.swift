import BizCore
import Testing

@Suite struct RequestParserTests {
    let parser = RequestParser()
    let acme = PhoneNumber(e164: "+15550100001")!

    private func parse(_ text: String) -> Result<Command, ProtocolError> {
        parser.parse(Array(text.utf8))
    }

    private func error(_ text: String) throws -> ProtocolError {
        try error(Array(text.utf8))
    }

    private func error(_ bytes: [UInt8]) throws -> ProtocolError {
        switch parser.parse(bytes) {
        case .success(let command): throw UnexpectedSuccess(command: command)
        case .failure(let error): return error
        }
    }

    private struct UnexpectedSuccess: Error {
        let command: Command
    }

    // MARK: Verbs

    @Test("Verbs are case-insensitive", arguments: ["GET", "get", "Get", "GeT", "gEt"])
    func getAnyCase(_ verb: String) throws {
        #expect(try parse("\(verb) +15550100001").get() == .get(acme))
    }

    @Test(
        "Verbs without arguments",
        arguments: [
            ("PING", Command.ping), ("ping", .ping), ("PiNg", .ping),
            ("STATS", .stats), ("stats", .stats), ("Stats", .stats),
            ("METRICS", .metrics), ("metrics", .metrics), ("Metrics", .metrics),
            ("QUIT", .quit), ("quit", .quit), ("qUIT", .quit),
        ])
    func bareVerbs(_ line: String, _ command: Command) throws {
        #expect(try parse(line).get() == command)
        #expect(try parse(line + "\r").get() == command)
    }

    @Test("INVALIDATE takes a phone", arguments: ["INVALIDATE", "invalidate", "Invalidate"])
    func invalidate(_ verb: String) throws {
        #expect(try parse("\(verb) 555.010.0001").get() == .invalidate(acme))
    }

    @Test(
        "The rest of the line after one space is the phone",
        arguments: ["GET +1 (555) 010-0001", "GET 15550100001", "GET 555.010.0001", "GET 5550100001", "GET 1-555-010-0001",
                    "GET  +15550100001", "GET +1 555 010 0001 ", "GET\u{20}\t5550100001"])
    func getForms(_ line: String) throws {
        #expect(try parse(line).get() == .get(acme))
    }

    @Test("The phone parser's default country code is used")
    func usesPhoneParser() throws {
        let uk = RequestParser(phoneParser: PhoneNumberParser(defaultCountryCode: CountryCallingCode("44")!))
        #expect(try uk.parse(Array("GET 020 7946 0958".utf8)).get() == .get(PhoneNumber(e164: "+442079460958")!))
        #expect(uk.phoneParser.defaultCountryCode.value == 44)
        #expect(RequestParser().phoneParser.defaultCountryCode == .northAmerica)
    }

    // MARK: Line endings and input types

    @Test("One trailing CR is ignored")
    func trailingCR() throws {
        #expect(try parse("GET +15550100001\r").get() == .get(acme))
        #expect(try parse("GET +1 555 010 0001\r").get() == .get(acme))
        #expect(try parse("PING\r").get() == .ping)
    }

    @Test("Only one trailing CR is ignored")
    func twoCRs() throws {
        #expect(try error("GET +15550100001\r\r").code == .badPhone)
        #expect(try error("PING\r\r").code == .badRequest)
    }

    @Test("A CR anywhere else is not ignored")
    func innerCR() throws {
        #expect(try error("GET +1555\r0100001").code == .badPhone)
        #expect(try error("PI\rNG").code == .badRequest)
    }

    @Test("Any byte collection works: arrays, slices, UTF-8 views")
    func collectionTypes() throws {
        let bytes = Array("xxGET +15550100001\nPING".utf8)
        #expect(try parser.parse(bytes[2..<18]).get() == .get(acme))
        #expect(try parser.parse("GET +15550100001".utf8).get() == .get(acme))
        #expect(try parser.parse(bytes[19...]).get() == .ping)
    }

    // MARK: Bad requests

    @Test("GET and INVALIDATE without an argument are BADREQ", arguments: ["GET", "get", "INVALIDATE", "GET\r", "invalidate\r"])
    func missingArgument(_ line: String) throws {
        let error = try error(line)
        #expect(error.code == .badRequest)
        #expect(error.message.contains("takes one phone number"))
    }

    @Test("GET or INVALIDATE with an empty argument is BADPHONE", arguments: ["GET ", "INVALIDATE ", "GET \r", "get "])
    func emptyArgument(_ line: String) throws {
        let error = try error(line)
        #expect(error.code == .badPhone)
        #expect(error.message == "not a phone number: \(PhoneNumberError.empty)")
    }

    @Test(
        "Bad phones are BADPHONE with the parser's reason",
        arguments: [
            ("GET abc", PhoneNumberError.invalidCharacter),
            ("GET +1555", .invalidLength),
            ("GET +15550100001,twilio_phone.neq.x", .invalidCharacter),
            ("GET ' OR 1=1 --", .invalidCharacter),
            ("GET +1 (055) 010-0001", .invalidAreaCode),
            ("GET 1234567890123456", .invalidLength),
            ("GET \u{0}", .invalidCharacter),
            ("GET +1 555 010 0001 ext 2", .invalidCharacter),
            ("INVALIDATE abc", .invalidCharacter),
            ("GET " + String(repeating: "5", count: 65), .tooLong),
            ("GET GET +15550100001", .invalidCharacter),
        ])
    func badPhones(_ line: String, _ reason: PhoneNumberError) throws {
        let error = try error(line)
        #expect(error.code == .badPhone)
        #expect(error.message == "not a phone number: \(reason.description)")
    }

    @Test("The phone error message never echoes the client's bytes")
    func badPhoneDoesNotEcho() throws {
        let error = try error("GET ' OR 1=1 --")
        #expect(!error.message.contains("OR 1=1"))
    }

    @Test("Arguments to verbs that take none are BADREQ", arguments: ["PING x", "PING now", "STATS please", "METRICS all", "metrics ", "QUIT now", "PING ", "quit \r"])
    func extraArguments(_ line: String) throws {
        let error = try error(line)
        #expect(error.code == .badRequest)
        #expect(error.message.hasSuffix("takes no arguments"))
    }

    @Test("Empty lines are BADREQ", arguments: ["", "\r"])
    func emptyLine(_ line: String) throws {
        let error = try error(line)
        #expect(error.code == .badRequest)
        #expect(error.message == "empty request line")
    }

    @Test(
        "Unknown verbs are BADREQ",
        arguments: ["HELLO", "GETX +15550100001", " GET +15550100001", "GET\t+15550100001", "G ET", "PONG", "INVALIDATES x",
                    "INVALIDATEX", "\u{00C9}T", "ＧＥＴ +15550100001", "get\u{0}"])
    func unknownVerb(_ line: String) throws {
        let error = try error(line)
        #expect(error.code == .badRequest)
        #expect(error.message.hasPrefix("unknown verb '"))
    }

    @Test("An unknown verb is quoted with printable ASCII only")
    func unknownVerbPrintable() throws {
        let error = try error([0xFF, 0xFE, 0x00, 0x1B, 0x07, 0x7F, 0x41, 0x0A, 0x09, 0x42])
        #expect(error.code == .badRequest)
        #expect(error.message == "unknown verb '??????A??B'")
        #expect(error.message.utf8.allSatisfy { (0x20...0x7E).contains($0) })
    }

    @Test("An unknown verb keeps printable ASCII as it was sent")
    func unknownVerbQuoted() throws {
        #expect(try error("HELLO world").message == "unknown verb 'HELLO'")
        #expect(try error("~!@#").message == "unknown verb '~!@#'")
        #expect(try error(" GET x").message == "unknown verb ''")
    }

    @Test("A long unknown verb is cut to 16 bytes")
    func unknownVerbTruncated() throws {
        let verb = String(repeating: "X", count: 16)
        #expect(try error(verb).message == "unknown verb '\(verb)'")
        #expect(try error(verb + "Y").message == "unknown verb '\(verb)...'")
        #expect(try error(String(repeating: "Z", count: 2000) + " 1").message == "unknown verb '\(String(repeating: "Z", count: 16))...'")
    }

    @Test("Messages never contain control bytes, for any verb bytes")
    func randomVerbs() throws {
        var generator = SeededGenerator(seed: 99)
        var unsafe: [String] = []
        for _ in 0..<3_000 {
            let length = Int.random(in: 1...24, using: &generator)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if case .failure(let error) = parser.parse(bytes),
                error.message.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
            {
                unsafe.append(error.message.debugDescription)
            }
        }
        let unsafeCount = unsafe.count
        #expect(unsafeCount == 0, "for example \(unsafe.first ?? "")")
    }

    // MARK: ProtocolError

    @Test("ProtocolError describes itself as code and message")
    func protocolErrorDescription() {
        let error = ProtocolError(.badPhone, "not a phone number: no digits")
        #expect(error.description == "BADPHONE not a phone number: no digits")
        #expect(error == ProtocolError(.badPhone, "not a phone number: no digits"))
        #expect(error != ProtocolError(.badRequest, "not a phone number: no digits"))
    }

    @Test("Error codes have the protocol's spelling")
    func errorCodes() {
        #expect(ErrorCode.allCases.map(\.rawValue) == ["BADREQ", "BADPHONE", "TOOLONG", "AMBIGUOUS", "UNAVAILABLE", "BUSY", "DENIED", "INTERNAL"])
    }
}
