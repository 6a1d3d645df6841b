import RESP
import RedisClient

/// Keys matching `pattern`, by SCAN (never KEYS on the shared test server). The pattern starts
/// with a `{hash tag}`: on a cluster, the SCAN runs on the node serving that tag's slot.
public func scanKeys(_ client: RedisClient, _ pattern: String) async throws -> [String] {
    let tag = pattern.firstIndex(of: "}").map { String(pattern[...$0]) } ?? pattern
    return try await client.withConnection(forKey: tag) { connection in
        var cursor = "0"
        var found: [String] = []
        repeat {
            let reply = try await connection.send(RESPCommand("SCAN", [cursor, "MATCH", pattern, "COUNT", "1000"]))
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string else { break }
            found += parts[1].array?.compactMap(\.string) ?? []
            cursor = next
        } while cursor != "0"
        return found
    }
}
