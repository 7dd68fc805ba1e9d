import BizCore
import Testing

@Suite struct ConfigurationFileTests {
    private let names: Set<String> = ["ttl", "database-url", "log-level"]

    private func problem(_ text: String) -> String? {
        do {
            _ = try ConfigurationFile(path: "/etc/b.conf", text: text, knownNames: names)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func readsNameValueLinesAndRemembersWhereEachCameFrom() throws {
        let file = try ConfigurationFile(
            path: "/etc/b.conf",
            text: "# comment\n\n  ttl=60  \r\n\tdatabase-url = host=/run/postgresql dbname=app\nlog-level = \" info \"\n",
            knownNames: names)
        #expect(file["ttl"] == .init(value: "60", line: 3))
        #expect(file["database-url"] == .init(value: "host=/run/postgresql dbname=app", line: 4))
        #expect(file["log-level"]?.value == " info ", "quotes keep spaces")
        #expect(file.entries.count == 3)
    }

    @Test func anEmptyFileSetsNothing() throws {
        #expect(try ConfigurationFile(path: "x", text: "", knownNames: names).entries.isEmpty)
        #expect(try ConfigurationFile(path: "x", text: "# only\n\n", knownNames: names).entries.isEmpty)
    }

    @Test func aValueMayBeEmptyOrHoldEqualsSigns() throws {
        let file = try ConfigurationFile(path: "x", text: "database-url = a=b c=d\nttl =", knownNames: names)
        #expect(file["database-url"]?.value == "a=b c=d")
        #expect(file["ttl"]?.value == "")
    }

    @Test(arguments: [
        ("ttl = 1\nwhat is this", "/etc/b.conf:2: expected 'name = value'"),
        ("\n\n = 5", "/etc/b.conf:3: a setting name is missing before '='"),
        ("tll = 60", "/etc/b.conf:1: unknown setting 'tll'"),
        ("ttl = 1\n# x\nttl = 2", "/etc/b.conf:3: 'ttl' is already set on line 1"),
        ("log-level = \"info", "/etc/b.conf:1: the value of 'log-level' has no closing quote"),
        ("log-level = \"", "/etc/b.conf:1: the value of 'log-level' has no closing quote"),
    ])
    func problemsNameTheLine(text: String, expected: String) {
        #expect(problem(text) == expected)
    }
}
