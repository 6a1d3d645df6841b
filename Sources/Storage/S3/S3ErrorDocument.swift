/// S3's `<Error><Code>...</Code><Message>...</Message></Error>` answer, read leniently.
struct S3ErrorDocument: Sendable, Equatable {
    /// `AccessDenied`, `SignatureDoesNotMatch`, `NoSuchKey`, `SlowDown`...; `nil` when absent.
    let code: String?
    /// The server's human text; `nil` when absent. S3 puts no secret in it (the string to sign
    /// goes in other elements, which are not read).
    let message: String?

    /// Reads `body`; garbage or an empty body gives a document with no code and no message.
    init(body: String) {
        let code = S3XML.firstElement("Code", in: body)
        self.code = code.flatMap { value in
            value.count <= 64
                && value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_") })
                ? value : nil
        }
        self.message = S3XML.firstElement("Message", in: body).map { message in
            String(
                message.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(200).map(Character.init))
        }
    }
}
