/// Masks digit runs that could be phone numbers in provider error texts.
enum PhoneDigits {
    static func mask(_ text: String) -> String {
        var output = ""
        var run = ""
        func flush() {
            output += run.count >= 6 ? "***" + run.suffix(4) : run
            run = ""
        }
        for character in text.prefix(300) {
            if character.isASCII && character.isNumber { run.append(character) } else {
                flush()
                output.append(character)
            }
        }
        flush()
        return output
    }
}
