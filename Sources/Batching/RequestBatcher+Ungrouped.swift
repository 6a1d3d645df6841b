extension RequestBatcher where Key == Ungrouped {
    /// Submits `item` with the next batch (every item may share it); see ``submit(_:key:)``.
    public func submit(_ item: Item) async throws -> Answer {
        try await self.submit(item, key: Ungrouped())
    }
}
