import NIOConcurrencyHelpers
import RESP
import Tracing

/// A Lua script run with `EVALSHA`; loaded with `SCRIPT LOAD` on first use and again on NOSCRIPT
/// (after `SCRIPT FLUSH`, a restart, or a failover).
public struct RedisScript: Sendable, Hashable {
    /// The Lua source.
    public let source: String
    /// A short name for logs and errors.
    public let name: String

    /// `EVALSHA <name>`, the name of its spans; made once, so a call costs no string when tracing is off.
    let spanName: String

    public init(name: String, source: String) {
        self.name = name
        self.source = source
        self.spanName = "EVALSHA \(name)"
    }
}

/// SHA1s returned by `SCRIPT LOAD`, by source.
final class RedisScriptCache: Sendable {
    private let shas = NIOLockedValueBox<[String: String]>([:])

    func sha(for script: RedisScript) -> String? {
        self.shas.withLockedValue { $0[script.source] }
    }

    func store(_ sha: String, for script: RedisScript) {
        self.shas.withLockedValue { $0[script.source] = sha }
    }
}

extension RedisClient {
    /// Runs `script` with `EVALSHA`, loading it transparently when the server does not know it.
    ///
    /// One client span `EVALSHA <name>` per call (a child of the caller's span; nothing recorded
    /// when no tracer is bootstrapped). Keys and arguments are never recorded.
    @discardableResult
    public func eval(_ script: RedisScript, keys: [String], arguments: [String]) async throws -> RESPValue {
        try await withSpan(script.spanName, ofKind: .client) { span in
            Self.describe(script, calls: 1, on: span)
            return try await self.evalUntraced(script, keys: keys, arguments: arguments)
        }
    }

    private func evalUntraced(_ script: RedisScript, keys: [String], arguments: [String]) async throws -> RESPValue {
        var sha = self.scripts.sha(for: script)
        if sha == nil { sha = try await self.load(script) }
        do {
            return try await self.send(Self.evalshaCommand(sha!, keys: keys, arguments: arguments))
        } catch let error as RedisServerError where error.isNoScript {
            let reloaded = try await self.load(script)
            return try await self.send(Self.evalshaCommand(reloaded, keys: keys, arguments: arguments))
        }
    }

    /// Runs `script` once per argument set in one pipeline; results (error replies as values) in order.
    /// One client span for the whole pipeline.
    public func evalPipeline(_ script: RedisScript, calls: [(keys: [String], arguments: [String])]) async throws -> [RESPValue] {
        try await withSpan(script.spanName, ofKind: .client) { span in
            Self.describe(script, calls: calls.count, on: span)
            return try await self.evalPipelineUntraced(script, calls: calls)
        }
    }

    /// The span attributes of a script call (OpenTelemetry's database conventions).
    private static func describe(_ script: RedisScript, calls: Int, on span: any Span) {
        guard span.isRecording else { return }
        span.attributes["db.system.name"] = "redis"
        span.attributes["db.operation.name"] = "EVALSHA"
        span.attributes["db.stored_procedure.name"] = script.name
        if calls != 1 { span.attributes["db.operation.batch.size"] = calls }
    }

    private func evalPipelineUntraced(_ script: RedisScript, calls: [(keys: [String], arguments: [String])]) async throws -> [RESPValue] {
        var sha = self.scripts.sha(for: script)
        if sha == nil { sha = try await self.load(script) }
        let commands = calls.map { Self.evalshaCommand(sha!, keys: $0.keys, arguments: $0.arguments) }
        var replies = try await self.pipeline(commands)
        // Only the calls that met NOSCRIPT are run again: on a cluster the others ran on nodes
        // that knew the script, and running them twice would repeat their writes.
        let missing = replies.indices.filter { replies[$0].errorMessage.map { RedisServerError(message: $0).isNoScript } ?? false }
        guard !missing.isEmpty else { return replies }
        let reloaded = try await self.load(script)
        let rerun = try await self.pipeline(
            missing.map { Self.evalshaCommand(reloaded, keys: calls[$0].keys, arguments: calls[$0].arguments) })
        for (index, reply) in zip(missing, rerun) { replies[index] = reply }
        return replies
    }

    /// Loads `script` with `SCRIPT LOAD` (on every master of a cluster) and caches its SHA1.
    @discardableResult
    public func load(_ script: RedisScript) async throws -> String {
        let sha: String
        if case .cluster(let router) = self.backend {
            sha = try await self.loadClustered(script, router: router)
        } else {
            let reply = try await self.send(RESPCommand("SCRIPT", ["LOAD", script.source]))
            guard let loaded = reply.string else { throw RedisClientError.unexpectedReply("SCRIPT LOAD", reply) }
            sha = loaded
        }
        self.scripts.store(sha, for: script)
        return sha
    }

    static func evalshaCommand(_ sha: String, keys: [String], arguments: [String]) -> RESPCommand {
        var command = RESPCommand("EVALSHA")
        command.append(sha)
        command.append(keys.count)
        command.append(contentsOf: keys)
        command.append(contentsOf: arguments)
        return command
    }
}
