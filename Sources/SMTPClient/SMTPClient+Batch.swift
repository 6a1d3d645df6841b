import SMTPProtocol

extension SMTPClient {
    /// Sends many messages over as few pooled sessions as the batch needs, several messages per
    /// session (pipelined when the server offers PIPELINING), and returns one result per message,
    /// in order. Never throws: each message fails on its own (a 5xx recipient, a 4xx, a size the
    /// server refuses) without failing the others.
    ///
    /// The batch is split into at most ``SMTPClientConfiguration/maximumConnections`` consecutive
    /// slices of at least ``minimumMessagesPerSession`` messages, each sent on one leased
    /// connection, the slices concurrently. When a connection fails mid-slice, the message whose
    /// data was written but not confirmed and the rest of its slice fail with the connection's
    /// error (transient): their senders retry them. A pooled connection the server had closed
    /// while idle, found before any data went out, is replaced once, as ``send(bytes:from:to:requiresSMTPUTF8:)`` does.
    public func send(batch: [SMTPBatchMessage]) async -> [Result<SMTPDelivery, SMTPError>] {
        guard !batch.isEmpty else { return [] }
        let slices = Self.slices(
            count: batch.count, sessions: self.configuration.maximumConnections,
            minimumPerSession: Self.minimumMessagesPerSession)
        if slices.count == 1 { return await self.send(slice: batch) }
        return await withTaskGroup(of: (Int, [Result<SMTPDelivery, SMTPError>]).self) { group in
            for (number, range) in slices.enumerated() {
                let slice = Array(batch[range])
                group.addTask { (number, await self.send(slice: slice)) }
            }
            var bySlice: [[Result<SMTPDelivery, SMTPError>]] = Array(repeating: [], count: slices.count)
            for await (number, results) in group { bySlice[number] = results }
            return bySlice.flatMap { $0 }
        }
    }

    /// Fewest messages worth a session of their own: below this, a second connection costs more
    /// (TCP, TLS, EHLO, AUTH) than waiting behind the first one's round trips.
    public static let minimumMessagesPerSession = 8

    /// Consecutive index ranges covering `0..<count`: as many as `sessions` allows while each
    /// keeps at least `minimumPerSession` messages, sizes differing by at most one.
    static func slices(count: Int, sessions: Int, minimumPerSession: Int) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let n = max(1, min(sessions, count / max(1, minimumPerSession)))
        let base = count / n
        let extra = count % n
        var ranges: [Range<Int>] = []
        var start = 0
        for index in 0..<n {
            let size = base + (index < extra ? 1 : 0)
            ranges.append(start..<(start + size))
            start += size
        }
        return ranges
    }

    /// One slice on one leased connection.
    private func send(slice: [SMTPBatchMessage]) async -> [Result<SMTPDelivery, SMTPError>] {
        var attempt = 0
        while true {
            attempt += 1
            let lease: SMTPConnectionPool.Lease
            do {
                lease = try await self.pool.lease()
            } catch {
                return slice.map { _ in .failure(error) }
            }
            let outcome = await lease.connection.send(batch: slice, reset: lease.used)
            let broken = outcome.results.contains { result in
                if case .failure(let error) = result { return error.isConnectionFailure }
                return false
            }
            await self.pool.release(lease, reusable: !broken && lease.connection.isActive)
            // A pooled connection the server dropped while idle, before any data went out: once more on a fresh one.
            if lease.used, attempt == 1, !outcome.dataWritten, case .failure(let error) = outcome.results[0],
                error.code == .closed
            {
                self.logger.debug("smtp pooled connection was closed; retrying the batch on a new one")
                continue
            }
            return outcome.results
        }
    }
}
