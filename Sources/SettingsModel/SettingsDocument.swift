import Foundation

/// Renders the settings declarations as `docs/configuration.md`.
///
/// The file in the repository is generated (`blueprint check-config --markdown > docs/configuration.md`,
/// or `make docs`) and a test fails when it differs from what the declarations give.
public enum SettingsDocument {
    /// The whole Markdown document.
    public static func markdown(_ groups: [SettingGroup]) -> String {
        var out = """
            # Configuration

            <!-- Generated from the settings declarations by `make docs`; do not edit by hand. -->

            Every setting is an environment variable; the same names are the keys of the JSON settings
            file (`BLUEPRINT_CONFIG`) and the file names of a secrets directory (`BLUEPRINT_SECRETS_DIR`).
            The environment wins over the secrets directory, which wins over the file. An empty value
            counts as unset. `blueprint check-config` validates them all and prints one line per problem.

            Secret settings (marked **secret**) may also be given as `NAME_FILE` (a file holding the
            value, re-read when it changes) or read from Vault KV v2; their values are masked in every
            log line and never printed.


            """
        for group in groups where !group.settings.isEmpty {
            out += "## \(group.title)\n\n\(group.summary)\n\n"
            out += "| setting | default | meaning |\n|---|---|---|\n"
            for setting in group.settings {
                let secret = setting.isSecret ? " **secret**" : ""
                out += "| `\(setting.name)`\(secret) | \(Self.cell(setting.documentedDefault)) | \(Self.cell(setting.help)) |\n"
            }
            out += "\n"
        }
        return out
    }

    /// Text safe inside a Markdown table cell.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
