/// The templates shipped with the worker (Korean and English), compiled in so a deployment needs no
/// resource files. `MAIL_TEMPLATES_DIR` can add or override templates from disk.
public enum BuiltInTemplates {
    /// Every built-in template, key -> Mustache source.
    public static var all: [String: String] { Self.korean.merging(Self.english) { first, _ in first } }
}
