import JobEngine
import RedisClient

extension QueueInspector {
    /// Dead letters of a queue, oldest first by (entry ID, partition), after the cursor
    /// (exclusive), at most `count`: of one partition, or merged over every partition (each
    /// tagged with its partition when the queue is partitioned).
    public func deadLetters(
        _ keys: QueueKeys, partition: Int? = nil, after: DeadLetterCursor? = nil, count: Int
    ) async throws -> [(partition: Int?, letter: DeadLetter)] {
        let all = self.partitionKeys(keys)
        var merged: [(partition: Int?, letter: DeadLetter)] = []
        for (index, partitionKeys) in all.enumerated() where partition == nil || partition == index {
            let letters = try await DeadLetterStore(keys: partitionKeys, client: self.client).list(
                after: after?.id, includingAfter: after?.includesEqualID(inPartition: index) ?? false, count: count)
            merged += letters.map { (all.count > 1 ? index : nil, $0) }
        }
        guard all.count > 1 else { return merged }
        merged.sort {
            $0.letter.id == $1.letter.id
                ? ($0.partition ?? 0) < ($1.partition ?? 0) : Self.entryIDOrder($0.letter.id, $1.letter.id)
        }
        return Array(merged.prefix(count))
    }

    /// Whether stream entry ID `a` sorts before `b` (`ms-seq`, compared as numbers; anything
    /// unparsable sorts by text after the parsable ones).
    static func entryIDOrder(_ a: String, _ b: String) -> Bool {
        switch (Self.entryIDParts(a), Self.entryIDParts(b)) {
        case (let x?, let y?): return x.0 != y.0 ? x.0 < y.0 : x.1 < y.1
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return a < b
        }
    }

    private static func entryIDParts(_ id: String) -> (UInt64, UInt64)? {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let ms = UInt64(parts[0]), let seq = UInt64(parts[1]) else { return nil }
        return (ms, seq)
    }
}
