/// The failure recorded on an `smtp send` span: the ``SMTPError/shortDescription`` only
/// (`reply_5xx`, `timeout`), since a server's reply text may name the recipient.
struct SMTPSpanFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
