import Testing

@testable import SettingsModel

@Suite("Typed reads of setting values")
struct SettingValuesTests {
    static let port = Setting("PORT", .integer(1...65535), default: "8080", help: "A port.")
    static let count = Setting("COUNT", .integer(0...10), help: "No default.")
    static let flag = Setting("FLAG", .boolean, default: "1", help: "On by default.")
    static let plainFlag = Setting("PLAIN_FLAG", .boolean, help: "Off by default.")
    static let level = Setting("LEVEL", .choice(["debug", "info", "error"]), default: "info", help: "A level.")
    static let name = Setting("NAME", default: "worker", help: "Text.")

    @Test func integersInRangeAreRead() {
        var values = SettingValues(["PORT": " 9090 ", "COUNT": "0"])
        #expect(values.int(Self.port) == 9090)
        #expect(values.int(Self.count) == 0)
        #expect(values.problems.isEmpty)
    }

    @Test(arguments: ["0", "65536", "-1", "99999999999999999999999", "80a", "8.5", "0x50"])
    func integersOutOfRangeOrMalformedAreReportedAndTheDefaultUsed(_ text: String) {
        var values = SettingValues(["PORT": text])
        #expect(values.int(Self.port) == 8080)
        #expect(values.problems == ["PORT must be an integer in 1...65535"])
    }

    @Test func anUnsetOrEmptyIntegerGivesTheDefaultWithoutAProblem() {
        var values = SettingValues(["PORT": ""])
        #expect(values.int(Self.port) == 8080)
        #expect(values.int(Self.count) == nil)
        #expect(values.problems.isEmpty)
    }

    @Test func integerReadsOfOtherKindsAcceptAnyInt() {
        var values = SettingValues(["NAME": "-5"])
        #expect(values.int(Self.name) == -5)
        #expect(values.problems.isEmpty)
    }

    @Test(arguments: [
        ("1", true), ("true", true), ("ON", true), ("Yes", true), ("0", false), ("false", false), ("off", false),
        ("NO", false),
    ])
    func booleansTakeEveryUsualSpelling(_ text: String, _ expected: Bool) {
        var values = SettingValues(["FLAG": text, "PLAIN_FLAG": text])
        #expect(values.bool(Self.flag) == expected)
        #expect(values.bool(Self.plainFlag) == expected)
        #expect(values.problems.isEmpty)
    }

    @Test func aBadBooleanIsReportedAndTheDefaultUsed() {
        var values = SettingValues(["FLAG": "maybe", "PLAIN_FLAG": "2"])
        #expect(values.bool(Self.flag) == true)
        #expect(values.bool(Self.plainFlag) == false)
        #expect(values.problems == ["FLAG must be 1 or 0", "PLAIN_FLAG must be 1 or 0"])
    }

    @Test func unsetBooleansGiveTheDefaultOrFalse() {
        var values = SettingValues([:])
        #expect(values.bool(Self.flag) == true)
        #expect(values.bool(Self.plainFlag) == false)
        #expect(values.problems.isEmpty)
    }

    @Test func choicesAreLowercasedAndChecked() {
        var values = SettingValues(["LEVEL": "DEBUG"])
        #expect(values.choice(Self.level) == "debug")
        #expect(values.problems.isEmpty)
        var bad = SettingValues(["LEVEL": "verbose"])
        #expect(bad.choice(Self.level) == "info")
        #expect(bad.problems == ["LEVEL must be debug, info or error"])
        var unset = SettingValues([:])
        #expect(unset.choice(Self.level) == "info")
    }

    @Test func aProblemNeverEchoesTheValue() {
        var values = SettingValues([
            "PORT": "s3cret-1", "FLAG": "s3cret-2", "LEVEL": "s3cret-3",
        ])
        _ = values.int(Self.port)
        _ = values.bool(Self.flag)
        _ = values.choice(Self.level)
        #expect(values.problems.count == 3)
        #expect(values.problems.allSatisfy { !$0.contains("s3cret") })
    }

    @Test func stringsFallBackToTheDefaultAndEmptyCountsAsUnset() {
        #expect(SettingValues(["NAME": "w1"]).string(Self.name) == "w1")
        #expect(SettingValues(["NAME": ""]).string(Self.name) == "worker")
        #expect(SettingValues([:]).string(Self.count) == nil)
        #expect(SettingValues(["NAME": ""]).raw("NAME") == nil)
    }

    @Test func theEnvironmentIsKeptApartFromMergedValues() {
        let values = SettingValues(["NAME": "from-file"], environment: ["NAME": "", "OTHER": "env"])
        #expect(values.fromEnvironment("NAME") == nil)
        #expect(values.fromEnvironment("OTHER") == "env")
    }

    @Test func callersReportTheirOwnProblemsInOrder() {
        var values = SettingValues(["PORT": "0"])
        values.report("first")
        _ = values.int(Self.port)
        #expect(values.problems == ["first", "PORT must be an integer in 1...65535"])
    }

    @Test func listsReadNaturally() {
        #expect(SettingValues.list([]) == "")
        #expect(SettingValues.list(["a"]) == "a")
        #expect(SettingValues.list(["a", "b"]) == "a or b")
        #expect(SettingValues.list(["a", "b", "c"]) == "a, b or c")
    }
}
