import NIOCore
import RESP
import Testing

@testable import RedisClient

@Suite("Keys and slot of a command")
struct CommandKeysTests {
    private func keys(_ name: String, _ arguments: String...) throws -> [String] {
        try RedisCommandKeys.keys(of: RESPCommand(name, arguments)).map { String(buffer: $0) }
    }

    @Test func argumentsRoundTripIncludingBinaryAndEmpty() {
        var command = RESPCommand("SET")
        command.append("")
        command.append(bytes: [0x0D, 0x0A, 0x24, 0x33, 0x0D, 0x0A])
        command.append(String(repeating: "x", count: 70_000))
        let arguments = command.arguments
        #expect(arguments.count == 4)
        #expect(String(buffer: arguments[0]) == "SET")
        #expect(arguments[1].readableBytes == 0)
        #expect(Array(arguments[2].readableBytesView) == [0x0D, 0x0A, 0x24, 0x33, 0x0D, 0x0A])
        #expect(arguments[3].readableBytes == 70_000)
    }

    @Test func singleKeyCommands() throws {
        #expect(try keys("GET", "a") == ["a"])
        #expect(try keys("XADD", "s", "*", "f", "v") == ["s"])
        #expect(try keys("ZRANGEBYSCORE", "z", "-inf", "+inf") == ["z"])
        #expect(try keys("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM") == ["s"])
        #expect(try keys("XINFO", "STREAM", "s") == ["s"])
        #expect(try keys("XINFO", "HELP") == [])
        #expect(try keys("get", "lower") == ["lower"])
        #expect(try keys("GET") == [])
    }

    @Test func multiKeyCommands() throws {
        #expect(try keys("DEL", "a", "b", "c") == ["a", "b", "c"])
        #expect(try keys("MSET", "a", "1", "b", "2") == ["a", "b"])
        #expect(try keys("BLPOP", "a", "b", "5") == ["a", "b"])
        #expect(try keys("RENAME", "a", "b") == ["a", "b"])
    }

    @Test func scriptsUseNumKeys() throws {
        #expect(try keys("EVALSHA", "abc", "2", "k1", "k2", "arg") == ["k1", "k2"])
        #expect(try keys("EVAL", "return 1", "0", "arg") == [])
        #expect(try keys("FCALL", "f", "1", "k") == ["k"])
        #expect(throws: RedisClientError.self) { try keys("EVALSHA", "abc", "3", "k1") }
        #expect(throws: RedisClientError.self) { try keys("EVALSHA", "abc", "-1", "k1") }
        #expect(throws: RedisClientError.self) { try keys("EVALSHA", "abc", "lots", "k1") }
        #expect(throws: RedisClientError.self) { try keys("EVALSHA", "abc", "99999999999999999999999", "k1") }
    }

    @Test func streamsSection() throws {
        #expect(try keys("XREADGROUP", "GROUP", "g", "c", "COUNT", "10", "BLOCK", "100", "STREAMS", "s", ">") == ["s"])
        #expect(try keys("XREAD", "COUNT", "1", "streams", "a", "b", "0", "0") == ["a", "b"])
        #expect(throws: RedisClientError.self) { try keys("XREAD", "COUNT", "1") }
        #expect(throws: RedisClientError.self) { try keys("XREAD", "STREAMS", "a", "b", "0") }
        #expect(throws: RedisClientError.self) { try keys("XREAD", "STREAMS") }
    }

    @Test func commandsWithoutKeysGoAnywhere() throws {
        #expect(try RedisCommandKeys.slot(of: RESPCommand("PING", [])) == nil)
        #expect(try RedisCommandKeys.slot(of: RESPCommand("SCRIPT", ["LOAD", "return 1"])) == nil)
        #expect(try RedisCommandKeys.slot(of: RESPCommand("NOSUCHCOMMAND", ["a", "b"])) == nil)
    }

    @Test func slotOfSameSlotKeys() throws {
        let slot = try RedisCommandKeys.slot(of: RESPCommand("DEL", ["{q}:a", "{q}:b", "q"]))
        #expect(slot == RedisHashSlot.slot(of: "q"))
        let script = try RedisCommandKeys.slot(
            of: RESPCommand("EVALSHA", ["sha", "2", "email_queue", "{email_queue}:results", "x"]))
        #expect(script == RedisHashSlot.slot(of: "email_queue"))
    }

    @Test func crossSlotIsRefusedWithAClearError() throws {
        #expect(RedisHashSlot.slot(of: "foo") != RedisHashSlot.slot(of: "bar"))
        for command in [
            RESPCommand("DEL", ["foo", "bar"]), RESPCommand("MSET", ["foo", "1", "bar", "2"]),
            RESPCommand("EVALSHA", ["sha", "2", "foo", "bar"]),
            RESPCommand("XREAD", ["STREAMS", "foo", "bar", "0", "0"]),
        ] {
            do {
                _ = try RedisCommandKeys.slot(of: command)
                Issue.record("\(command.name) across slots was accepted")
            } catch let error as RedisClientError {
                #expect(error == .crossSlot(command.name))
                #expect(error.message.contains("hash tag"))
            }
        }
    }
}
