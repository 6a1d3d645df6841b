extension QueuePartitions {
    /// Longest `BLUEPRINT_PARTITIONS` value accepted.
    public static let maximumSettingLength = 4096

    /// Parses `email_queue=4,sms_queue=2` (spaces around names and numbers allowed, empty items
    /// skipped).
    ///
    /// - Throws: ``QueuePartitionSettingError`` for the first bad pair: not `queue=n`, a count
    ///   outside 1...``maximumCount``, a queue not in `knownQueues`, a queue listed twice, or a value
    ///   longer than ``maximumSettingLength``.
    public static func parse(_ text: String, knownQueues: Set<String>) throws(QueuePartitionSettingError) -> QueuePartitions {
        guard text.utf8.count <= Self.maximumSettingLength else { throw .tooLong(Self.maximumSettingLength) }
        var counts: [String: Int] = [:]
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = item.trimmingSpaces
            if pair.isEmpty { continue }
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw .malformed(pair) }
            let name = parts[0].trimmingSpaces
            let number = parts[1].trimmingSpaces
            guard !name.isEmpty, !number.isEmpty else { throw .malformed(pair) }
            guard number.count <= 4, number.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                let numeric = number.dropFirst(number.first == "-" ? 1 : 0).allSatisfy { $0.isASCII && $0.isNumber }
                throw numeric ? QueuePartitionSettingError.count(pair) : QueuePartitionSettingError.malformed(pair)
            }
            guard let count = Int(number), (1...Self.maximumCount).contains(count) else { throw .count(pair) }
            guard knownQueues.contains(String(name)) else { throw .unknownQueue(name) }
            guard counts.updateValue(count, forKey: String(name)) == nil else { throw .duplicate(name) }
        }
        return QueuePartitions(counts)
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: Substring {
        var slice = self
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return slice
    }
}
