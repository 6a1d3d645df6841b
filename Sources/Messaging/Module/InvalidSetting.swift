/// A setting with a bad value: one line naming it (never its value).
struct InvalidSetting: Error {
    let message: String
}
