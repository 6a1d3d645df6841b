/// Why a `BLUEPRINT_PARTITIONS` value was refused. Messages quote at most 64 characters of the
/// offending pair.
public struct QueuePartitionSettingError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case tooLong, malformed, count, unknownQueue, duplicate
    }

    private let code: Code
    /// One line for an operator.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    static func tooLong(_ limit: Int) -> Self {
        Self(.tooLong, "BLUEPRINT_PARTITIONS is longer than \(limit) characters")
    }

    static func malformed(_ pair: Substring) -> Self {
        Self(.malformed, "BLUEPRINT_PARTITIONS: '\(pair.prefix(64))' is not queue=n (e.g. email_queue=4,sms_queue=2)")
    }

    static func count(_ pair: Substring) -> Self {
        Self(.count, "BLUEPRINT_PARTITIONS: '\(pair.prefix(64))': the count must be 1...\(QueuePartitions.maximumCount)")
    }

    static func unknownQueue(_ name: Substring) -> Self {
        Self(.unknownQueue, "BLUEPRINT_PARTITIONS: unknown queue '\(name.prefix(64))' (not in BLUEPRINT_QUEUES)")
    }

    static func duplicate(_ name: Substring) -> Self {
        Self(.duplicate, "BLUEPRINT_PARTITIONS: queue '\(name.prefix(64))' is listed twice")
    }

    public var description: String { self.message }
}
