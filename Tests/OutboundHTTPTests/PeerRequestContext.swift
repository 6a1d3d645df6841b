import Hummingbird

/// A request context that remembers the client's port, so a fake can count connections.
struct PeerRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The remote port of the connection the request came on.
    let remotePort: Int?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remotePort = source.channel.remoteAddress?.port
    }
}
