import BizCore
import Testing

@Suite struct QueueInvocationTests {
    private let environment = ["DATABASE_URL": "dbname=queue"]

    private func parse(_ arguments: [String]) throws(ConfigurationError) -> QueueInvocation {
        try QueueInvocation.parse(arguments: arguments, environment: environment)
    }

    private func error(_ arguments: [String]) -> ConfigurationError? {
        do {
            _ = try parse(arguments)
            return nil
        } catch {
            return error
        }
    }

    @Test func enqueueNormalizesNumbersAndKeepsTheOptions() throws {
        let invocation = try parse([
            "enqueue", "--to", "(555) 010-0001", "--from", "+1 555 010 0002", "--body", "Your table is ready",
            "--idempotency-key", "booking-7", "--at", "2026-12-24T09:00:00Z", "--max-attempts", "5",
        ])
        guard case .enqueue(let request) = invocation.action else {
            Issue.record("not an enqueue: \(invocation.action)")
            return
        }
        #expect(request.message.to.e164 == "+15550100001")
        #expect(request.message.sender == .phone(try #require(PhoneNumber(e164: "+15550100002"))))
        #expect(request.message.body == "Your table is ready")
        #expect(request.idempotencyKey == "booking-7")
        #expect(request.at == "2026-12-24T09:00:00Z")
        #expect(request.maxAttempts == 5)
        #expect(invocation.databaseURL == "dbname=queue")
    }

    @Test func enqueueRefusesBadJobsWithAClearReason() {
        let service = "MG" + String(repeating: "0", count: 32)
        let cases: [([String], String)] = [
            (["enqueue", "--from", "+15550100002", "--body", "x"], "--to is required"),
            (["enqueue", "--to", "+15550100001", "--from", "+15550100002"], "--body is required"),
            (["enqueue", "--to", "not a number", "--from", "+15550100002", "--body", "x"], "recipient"),
            (["enqueue", "--to", "+15550100001", "--body", "x"], "sender"),
            (["enqueue", "--to", "+15550100001", "--from", "+15550100002", "--messaging-service", service, "--body", "x"], "not both"),
            (["enqueue", "--to", "+15550100001", "--from", "+15550100002", "--body", ""], "empty"),
            (["enqueue", "--to", "+15550100001", "--from", "+15550100002", "--body", String(repeating: "x", count: 1601)], "1600"),
            (["enqueue", "--to", "+15550100001", "--messaging-service", "MG123", "--body", "x"], "MG123"),
            (["enqueue", "--to", "+15550100001", "--from", "+15550100002", "--body", "x", "--max-attempts", "0"], "--max-attempts"),
        ]
        for (arguments, mention) in cases {
            let description = error(arguments)?.description ?? "accepted"
            #expect(description.lowercased().contains(mention.lowercased()), "\(arguments): \(description)")
        }
    }

    @Test func workOptions() throws {
        let invocation = try parse([
            "work", "--concurrency", "4", "--poll-interval", "2s", "--visibility-timeout", "1m", "--rate", "5",
            "--sender-rate", "+15550100002=10,MG00000000000000000000000000000000=2", "--global-rate", "50",
            "--recipient-cooldown", "30s",
        ])
        guard case .work(let options) = invocation.action else {
            Issue.record("not work")
            return
        }
        #expect(options.concurrency == 4)
        #expect(options.pollInterval == 2)
        #expect(options.visibilityTimeout == 60)
        #expect(options.pacing.perSenderRate == 5)
        #expect(options.pacing.senderRates == ["+15550100002": 10, "MG00000000000000000000000000000000": 2])
        #expect(options.pacing.globalRate == 50)
        #expect(options.pacing.recipientCooldown == 30)
        #expect(error(["work", "--sender-rate", "+1555=fast"]) != nil)
        #expect(error(["work", "--concurrency", "0"]) != nil)
        #expect(error(["work", "--poll-interval", "soon"]) != nil)
    }

    @Test func administrativeCommands() throws {
        #expect(try parse(["status"]).action == .status)
        #expect(try parse(["list", "--status", "failed", "--limit", "5"]).action == .list(status: "failed", limit: 5))
        #expect(try parse(["retry", "42"]).action == .retry(id: 42))
        #expect(try parse(["cancel", "7"]).action == .cancel(id: 7))
        #expect(try parse(["prune", "--older-than", "30d"]).action == .prune(olderThanSeconds: 30 * 86_400))
        #expect(try parse(["enqueue", "--jsonl"]).action == .enqueueLines)
        #expect(error(["retry"]) != nil)
        #expect(error(["retry", "abc"]) != nil)
        #expect(error(["prune"]) == .missing(name: "--older-than"))
        #expect(error(["frobnicate"]) == .invalidValue(name: "command", reason: "unknown command 'frobnicate'"))
        #expect(throws: ConfigurationError.missing(name: "--database-url or DATABASE_URL")) {
            try QueueInvocation.parse(arguments: ["status"], environment: [:])
        }
        #expect(try parse(["--help"]).action == .help)
    }
}

@Suite struct PaceRulesTests {
    @Test func rulesPerSenderGlobalAndRecipient() {
        var pacing = PaceRules()
        #expect(pacing.rules(sender: "+15550100002", recipient: "+15550100001").map(\.key) == ["sender:+15550100002"])
        #expect(pacing.rules(sender: "+15550100002", recipient: "+15550100001").map(\.interval) == [1])
        pacing.senderRates = ["+15550100002": 5]
        pacing.globalRate = 100
        pacing.recipientCooldown = 60
        let rules = pacing.rules(sender: "+15550100002", recipient: "+15550100001")
        #expect(rules.map(\.key) == ["sender:+15550100002", "global", "recipient:+15550100001"])
        #expect(rules.map(\.interval) == [0.2, 0.01, 60])
        pacing.perSenderRate = 0
        #expect(pacing.rules(sender: "+15550100003", recipient: "+15550100001").map(\.key) == ["global", "recipient:+15550100001"])
    }
}
