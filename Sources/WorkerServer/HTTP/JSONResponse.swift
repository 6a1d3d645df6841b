import Foundation
import Hummingbird

/// JSON responses of the admin API and probes.
enum JSONResponse {
    /// `value` encoded with snake_case keys.
    static func make(_ status: HTTPResponse.Status = .ok, _ value: some Encodable) -> Response {
        let data = (try? JSONEncoder.snakeCase.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `{"error": message}`.
    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        self.make(status, ["error": message])
    }
}
