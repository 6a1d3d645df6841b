import ClamAV
import Foundation
import Logging
import TestSupport
import Testing

/// The servers and settings the file-job tests use (`make test` starts clamd and SeaweedFS).
enum FilesTestEnv {
    static let env = ProcessInfo.processInfo.environment

    /// Redis, clamd and libvips: the process_document / optimize_image suites.
    static var available: Bool { env["REDIS_PORT"] != nil && TestClamd.isAvailable }
    static var suitesRun: Bool { TestServers.shouldRun(available) }
    /// Also SeaweedFS.
    static var s3SuitesRun: Bool { TestServers.shouldRun(available && TestS3.isAvailable) }

    static let logger: Logger = {
        var logger = Logger(label: "files-test")
        logger.logLevel = env["TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        return logger
    }()

    static func queue() -> String { "t_files_\(UUID().uuidString.prefix(8).lowercased())" }

    /// The shared clamd of `make test`.
    static func sharedScanner() throws -> ClamdClient {
        let address = try ClamdAddress.parse(try #require(TestClamd.address))
        return ClamdClient(configuration: .init(address: address, connectTimeout: .seconds(2), timeout: .seconds(60)), logger: logger)
    }
}

/// JSON string escaping for job arguments built by hand.
func quoted(_ text: String) -> String {
    let data = try? JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])
    let array = String(decoding: data ?? Data(), as: UTF8.self)
    return String(array.dropFirst().dropLast())
}
