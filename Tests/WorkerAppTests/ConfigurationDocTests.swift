import Foundation
import SettingsModel
import TestSupport
import Testing

@testable import WorkerApp

@Suite("docs/configuration.md")
struct ConfigurationDocTests {
    @Test("is what the settings declarations give (run `make docs` after changing a setting)")
    func docIsCurrent() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("docs/configuration.md").path
        let committed = try String(contentsOfFile: path, encoding: .utf8)
        let generated = SettingsDocument.markdown(ConfiguredSettings.groups(catalog: .standard))
        #expect(committed == generated, "docs/configuration.md is stale: run `make docs`")
    }

    @Test("lists every declared setting, secrets marked")
    func everySettingListed() {
        let text = SettingsDocument.markdown(ConfiguredSettings.groups(catalog: .standard))
        for setting in ConfiguredSettings.groups(catalog: .standard).flatMap(\.settings) {
            #expect(text.contains("`\(setting.name)`\(setting.isSecret ? " **secret**" : "")"), "\(setting.name)")
        }
    }
}
