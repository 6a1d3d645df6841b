/// The declaration of one setting: its name, type, default, help text and whether it is secret.
///
/// Every setting is declared once, by the layer that reads it (the engine's wiring, a service
/// module, the HTTP server); `blueprint check-config`, the secrets resolver (`NAME_FILE`, Vault),
/// the log redactor and `docs/configuration.md` all come from these declarations.
public struct Setting: Sendable, Hashable {
    /// What values the setting takes; used for validation messages and the docs.
    public enum Kind: Sendable, Hashable {
        /// Free text.
        case text
        /// An integer within a range.
        case integer(ClosedRange<Int>)
        /// `1`/`0`, `true`/`false`, `on`/`off`, `yes`/`no`.
        case boolean
        /// One of a few words.
        case choice([String])
        /// A URL (the help text names the schemes).
        case url
        /// A file system path.
        case path
    }

    /// The environment variable name (also the settings file key), e.g. `SMTP_URL`.
    public let name: String
    /// What values it takes.
    public let kind: Kind
    /// The value used when unset, as text (`nil`: no default).
    public let defaultValue: String?
    /// How the docs describe the default when it is computed (e.g. "hostname-pid").
    public let defaultDescription: String?
    /// One or two sentences for `--help`, `check-config` and the docs.
    public let help: String
    /// A credential: resolved from `NAME`, `NAME_FILE` or Vault, masked in every log line, never printed.
    public let isSecret: Bool

    /// Declares a setting.
    public init(
        _ name: String, _ kind: Kind = .text, default defaultValue: String? = nil, defaultDescription: String? = nil,
        secret: Bool = false, help: String
    ) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.defaultDescription = defaultDescription
        self.help = help
        self.isSecret = secret
    }

    /// The default as the docs show it.
    public var documentedDefault: String {
        if let defaultDescription { return defaultDescription }
        if let defaultValue { return defaultValue.isEmpty ? "(empty)" : "`\(defaultValue)`" }
        return "none"
    }
}
