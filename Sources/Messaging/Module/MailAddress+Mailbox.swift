import Foundation
import SMTPProtocol

extension MailAddress {
    /// Parses `addr` or `Name <addr>` (a sender setting).
    static func parseMailbox(_ text: String, field: String) throws(SMTPProtocolError) -> MailAddress {
        if let open = text.lastIndex(of: "<"), text.hasSuffix(">") {
            let name = text[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let address = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
            return try MailAddress(address, displayName: name.isEmpty ? nil : name, field: field)
        }
        return try MailAddress(text.trimmingCharacters(in: .whitespaces), field: field)
    }
}
