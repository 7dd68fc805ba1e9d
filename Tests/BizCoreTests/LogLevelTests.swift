import BizCore
import Testing

@Suite struct LogLevelTests {
    @Test(
        "Names in any case",
        arguments: [
            ("debug", LogLevel.debug), ("DEBUG", .debug), ("Debug", .debug),
            ("info", .info), ("INFO", .info), ("iNfO", .info),
            ("warning", .warning), ("WARNING", .warning), ("warn", .warning), ("Warn", .warning),
            ("error", .error), ("ERROR", .error),
        ])
    func names(_ name: String, _ level: LogLevel) {
        #expect(LogLevel(name: name) == level)
    }

    @Test("Other names are refused", arguments: ["", "verbose", "trace", "err", "errors", "warnings", " info", "info ", "fatal", "0", "1"])
    func refused(_ name: String) {
        #expect(LogLevel(name: name) == nil)
    }

    @Test("Descriptions parse back to the same level")
    func descriptions() {
        #expect(LogLevel.allCases.map(\.description) == ["debug", "info", "warning", "error"])
        for level in LogLevel.allCases {
            #expect(LogLevel(name: level.description) == level)
            #expect("\(level)" == level.description)
        }
    }

    @Test("Levels order from least to most severe")
    func ordering() {
        #expect(LogLevel.debug < .info)
        #expect(LogLevel.info < .warning)
        #expect(LogLevel.warning < .error)
        #expect(!(LogLevel.error < .error))
        #expect(LogLevel.allCases.sorted() == [.debug, .info, .warning, .error])
        #expect(LogLevel.allCases.filter { $0 >= .warning } == [.warning, .error])
        #expect(LogLevel.allCases.map(\.rawValue) == [0, 1, 2, 3])
    }
}

@Suite struct LogLevelSyslogPriorityTests {
    @Test func levelsMapToTheJournalsPriorities() {
        #expect(LogLevel.allCases.map(\.syslogPriority) == [7, 6, 4, 3])
    }
}
