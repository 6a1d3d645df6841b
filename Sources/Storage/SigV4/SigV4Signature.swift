/// The result of ``SigV4Signer/sign(method:path:query:headers:payloadHash:timestamp:)``: the
/// headers to add to the request, and the intermediate strings (for tests and debugging; they
/// hold no secret, but are not meant for logs either).
public struct SigV4Signature: Sendable {
    /// The `Authorization` header value.
    public let authorization: String
    /// The `x-amz-date` header value.
    public let amzDate: String
    /// The hex signature.
    public let signature: String
    /// `host;x-amz-date;...`: the signed header names.
    public let signedHeaders: String
    /// The canonical request that was hashed.
    public let canonicalRequest: String
    /// The string that was signed.
    public let stringToSign: String
}
