import Foundation
import SettingsModel

/// Settings of the worker's HTTP server (DESIGN.md section 6), read from the merged settings.
public struct ServerSettings: Sendable {
    /// `BLUEPRINT_HTTP_HOST`: the address the HTTP server binds.
    public var host: String = "127.0.0.1"
    /// `BLUEPRINT_HTTP_PORT`: its port; `0` picks a free one (tests).
    public var port: Int = 8080
    /// `BLUEPRINT_ADMIN_TOKEN` (or the file named by `BLUEPRINT_ADMIN_TOKEN_FILE`): the bearer
    /// token of the admin API; `nil` refuses every admin request.
    public var adminToken: String?

    /// The shortest admin token accepted: a guessable token would open the admin API.
    public static let minimumTokenLength = 16

    /// The HTTP server's settings section.
    public static let groups: [SettingGroup] = [
        SettingGroup(
            "HTTP", summary: "Health, metrics, admin API and dashboard.",
            settings: [
                Setting("BLUEPRINT_HTTP_HOST", default: "127.0.0.1", help: "Address the HTTP server binds (`0.0.0.0` in containers)."),
                Setting("BLUEPRINT_HTTP_PORT", .integer(0...65_535), default: "8080", help: "Its port; `0` picks a free one."),
                Setting(
                    "BLUEPRINT_ADMIN_TOKEN", secret: true,
                    help: "Bearer token of the admin API (at least 16 characters); unset: the admin API refuses every request."),
            ])
    ]

    /// Creates the defaults.
    public init() {}

    /// Reads the settings from `values`, appending one line per bad value to `problems`
    /// (naming the setting, never echoing a secret).
    public static func parse(_ values: [String: String], problems: inout [String]) -> ServerSettings {
        var settings = ServerSettings()
        if let host = values["BLUEPRINT_HTTP_HOST"], !host.isEmpty {
            if host.contains(where: { $0.isWhitespace || $0 == "/" }) {
                problems.append("BLUEPRINT_HTTP_HOST must be an IP address or host name, e.g. 0.0.0.0 or 127.0.0.1")
            } else {
                settings.host = host
            }
        }
        if let text = values["BLUEPRINT_HTTP_PORT"], !text.isEmpty {
            if let port = Int(text), (0...65_535).contains(port) {
                settings.port = port
            } else {
                problems.append("BLUEPRINT_HTTP_PORT must be an integer in 0...65535")
            }
        }
        var token = values["BLUEPRINT_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        if token == nil, let path = values["BLUEPRINT_ADMIN_TOKEN_FILE"], !path.isEmpty {
            if let data = FileManager.default.contents(atPath: path) {
                token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            } else {
                problems.append("BLUEPRINT_ADMIN_TOKEN_FILE: cannot read the file \(path)")
            }
        }
        if let token {
            if token.count < Self.minimumTokenLength || token.contains(where: { $0.isWhitespace }) {
                problems.append(
                    "BLUEPRINT_ADMIN_TOKEN must be at least \(Self.minimumTokenLength) characters without spaces (e.g. `openssl rand -hex 24`)"
                )
            } else {
                settings.adminToken = token
            }
        }
        return settings
    }
}
