import NIOCore
import RESP

/// Commands on their way to the server with the continuation their replies resume.
///
/// A pipeline is one request: its commands are written together and its replies collected in
/// order on the event loop, so the caller is resumed once, not once per command.
struct RedisRequest: Sendable {
    enum Payload: Sendable {
        /// One command; its continuation is resumed with its reply.
        case single(RESPCommand, UnsafeContinuation<RESPValue, any Error>)
        /// Commands sent together; the continuation is resumed with every reply once the last arrives.
        case pipeline([RESPCommand], UnsafeContinuation<[RESPValue], any Error>)
    }

    let payload: Payload
    /// When the connection gives up on the reply and closes.
    let deadline: NIODeadline
    /// Blocking commands close their connection when cancelled (the server would hold it otherwise).
    let isBlocking: Bool
    /// Identity for cancellation.
    let id: UInt64

    /// Number of replies the request waits for.
    var replyCount: Int {
        switch self.payload {
        case .single: return 1
        case .pipeline(let commands, _): return commands.count
        }
    }

    /// Name of the (first) command, for errors and logs.
    var name: String {
        switch self.payload {
        case .single(let command, _): return command.name
        case .pipeline(let commands, _): return commands.first?.name ?? "PIPELINE"
        }
    }

    /// Resumes the caller with `error`; call at most once, and only if no reply resumed it.
    func fail(_ error: any Error) {
        switch self.payload {
        case .single(_, let continuation): continuation.resume(throwing: error)
        case .pipeline(_, let continuation): continuation.resume(throwing: error)
        }
    }
}
