import OutboundHTTP

/// Turns an S3 answer or a transport failure into a ``StorageError``: pure, no I/O.
enum S3ResponseClassifier {
    /// `nil` for 2xx; else the error for `status` and the error document in `body`.
    ///
    /// 404 is ``StorageError/notFound`` unless the server says the bucket or upload is missing
    /// (a configuration problem: refused). 408, 429 and 5xx are transient (unavailable); other
    /// statuses, redirects included, are refused (permanent).
    static func error(status: Int, body: String, operation: String) -> StorageError? {
        if (200..<300).contains(status) { return nil }
        let document = S3ErrorDocument(body: body)
        switch status {
        case 404 where document.code == nil || document.code == "NoSuchKey":
            return .notFound(operation: operation)
        case 408, 429, 500...599:
            var detail = "\(operation) answered HTTP \(status)"
            if let code = document.code { detail += " \(code)" }
            return .unavailable(detail, status: status, serverCode: document.code)
        default:
            return .refused(status: status, serverCode: document.code, document.message, operation: operation)
        }
    }

    /// The error of a 200 answer whose body is an `<Error>` document (S3 does that for
    /// `CompleteMultipartUpload`), else `nil`.
    static func errorInSuccessBody(_ body: String, operation: String) -> StorageError? {
        guard body.contains("<Error>") else { return nil }
        let document = S3ErrorDocument(body: body)
        if document.code == "InternalError" || document.code == "SlowDown" || document.code == "ServiceUnavailable" {
            return .unavailable("\(operation) failed: \(document.code ?? "")", status: 200, serverCode: document.code)
        }
        return .refused(status: 200, serverCode: document.code, document.message, operation: operation)
    }

    /// A transport failure: transient unless the URL is wrong, the caller's file failed or the
    /// task was cancelled. `responseTooLarge` only happens when streaming a download past its cap.
    static func error(_ error: OutboundHTTPError, operation: String, limit: Int?) -> StorageError {
        switch error {
        case .invalidURL: return .invalidConfiguration("\(operation): \(error.message)")
        case .callerStream: return .localFile("\(operation): \(error.message)")
        case .cancelled: return .cancelled
        case .responseTooLarge:
            if let limit { return .tooLarge(limit: limit, size: nil) }
            return .unavailable("\(operation): \(error.message)")
        default: return .unavailable("\(operation): \(error.message)")
        }
    }
}
