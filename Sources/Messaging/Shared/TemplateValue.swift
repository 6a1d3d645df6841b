/// A JSON value from a job's `vars`, turned into what the template engine renders.
public enum TemplateValue: Decodable, Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case array([TemplateValue])
    case object([String: TemplateValue])
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([TemplateValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: TemplateValue].self)) }
    }

    /// The value as Swift dictionaries, arrays and scalars (what swift-mustache walks).
    public var renderable: Any {
        switch self {
        case .string(let value): value
        case .int(let value): value
        case .double(let value): value
        case .bool(let value): value
        case .array(let values): values.map(\.renderable)
        case .object(let values): values.mapValues(\.renderable)
        case .null: Optional<String>.none as Any
        }
    }

    /// Whether the value counts as not given: `null`, or a string that is empty or only whitespace
    /// (so a section `{{#name}}` does not greet "Hello ," and a required variable is not blank).
    var isBlank: Bool {
        switch self {
        case .null: true
        case .string(let value): value.allSatisfy(\.isWhitespace)
        default: false
        }
    }

    /// Nesting depth, to refuse hostile deeply nested `vars`.
    var depth: Int {
        switch self {
        case .array(let values): 1 + (values.map(\.depth).max() ?? 0)
        case .object(let values): 1 + (values.values.map(\.depth).max() ?? 0)
        default: 0
        }
    }
}
