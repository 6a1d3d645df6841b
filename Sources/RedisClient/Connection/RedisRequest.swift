import NIOCore
import RESP

/// A command on its way to the server with the promise its reply completes.
struct RedisRequest: Sendable {
    let command: RESPCommand
    let promise: EventLoopPromise<RESPValue>
    /// When the connection gives up on the reply and closes.
    let deadline: NIODeadline
    /// Blocking commands close their connection when cancelled (the server would hold it otherwise).
    let isBlocking: Bool
    /// Identity for cancellation.
    let id: UInt64
}
