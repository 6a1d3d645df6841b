import Testing

@testable import SettingsModel

@Suite("Setting names")
struct SettingNameTests {
    @Test func validNamesAreUppercaseDigitsAndUnderscores() {
        #expect(SettingName.isValid("REDIS_URL"))
        #expect(SettingName.isValid("S3_BUCKET_2"))
        #expect(!SettingName.isValid(""))
        #expect(!SettingName.isValid("redis_url"))
        #expect(!SettingName.isValid("REDIS-URL"))
        #expect(!SettingName.isValid("REDIS.URL"))
        #expect(!SettingName.isValid("ÄPFEL"))
    }

    @Test func editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        #expect(SettingName.editDistance("SMTP_URL", "SMTP_URL", limit: 2) == 0)
        #expect(SettingName.editDistance("SMTP_URLL", "SMTP_URL", limit: 2) == 1)
        #expect(SettingName.editDistance("SMTP_ULR", "SMTP_URL", limit: 2) == 2)
        #expect(SettingName.editDistance("", "ABC", limit: 5) == 3)
        #expect(SettingName.editDistance("ABC", "", limit: 5) == 3)
        // Capped at limit + 1.
        #expect(SettingName.editDistance("AAAAAAAA", "BBBBBBBB", limit: 2) == 3)
        #expect(SettingName.editDistance("A", "AAAAAA", limit: 2) == 3)
    }

    @Test func theClosestDeclaredNameIsSuggested() {
        let declared = ["SMTP_URL", "SMS_URL", "REDIS_URL", "BLUEPRINT_QUEUES"]
        #expect(SettingName.closest(to: "SMTP_URLL", among: declared) == "SMTP_URL")
        #expect(SettingName.closest(to: "BLUEPRINT_QUEUE", among: declared) == "BLUEPRINT_QUEUES")
        #expect(SettingName.closest(to: "SMTP_PASSWORD", among: declared) == nil)
        // Too short to guess from.
        #expect(SettingName.closest(to: "AB", among: ["AC"]) == nil)
        // Ties go to the first in sorted order.
        #expect(SettingName.closest(to: "SMT_URL", among: declared) == "SMS_URL")
    }

    @Test func shownNamesStayOnOneLineAndShort() {
        #expect(SettingName.shown("a\nb\u{7}c") == "a?b?c")
        #expect(SettingName.shown(String(repeating: "x", count: 100)).count == 64)
    }
}
