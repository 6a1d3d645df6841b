/// Where a page of dead letters ends, for the next page: a stream entry ID, and for a partitioned
/// queue the partition that entry came from (`1700000000000-0@2`).
///
/// Entry IDs are unique only within one stream: two partitions can hold a letter with the same ID.
/// The merged listing orders letters by (ID, partition), and the cursor carries both, so a page
/// boundary between two equal IDs neither skips nor repeats a letter.
public struct DeadLetterCursor: Sendable, Equatable, CustomStringConvertible {
    /// The entry ID of the last letter of the page.
    public var id: String
    /// The partition that letter came from; `nil` for a plain ID (the next page then starts
    /// after `id` in every partition).
    public var partition: Int?

    /// A cursor at `id` in `partition`.
    public init(id: String, partition: Int? = nil) {
        self.id = id
        self.partition = partition
    }

    /// Parses `<ms>-<seq>` or `<ms>-<seq>@<partition>`; `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, Self.isEntryID(first) else { return nil }
        self.id = String(first)
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let partition = Int(digits)
            else { return nil }
            self.partition = partition
        } else {
            self.partition = nil
        }
    }

    /// `<id>` or `<id>@<partition>`, as `init?(_:)` reads it.
    public var description: String {
        self.partition.map { "\(self.id)@\($0)" } ?? self.id
    }

    /// Whether partition `index` still holds letters with ID equal to the cursor's for the next
    /// page: only the partitions after the cursor's own, in the (ID, partition) order.
    public func includesEqualID(inPartition index: Int) -> Bool {
        guard let partition = self.partition else { return false }
        return index > partition
    }

    /// `<ms>-<seq>`, both decimal, at most 20 digits each.
    static func isEntryID(_ text: Substring) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2
            && parts.allSatisfy { !$0.isEmpty && $0.count <= 20 && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
