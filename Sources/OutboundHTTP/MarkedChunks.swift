import NIOCore

/// The caller's chunk sequence, its failures marked as ``CallerStreamFailure`` so they are not
/// mistaken for transport failures.
struct MarkedChunks<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let base: Base

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator

        mutating func next() async throws -> ByteBuffer? {
            do {
                return try await self.base.next()
            } catch {
                throw CallerStreamFailure(underlying: error)
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: self.base.makeAsyncIterator()) }
}
