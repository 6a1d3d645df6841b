import Foundation

/// Decodes a provider's JSON answer, turning any decoding failure into a short, safe message
/// (never the body itself).
enum ProviderJSON {
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], provider: SocialProvider, what: String)
        throws(SocialAPIError) -> T
    {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
            throw .badResponse(provider, "\(what) is not valid JSON (\(bytes.count) bytes)")
        } catch let DecodingError.keyNotFound(key, _) {
            throw .badResponse(provider, "\(what) lacks '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .badResponse(provider, "\(what) has a field of the wrong type ('\(path.prefix(80))')")
        } catch {
            throw .badResponse(provider, "\(what) could not be read")
        }
    }
}
