import NIOCore
import RESP

extension RedisClient {
    /// ``send(_:timeout:)`` on a cluster: to the slot's master, redirects followed.
    func sendClustered(_ command: RESPCommand, router: RedisClusterRouter, timeout: TimeAmount?) async throws
        -> RESPValue
    {
        let slot = try RedisCommandKeys.slot(of: command)
        let reply = try await Self.sendRaw(command, slot: slot, router: router, timeout: timeout)
        if let message = reply.errorMessage { throw RedisServerError(message: message) }
        return reply
    }

    /// One command through the redirect loop; an error reply as a value.
    private static func sendRaw(
        _ command: RESPCommand, slot: Int?, redirect: RedisServerError.Redirection? = nil,
        router: RedisClusterRouter, timeout: TimeAmount?
    ) async throws -> RESPValue {
        try await router.execute(command.name, slot: slot, redirect: redirect) { pool, asking in
            let connection = try await pool.connection()
            guard asking else { return try await connection.sendRaw(command, timeout: timeout) }
            // ASKING holds for the next command only: both go in one write on the same connection.
            let replies = try await connection.pipeline([RESPCommand("ASKING"), command], timeout: timeout)
            guard replies.count == 2 else {
                throw RedisClientError.protocolError("ASKING pipeline answered \(replies.count) replies")
            }
            return replies[1]
        }
    }

    /// ``pipeline(_:timeout:)`` on a cluster: one sub-pipeline per master, concurrently; replies
    /// that are redirections are retried one by one, in order, through the redirect loop.
    func pipelineClustered(_ commands: [RESPCommand], router: RedisClusterRouter, timeout: TimeAmount?) async throws
        -> [RESPValue]
    {
        if commands.isEmpty { return [] }
        // Every command is checked before anything is sent: one cross-slot command fails them all.
        let slots = try commands.map { try RedisCommandKeys.slot(of: $0) }
        var groups: [RedisConfiguration.Endpoint: [Int]] = [:]
        var order: [RedisConfiguration.Endpoint] = []
        for (index, slot) in slots.enumerated() {
            let endpoint = try await router.endpoint(for: slot)
            if groups[endpoint] == nil { order.append(endpoint) }
            groups[endpoint, default: []].append(index)
        }
        var replies = [RESPValue?](repeating: nil, count: commands.count)
        try await withThrowingTaskGroup(of: (indices: [Int], replies: [RESPValue]?).self) { group in
            for endpoint in order {
                let indices = groups[endpoint]!
                let subPipeline = indices.map { commands[$0] }
                group.addTask {
                    do {
                        let connection = try await router.pool(for: endpoint).connection()
                        return (indices, try await connection.pipeline(subPipeline, timeout: timeout))
                    } catch let error as RedisClientError
                        where error.isConnectFailure || (error == .poolClosed && !router.isClosed)
                    {
                        // Not sent: these go one by one through the redirect loop below.
                        router.requestRefresh()
                        return (indices, nil)
                    }
                }
            }
            for try await result in group {
                guard let subReplies = result.replies else { continue }
                guard subReplies.count == result.indices.count else {
                    throw RedisClientError.protocolError(
                        "pipeline of \(result.indices.count) answered \(subReplies.count) replies")
                }
                for (index, reply) in zip(result.indices, subReplies) { replies[index] = reply }
            }
        }
        var results: [RESPValue] = []
        results.reserveCapacity(commands.count)
        for index in commands.indices {
            if let reply = replies[index], !Self.needsRetry(reply) {
                results.append(reply)
                continue
            }
            let redirection = replies[index]?.errorMessage.flatMap { RedisServerError(message: $0).redirection }
            results.append(
                try await Self.sendRaw(
                    commands[index], slot: slots[index], redirect: redirection, router: router, timeout: timeout))
        }
        return results
    }

    /// A reply that says "not here" or "not now": `MOVED`, `ASK`, `TRYAGAIN`, `CLUSTERDOWN`.
    private static func needsRetry(_ reply: RESPValue) -> Bool {
        guard let message = reply.errorMessage else { return false }
        let error = RedisServerError(message: message)
        return error.redirection != nil || error.prefix == "TRYAGAIN" || error.prefix == "CLUSTERDOWN"
    }

    /// ``sendBlocking(_:blockFor:)`` on a cluster: a dedicated connection on the master of the
    /// stream's (or list's) slot.
    func sendBlockingClustered(_ command: RESPCommand, router: RedisClusterRouter, timeout: TimeAmount) async throws
        -> RESPValue
    {
        let slot = try RedisCommandKeys.slot(of: command)
        let reply = try await router.execute(command.name, slot: slot) { pool, asking in
            try await pool.withDedicatedConnection { connection in
                if asking { try await connection.send(RESPCommand("ASKING")) }
                return try await connection.sendRaw(command, timeout: timeout, isBlocking: true)
            } reusable: { connection, _ in
                connection.isActive
            }
        }
        if let message = reply.errorMessage { throw RedisServerError(message: message) }
        return reply
    }

    /// `SCRIPT LOAD` on every master of a cluster (a script must be known where its keys live).
    func loadClustered(_ script: RedisScript, router: RedisClusterRouter) async throws -> String {
        var sha: String?
        for endpoint in try await router.masters() {
            let reply = try await router.pool(for: endpoint).connection().send(
                RESPCommand("SCRIPT", ["LOAD", script.source]))
            guard let loaded = reply.string else { throw RedisClientError.unexpectedReply("SCRIPT LOAD", reply) }
            sha = loaded
        }
        guard let sha else { throw RedisClientError.clusterTopology("no master to load a script on") }
        return sha
    }
}
