import Foundation
import SettingsModel

/// What swift-otel is bootstrapped with, worked out from the worker's settings: pure, no I/O.
///
/// The process's own `OTEL_*` variables are kept (swift-otel reads every standard one), and the
/// declared ``TracingSettings`` found in the settings file or secrets (`OTEL_EXPORTER_OTLP_HEADERS_FILE`,
/// Vault) are laid over them, so a deployment configures tracing like any other setting.
public struct TracingEnvironment: Sendable {
    /// The variables handed to swift-otel's bootstrap.
    public let variables: [String: String]
    /// Bad values, one line each, naming the setting but never its value.
    public let problems: [String]

    /// Works out the variables from merged setting values and the process environment.
    public init(values: SettingValues) {
        var variables = values.environment.filter { $0.key.hasPrefix("OTEL_") && !$0.value.isEmpty }
        for setting in TracingSettings.all {
            if let value = values.raw(setting.name) { variables[setting.name] = value }
        }
        var problems: [String] = []
        for setting in [TracingSettings.endpoint, TracingSettings.tracesEndpoint] {
            if let value = variables[setting.name], !Self.isHTTPURL(value) {
                problems.append("\(setting.name) must be an http:// or https:// URL with a host")
            }
        }
        if let delay = variables[TracingSettings.scheduleDelay.name], Int(delay).map({ $0 < 1 || $0 > 600_000 }) ?? true {
            problems.append("\(TracingSettings.scheduleDelay.name) must be an integer in 1...600000")
        }
        self.variables = variables
        self.problems = problems
    }

    /// Whether tracing runs: an endpoint is set, and neither `OTEL_SDK_DISABLED=true` nor
    /// `OTEL_TRACES_EXPORTER=none` turns it off.
    public var isEnabled: Bool {
        guard self.variables[TracingSettings.endpoint.name] != nil || self.variables[TracingSettings.tracesEndpoint.name] != nil else {
            return false
        }
        if self.variables["OTEL_SDK_DISABLED"]?.lowercased() == "true" { return false }
        if self.variables["OTEL_TRACES_EXPORTER"]?.lowercased() == "none" { return false }
        return true
    }

    private static func isHTTPURL(_ text: String) -> Bool {
        guard text.utf8.count <= 2048, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else { return false }
        return true
    }
}
