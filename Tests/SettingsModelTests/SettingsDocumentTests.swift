import Foundation
import Testing

@testable import SettingsModel

@Suite("docs/configuration.md from the declarations")
struct SettingsDocumentTests {
    static let groups = [
        SettingGroup(
            "Email", summary: "How mail is sent.",
            settings: [
                Setting("SMTP_URL", .url, secret: true, help: "Relay URL: smtp | smtps."),
                Setting("SMTP_TIMEOUT", .integer(1...60), default: "10", help: "Seconds,\nper command."),
                Setting("SMTP_HELO", default: "", help: "HELO name."),
                Setting("SMTP_ID", defaultDescription: "hostname-pid", help: "An id."),
            ]),
        SettingGroup("Empty", summary: "Declares nothing.", settings: []),
        SettingGroup(
            "Queues", summary: "Which queues.",
            settings: [Setting("BLUEPRINT_QUEUES", default: "a|b", help: "Comma-separated.")]),
    ]

    var rows: [String] {
        SettingsDocument.markdown(Self.groups).split(separator: "\n").map(String.init).filter { $0.hasPrefix("| `") }
    }

    @Test func eachSettingGetsOneRow() {
        let names = Self.groups.flatMap(\.settings).map(\.name)
        #expect(self.rows.count == names.count)
        for (row, name) in zip(self.rows, names) { #expect(row.hasPrefix("| `\(name)`")) }
    }

    @Test func pipesAreEscapedAndNewlinesJoined() {
        #expect(self.rows.contains("| `SMTP_URL` **secret** | none | Relay URL: smtp \\| smtps. |"))
        #expect(self.rows.contains("| `SMTP_TIMEOUT` | `10` | Seconds, per command. |"))
        #expect(self.rows.contains("| `BLUEPRINT_QUEUES` | `a\\|b` | Comma-separated. |"))
        // Every row has exactly four unescaped pipes: three cells.
        for row in self.rows {
            let unescaped = row.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }
            #expect(unescaped.count == 4, "\(row)")
        }
    }

    @Test func defaultsAreDescribed() {
        #expect(self.rows.contains("| `SMTP_HELO` | (empty) | HELO name. |"))
        #expect(self.rows.contains("| `SMTP_ID` | hostname-pid | An id. |"))
    }

    @Test func sectionsFollowTheGroupsAndEmptyOnesAreLeftOut() throws {
        let text = SettingsDocument.markdown(Self.groups)
        let email = try #require(text.range(of: "## Email\n\nHow mail is sent.\n"))
        let queues = try #require(text.range(of: "## Queues\n\nWhich queues.\n"))
        #expect(email.lowerBound < queues.lowerBound)
        #expect(!text.contains("## Empty"))
        #expect(text.hasPrefix("# Configuration\n"))
    }
}
