import Foundation

extension JSONEncoder {
    /// The encoder of every JSON body the server writes: snake_case keys, sorted, slashes unescaped.
    static var snakeCase: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
