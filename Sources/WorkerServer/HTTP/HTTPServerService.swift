import Logging
import NIOCore
import ServiceLifecycle

/// Runs the HTTP application as a `Service`, turning a failure to bind into an error that names
/// the address and the settings that chose it (the worker then exits: a worker whose probes
/// cannot answer would be restarted by its orchestrator anyway).
public struct HTTPServerService<Application: Service>: Service {
    let application: Application
    let address: String

    /// Wraps `application`, which listens on `address` (`host:port`).
    public init(application: Application, address: String) {
        self.application = application
        self.address = address
    }

    public func run() async throws {
        do {
            try await self.application.run()
        } catch let error as IOError {
            throw HTTPServerError(
                message:
                    "cannot listen on \(self.address) (BLUEPRINT_HTTP_HOST / BLUEPRINT_HTTP_PORT): \(error.description)"
            )
        }
    }
}
