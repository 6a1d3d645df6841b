import Configuration
import Foundation

/// The settings file (`BLUEPRINT_CONFIG`), read and parsed once by swift-configuration's
/// `FileProvider`, with the keys it holds.
struct SettingsFile: Sendable {
    /// The path as configured (problem lines name it).
    let path: String
    /// The provider the merged values are read through.
    let provider: FileProvider<SettingsFileSnapshot>
    /// Every key of the file with the kind of its value (see ``SettingsFileSnapshot/entries``).
    let entries: [String: SettingsFileSnapshot.ValueKind]

    /// Why the file was not read at all: one problem line, naming the path, quoting nothing from it.
    struct Refusal: Error {
        let line: String
    }

    /// Reads and parses the file at `path`.
    ///
    /// The checks before reading follow symlinks (a mounted Kubernetes ConfigMap is one) and keep
    /// a device, a pipe or a huge file from being read at all.
    static func open(
        path: String, maximumBytes: Int = ConfigurationLoader.maximumFileBytes
    ) async -> Result<SettingsFile, Refusal> {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved) else {
            return .failure(Refusal(line: "BLUEPRINT_CONFIG: the file \(path) does not exist"))
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            return .failure(Refusal(line: "BLUEPRINT_CONFIG: \(path) is not a regular file"))
        }
        if let size = (attributes[.size] as? NSNumber)?.intValue, size > maximumBytes {
            return .failure(Refusal(line: SettingsFileError.tooLarge(limit: maximumBytes).line(path: path)))
        }
        guard FileManager.default.isReadableFile(atPath: resolved) else {
            return .failure(Refusal(line: "BLUEPRINT_CONFIG: cannot read the file \(path)"))
        }
        do {
            let provider = try await FileProvider<SettingsFileSnapshot>(
                parsingOptions: .init(maximumBytes: maximumBytes), filePath: .init(resolved))
            // FileProvider keeps the snapshot it was given; nothing else could be in there.
            let entries = (provider.snapshot() as? SettingsFileSnapshot)?.entries ?? [:]
            return .success(SettingsFile(path: path, provider: provider, entries: entries))
        } catch let error as SettingsFileError {
            return .failure(Refusal(line: error.line(path: path)))
        } catch {
            // Removed or replaced between the checks and the read.
            return .failure(Refusal(line: "BLUEPRINT_CONFIG: cannot read the file \(path)"))
        }
    }
}
