import NIOCore
import RESP
import TestSupport
import Testing

@testable import RedisClient

private func bulk(_ s: String) -> RESPValue { .bulkString(ByteBuffer(string: s)) }
private func decode(_ wire: String) throws -> RESPValue {
    var buffer = ByteBuffer(string: wire)
    guard let value = try RESPDecoder().decode(buffer: &buffer) else { throw TestFailure("incomplete RESP") }
    return value
}

@Suite("Sentinel URLs (pure)")
struct SentinelURLTests {
    @Test func sentinelsMasterNameAndDefaults() throws {
        let configuration = try RedisConfiguration(
            url: "redis+sentinel://10.0.0.1:26380,sentinel-b,[::1]:26381/mymaster")
        let sentinel = try #require(configuration.sentinel)
        #expect(sentinel.masterName == "mymaster")
        #expect(
            sentinel.sentinels == [
                .init(host: "10.0.0.1", port: 26380), .init(host: "sentinel-b", port: 26379),
                .init(host: "::1", port: 26381),
            ])
        #expect(sentinel.username == nil && sentinel.password == nil)
        #expect(configuration.database == 0)
        #expect(configuration.tls == nil)
        #expect(configuration.password == nil)
    }

    @Test func dataNodeLoginDatabaseAndSentinelLogin() throws {
        let configuration = try RedisConfiguration(
            url: "redis+sentinel://worker:p%40ss@h1:1,h2:2/bp/3?sentinel_password=s%26cret&sentinel_username=watcher")
        let sentinel = try #require(configuration.sentinel)
        #expect(configuration.username == "worker")
        #expect(configuration.password == "p@ss")
        #expect(configuration.database == 3)
        #expect(sentinel.password == "s&cret")
        #expect(sentinel.username == "watcher")
        #expect(sentinel.masterName == "bp")
    }

    @Test func tlsVariantChecksEachMastersOwnName() throws {
        let configuration = try RedisConfiguration(url: "rediss+sentinel://h1:1/bp?insecure=1")
        #expect(configuration.tls != nil)
        #expect(configuration.tlsServerHostname == nil)
        let named = try RedisConfiguration(url: "rediss+sentinel://h1:1/bp?sni=redis.internal")
        #expect(named.tlsServerHostname == "redis.internal")
    }

    @Test func plainURLsHaveNoSentinel() throws {
        #expect(try RedisConfiguration(url: "redis://h:1").sentinel == nil)
    }

    @Test(arguments: [
        "redis+sentinel://h1:1,h2:2",  // no master name
        "redis+sentinel://h1:1/",  // empty master name
        "redis+sentinel://h1:1,,h2:2/bp",  // empty host
        "redis+sentinel://h1:0/bp",  // bad port
        "redis+sentinel://h1:70000/bp",
        "redis+sentinel://h1:x/bp",
        "redis+sentinel://[::1/bp",  // unterminated IPv6
        "redis+sentinel://h1:1/bp/x",  // bad database
        "redis+sentinel://h1:1/bp/1/2",  // too much path
        "redis+sentinel://h1:1/b%20p\u{7}",  // control character in the name
        "redis+sentinel:///bp",  // no sentinels
        "redis+sentinel://:pw@/bp",
    ])
    func malformedURLsAreRefused(url: String) {
        #expect(throws: RedisClientError.self) { try RedisConfiguration(url: url) }
    }

    @Test func hostileURLsAreRefusedWithoutEchoingThePassword() throws {
        let many = (0..<100).map { "h\($0):1" }.joined(separator: ",")
        #expect(throws: RedisClientError.self) { try RedisConfiguration(url: "redis+sentinel://\(many)/bp") }
        let longName = String(repeating: "n", count: 10_000)
        #expect(throws: RedisClientError.self) { try RedisConfiguration(url: "redis+sentinel://h:1/\(longName)") }
        do {
            _ = try RedisConfiguration(url: "redis+sentinel://user:topsecret@h:99999/bp")
            Issue.record("accepted a bad port")
        } catch let error as RedisClientError {
            #expect(!error.description.contains("topsecret"))
        }
    }
}

@Suite("Sentinel and ROLE replies (pure)")
struct SentinelReplyTests {
    @Test func masterAddress() throws {
        #expect(
            try SentinelMasterAddress.parse(.array([bulk("127.0.0.1"), bulk("6380")]))
                == .init(host: "127.0.0.1", port: 6380))
        // RESP3 sentinels may answer with the same array; whitespace in a host is refused.
        #expect(
            try SentinelMasterAddress.parse(try decode("*2\r\n$4\r\nnode\r\n$4\r\n6379\r\n"))
                == .init(host: "node", port: 6379))
        #expect(throws: SentinelReplyError.self) {
            try SentinelMasterAddress.parse(try decode("*2\r\n$4\r\nno e\r\n$4\r\n6379\r\n"))
        }
    }

    @Test func unknownMasterIsNil() throws {
        #expect(try SentinelMasterAddress.parse(.null) == nil)
        #expect(try SentinelMasterAddress.parse(try decode("*-1\r\n")) == nil)
        #expect(try SentinelMasterAddress.parse(try decode("_\r\n")) == nil)
    }

    @Test(arguments: [
        RESPValue.array([]), .array([bulk("h")]), .array([bulk("h"), bulk("0")]), .array([bulk("h"), bulk("99999")]),
        .array([bulk(""), bulk("1")]), .array([bulk("h"), bulk("x")]), .array([bulk("h"), bulk("1"), bulk("2")]),
        .integer(1), .simpleError(ByteBuffer(string: "ERR no such command")), bulk("127.0.0.1:6379"),
        .array([bulk(String(repeating: "h", count: 300)), bulk("1")]), .array([.array([]), bulk("1")]),
    ])
    func badMasterAddressReplies(reply: RESPValue) {
        #expect(throws: SentinelReplyError.self) { try SentinelMasterAddress.parse(reply) }
    }

    @Test func roles() throws {
        #expect(try RedisRole.parse(try decode("*3\r\n$6\r\nmaster\r\n:3129659\r\n*0\r\n")) == .master)
        let replica = try decode("*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:9538\r\n$9\r\nconnected\r\n:3167038\r\n")
        #expect(try RedisRole.parse(replica) == .replica(masterHost: "127.0.0.1", masterPort: 9538))
        #expect(try RedisRole.parse(.array([bulk("sentinel"), .array([bulk("bp")])])) == .sentinel)
        #expect(try RedisRole.parse(.array([bulk("MASTER")])).isMaster)
    }

    @Test(arguments: [
        RESPValue.array([]), .array([bulk("slave")]), .array([bulk("slave"), bulk("h"), bulk("port")]),
        .array([bulk("leader")]), .null, .integer(0), .simpleError(ByteBuffer(string: "NOPERM no")),
        .array([.integer(1)]),
    ])
    func badRoleReplies(reply: RESPValue) {
        #expect(throws: SentinelReplyError.self) { try RedisRole.parse(reply) }
    }

    @Test func switchMasterMessages() throws {
        let push = try decode(
            ">3\r\n$7\r\nmessage\r\n$14\r\n+switch-master\r\n$38\r\nbpmaster 127.0.0.1 6379 127.0.0.1 6380\r\n")
        let event = try #require(SentinelSwitchMaster(message: push))
        #expect(event.masterName == "bpmaster")
        #expect(event.oldAddress == .init(host: "127.0.0.1", port: 6379))
        #expect(event.newAddress == .init(host: "127.0.0.1", port: 6380))
        // RESP2 pub/sub frames are arrays of the same shape.
        #expect(
            SentinelSwitchMaster(message: .array([bulk("message"), bulk("+switch-master"), bulk("m a 1 b 2")])) != nil)
    }

    @Test(arguments: [
        "", "bp 127.0.0.1 6379 127.0.0.1", "bp a 1 b 0", "bp a x b 2", "bp a 1 b 2 extra", "bp a 1 b 70000",
        String(repeating: "x ", count: 2000),
    ])
    func badSwitchMasterPayloads(payload: String) {
        #expect(SentinelSwitchMaster(payload: payload) == nil)
    }

    @Test func otherFramesAreNotSwitches() {
        #expect(SentinelSwitchMaster(message: .push([bulk("subscribe"), bulk("+switch-master"), .integer(1)])) == nil)
        #expect(SentinelSwitchMaster(message: .push([bulk("message"), bulk("+sdown"), bulk("m a 1 b 2")])) == nil)
        #expect(SentinelSwitchMaster(message: .null) == nil)
        #expect(SentinelSwitchMaster(message: .push([bulk("message"), bulk("+switch-master"), .integer(5)])) == nil)
    }
}

@Suite("Sentinel master state (pure)")
struct SentinelMasterStateTests {
    let a = RedisSentinelConfiguration.Address(host: "s1", port: 1)
    let b = RedisSentinelConfiguration.Address(host: "s2", port: 2)
    let c = RedisSentinelConfiguration.Address(host: "s3", port: 3)
    let m1 = RedisSentinelConfiguration.Address(host: "m", port: 6379)
    let m2 = RedisSentinelConfiguration.Address(host: "m", port: 6380)

    @Test func answeringSentinelIsAskedFirst() {
        var state = SentinelMasterState(sentinels: [a, b, c])
        state.sentinelAnswered(c)
        #expect(state.sentinelOrder == [c, a, b])
        state.sentinelAnswered(c)
        #expect(state.sentinelOrder == [c, a, b])
        state.sentinelAnswered(.init(host: "unknown", port: 9))
        #expect(state.sentinelOrder == [c, a, b])
    }

    @Test func resolutionAndDoubt() {
        var state = SentinelMasterState(sentinels: [a])
        #expect(state.master == nil)
        let first = state.resolved(m1)
        #expect(!first, "the first resolution is no change")
        #expect(state.master == m1)
        state.invalidate()
        #expect(state.master == nil)
        let same = state.resolved(m1)
        #expect(!same, "same master again")
        #expect(state.generation == 0)
        let moved = state.resolved(m2)
        #expect(moved)
        #expect(state.generation == 1)
    }

    @Test func switchMasterEvents() {
        var state = SentinelMasterState(sentinels: [a])
        state.resolved(m1)
        let other = SentinelSwitchMaster(masterName: "other", oldAddress: m1, newAddress: m2)
        let otherSwitch = state.switched(other, masterName: "bp")
        #expect(!otherSwitch, "another master's failover")
        #expect(state.master == m1)
        let ours = SentinelSwitchMaster(masterName: "bp", oldAddress: m1, newAddress: m2)
        let ourSwitch = state.switched(ours, masterName: "bp")
        #expect(ourSwitch)
        #expect(state.master == m2 && state.generation == 1)
        let repeated = state.switched(ours, masterName: "bp")
        #expect(!repeated, "every sentinel publishes the same switch")
        #expect(state.generation == 1)
    }
}
