import Foundation

/// The declaration of a job type: its name, arguments, limits and the dependencies it needs.
///
/// ```swift
/// struct ReportArguments: Codable, Sendable { var to: String; var period: String }
/// let sendReport = JobDefinition<ReportArguments>(name: "send_report", timeout: .seconds(30),
///                                                   dependencies: ["mail-relay"]) { args throws(JobError) in
///     guard args.to.contains("@") else { throw .permanent("invalid address") }
/// }
/// ```
public struct JobDefinition<Arguments: Decodable & Sendable>: Sendable {
    /// The `type` in `job_data`.
    public let name: String
    /// Longest a run may take; past it the run is cancelled and counted as a transient failure.
    public var timeout: Duration
    /// Retries after transient failures.
    public var retryPolicy: RetryPolicy
    /// External dependencies (`mail-relay`, `payments-api`...; declared by the service), one circuit breaker each.
    public var dependencies: [String]
    /// Checks the decoded arguments; throw a permanent ``JobError`` to dead-letter the job.
    public var validate: (@Sendable (Arguments) throws(JobError) -> Void)?

    public init(
        name: String,
        timeout: Duration = .seconds(60),
        retryPolicy: RetryPolicy = .default,
        dependencies: [String] = [],
        validate: (@Sendable (Arguments) throws(JobError) -> Void)? = nil
    ) {
        self.name = name
        self.timeout = timeout
        self.retryPolicy = retryPolicy
        self.dependencies = dependencies
        self.validate = validate
    }
}

/// A registered job type with its arguments type erased: JSON in, JSON result out.
public struct AnyJobHandler: Sendable {
    public let name: String
    public let timeout: Duration
    public let retryPolicy: RetryPolicy
    public let dependencies: [String]
    /// Queues the type may arrive on; `nil` means any.
    public let queues: Set<String>?
    let run: @Sendable (JobPayloadDecoder.Payload, JobContext) async throws -> String?

    public init<Arguments, Result: Encodable & Sendable>(
        _ definition: JobDefinition<Arguments>,
        queues: Set<String>? = nil,
        handler: @escaping @Sendable (Arguments, JobContext) async throws -> Result
    ) {
        self.name = definition.name
        self.timeout = definition.timeout
        self.retryPolicy = definition.retryPolicy
        self.dependencies = definition.dependencies
        self.queues = queues
        let validate = definition.validate
        // One decoder and encoder per job type, not per job: building them costs more than
        // decoding a small payload. Both are thread-safe.
        let decoder = JSONDecoder()
        let encoder = JSONEncoder()
        self.run = { payload, context in
            let arguments: Arguments
            do {
                // `{"type":"t"}` alone (no arguments): decoded without `JSONDecoder` when the
                // arguments are all optional; anything else falls back to it.
                if payload.hasOnlyType, let absent = AbsentArgumentsDecoder.decode(Arguments.self) {
                    arguments = absent
                } else {
                    arguments = try decoder.decode(Arguments.self, from: payload.json)
                }
            } catch let error as DecodingError {
                throw JobError.permanent(Self.describe(error))
            }
            try validate?(arguments)
            let result = try await handler(arguments, context)
            if result is JobNoResult { return "null" }
            let data = try encoder.encode(result)
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// A clear message for an argument decoding failure, naming the argument but never its value.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = (codingPath + (last.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "arguments" : "argument '\(keys.joined(separator: "."))'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "invalid arguments: missing \(path(context.codingPath, key))"
        case .typeMismatch(let type, let context):
            return "invalid arguments: \(path(context.codingPath)) must be \(Self.typeName(type))"
        case .valueNotFound(let type, let context):
            return "invalid arguments: \(path(context.codingPath)) must be \(Self.typeName(type)), not null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "invalid arguments: not valid JSON" : "invalid arguments: \(path(context.codingPath)) is invalid"
        @unknown default:
            return "invalid arguments"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "a boolean"
        default: return "\(type)"
        }
    }
}

/// The result of a handler that has nothing to report (`result` is omitted from the outcome).
public struct JobNoResult: Encodable, Sendable {
    public init() {}
}

/// Job types by name.
public struct JobRegistry: Sendable {
    private(set) var handlers: [String: AnyJobHandler] = [:]

    public init() {}

    /// Registers `handler` for `definition`; a later registration of the same name replaces it.
    public mutating func register<Arguments, Result: Encodable & Sendable>(
        _ definition: JobDefinition<Arguments>,
        queues: Set<String>? = nil,
        handler: @escaping @Sendable (Arguments, JobContext) async throws -> Result
    ) {
        self.handlers[definition.name] = AnyJobHandler(definition, queues: queues, handler: handler)
    }

    /// Registers an already type-erased handler.
    public mutating func register(_ handler: AnyJobHandler) {
        self.handlers[handler.name] = handler
    }

    /// The handler of `type`, if registered.
    public func handler(for type: String) -> AnyJobHandler? {
        self.handlers[type]
    }

    /// Names of the registered job types.
    public var names: [String] { self.handlers.keys.sorted() }

    /// Every registered handler, by name.
    public var all: [AnyJobHandler] { self.handlers.keys.sorted().map { self.handlers[$0]! } }
}
