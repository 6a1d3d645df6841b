import RESP
import RedisClient
import TestSupport
import Testing

@Suite("AUTH with ACL users and SELECT", .timeLimit(.minutes(1)))
struct RedisAuthTests {
    /// Creates an ACL user on the shared server for the duration of `body`, then deletes it.
    private func withACLUser<T>(
        password: String, rules: [String] = ["~*", "&*", "+@all"], _ body: (String) async throws -> T
    ) async throws -> T {
        let user = TestRedis.uniqueName("acl")
        let admin = try await RedisConnection.connect(configuration: TestRedis.configuration, logger: TestRedis.logger)
        return try await withCleanup {
            try await admin.send(RESPCommand("ACL", ["SETUSER", user, "reset", "on", ">\(password)"] + rules))
            return try await body(user)
        } cleanup: {
            _ = try? await admin.send(RESPCommand("ACL", ["DELUSER", user]))
            await admin.close()
        }
    }

    /// The `field=value` pairs of `CLIENT INFO`.
    private func clientInfo(_ client: RedisClient) async throws -> [String: String] {
        let info = try await client.send("CLIENT", "INFO").string ?? ""
        return Dictionary(
            info.split(whereSeparator: { $0 == " " || $0.isNewline }).map { field -> (String, String) in
                let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            }, uniquingKeysWith: { first, _ in first })
    }

    @Test func connectsAsAnACLUser() async throws {
        try await self.withACLUser(password: "s3cret-pass") { user in
            var configuration = TestRedis.configuration
            configuration.username = user
            configuration.password = "s3cret-pass"
            configuration.clientName = TestRedis.uniqueName("auth")
            try await withClient(configuration) { client in
                #expect(try await client.send("ACL", "WHOAMI").string == user)
                let info = try await self.clientInfo(client)
                #expect(info["user"] == user)
                #expect(info["name"] == configuration.clientName)
                #expect(info["resp"] == "3")
            }
        }
    }

    @Test func urlWithCredentialsSelectsTheDatabase() async throws {
        // Reserved characters in the password are percent-encoded in the URL.
        let password = "p@ss:w/rd%"
        try await self.withACLUser(password: password) { user in
            let url = "redis://\(user):p%40ss%3Aw%2Frd%25@\(TestRedis.host):\(TestRedis.port)/2"
            var configuration = try RedisConfiguration(url: url)
            #expect(configuration.password == password)
            configuration.connectTimeout = .seconds(3)
            let key = TestRedis.key()
            try await withClient(configuration) { client in
                #expect(try await client.send("ACL", "WHOAMI").string == user)
                #expect(try await self.clientInfo(client)["db"] == "2")
                try await client.send("SET", key, "in-db-2")
            }
            var database2 = TestRedis.configuration
            database2.database = 2
            try await withClient(database2) { client in
                #expect(try await client.send("GET", key).string == "in-db-2")
                try await client.send("DEL", key)
            }
            try await withClient { client in
                let value = try await client.send("GET", key)
                #expect(value.isNull)
            }
        }
    }

    @Test func wrongPasswordFailsWithAClearError() async throws {
        try await self.withACLUser(password: "right-password") { user in
            var configuration = TestRedis.configuration
            configuration.username = user
            configuration.password = "wrong-password-xyz"
            configuration.connectTimeout = .seconds(1)

            let direct = await #expect(throws: RedisClientError.self) {
                try await RedisConnection.connect(configuration: configuration, logger: TestRedis.logger)
            }
            #expect(direct?.message.contains("WRONGPASS") == true)
            #expect(direct.map { "\($0)".contains("wrong-password-xyz") } == false)

            // Through the pool: the command waits for the connect timeout, then reports why.
            try await withClient(configuration) { client in
                let error = await #expect(throws: RedisClientError.self) { try await client.send("PING") }
                #expect(error?.isConnectionFailure == true)
                #expect(error?.message.contains("WRONGPASS") == true)
                #expect(error.map { "\($0)".contains("wrong-password-xyz") } == false)
            }

            configuration.username = TestRedis.uniqueName("nobody")
            await #expect(throws: RedisClientError.self) {
                try await RedisConnection.connect(configuration: configuration, logger: TestRedis.logger)
            }
        }
    }

    @Test func commandsOutsideTheUsersRightsAreRefused() async throws {
        let rules = ["~allowed:*", "+get", "+set", "+hello", "+ping"]
        try await self.withACLUser(password: "limited", rules: rules) { user in
            var configuration = TestRedis.configuration
            configuration.username = user
            configuration.password = "limited"
            let connection = try await RedisConnection.connect(configuration: configuration, logger: TestRedis.logger)
            try await withCleanup {
                try await connection.send(RESPCommand("SET", ["allowed:\(user)", "1"]))
                let error = await #expect(throws: RedisServerError.self) {
                    try await connection.send(RESPCommand("SET", ["forbidden:\(user)", "1"]))
                }
                #expect(error?.prefix == "NOPERM")
                let command = await #expect(throws: RedisServerError.self) {
                    try await connection.send(RESPCommand("FLUSHALL"))
                }
                #expect(command?.prefix == "NOPERM")
                #expect(connection.isActive)
                #expect(try await connection.send(RESPCommand("PING")).string == "PONG")
            } cleanup: {
                await connection.close()
            }
        }
    }
}
