/// Checks every byte of a file whose type ``FileSniffer`` identified, for what a prefix cannot
/// show: polyglots and active content. Pure and streaming: feed chunks in order, then
/// ``finish()``. Memory stays bounded (a 64 KiB tail and a few bytes of overlap).
///
/// Refused, per format:
/// - images (JPEG, PNG, WebP, HEIC/HEIF, AVIF): a `%PDF-` header anywhere (readers find it past the
///   start, so the file is also a PDF) — ``FileIntakeError/polyglot``; HTML/script markers
///   anywhere (`<script`, `<html`, `<?php`, `javascript:`... in metadata or appended) —
///   ``FileIntakeError/activeContent``;
/// - PDF: the names `/JavaScript`, `/JS`, `/Launch`, `/EmbeddedFile`, `/RichMedia` in the
///   uncompressed structure, `#xx` escapes decoded (`/J#61vaScript`) — ``FileIntakeError/activeContent``. (Names inside compressed object
///   streams are not seen: this is a filter against crude payloads, not a PDF sanitiser; the
///   processing step must never run PDF scripts.)
/// - every format: a ZIP end-of-central-directory record that ends exactly at the end of the
///   file (what unzip, Java and Office look for: a PDF+JAR or an image with an appended archive) —
///   ``FileIntakeError/polyglot``.
public struct FileContentInspector: Sendable {
    /// The type found by the sniffer.
    public let type: SniffedType
    /// Bytes fed so far.
    public private(set) var byteCount = 0

    /// A ZIP EOCD record is 22 bytes plus a comment of up to 65535 bytes.
    static let tailLength = 22 + 65535
    private var tail: [UInt8] = []
    private var overlap: [UInt8] = []
    private let markers: [(name: String, error: Kind)]
    private let matcher: ContentMarkers.Matcher
    private let maximumMarkerLength: Int

    enum Kind: Sendable {
        case polyglot, activeContent
    }

    public init(type: SniffedType) {
        self.type = type
        var patterns: [(bytes: [UInt8], caseInsensitive: Bool)] = []
        var markers: [(name: String, error: Kind)] = []
        if type.kind == .image {
            patterns.append((ContentMarkers.pdfHeader, false))
            markers.append(("a PDF header inside an image", .polyglot))
            for marker in ContentMarkers.markup {
                patterns.append((marker.pattern, true))
                markers.append(("\(marker.name) inside an image", .activeContent))
            }
        }
        self.markers = markers
        self.matcher = ContentMarkers.Matcher(patterns)
        // PDF names are decoded in a window: keep enough overlap for the longest escaped name.
        let nameOverlap = type.format == .pdf ? PDFNames.maximumRawLength + 1 : 1
        self.maximumMarkerLength = max(patterns.map(\.bytes.count).max() ?? 1, nameOverlap)
    }

    /// Checks the next chunk of the file.
    public mutating func feed(_ chunk: some Collection<UInt8>) throws(FileIntakeError) {
        let chunk = Array(chunk)
        guard !chunk.isEmpty else { return }
        let window = self.overlap + chunk
        if let index = self.matcher.firstMatch(in: window) {
            let marker = self.markers[index]
            switch marker.error {
            case .polyglot: throw .polyglot(marker.name)
            case .activeContent: throw .activeContent(marker.name)
            }
        }
        if self.type.format == .pdf, let name = PDFNames.firstActiveName(in: window) {
            throw .activeContent("PDF action /\(name)")
        }
        self.overlap = Array(window.suffix(self.maximumMarkerLength - 1))
        self.byteCount += chunk.count
        self.tail += chunk
        if self.tail.count > Self.tailLength * 2 { self.tail.removeFirst(self.tail.count - Self.tailLength) }
    }

    /// Checks the end of the file once every chunk was fed.
    public func finish() throws(FileIntakeError) {
        guard self.byteCount > 0 else { throw .empty }
        let tail = Array(self.tail.suffix(Self.tailLength))
        if Self.endsWithZipDirectory(tail) { throw .polyglot("a ZIP archive ends the file (ZIP/JAR polyglot)") }
    }

    /// Whether `tail` (the file's last bytes) ends with a ZIP end-of-central-directory record:
    /// `PK 05 06`, 18 bytes of fields, then exactly `comment length` bytes up to the end.
    static func endsWithZipDirectory(_ tail: [UInt8]) -> Bool {
        guard tail.count >= 22 else { return false }
        var index = tail.count - 22
        while index >= 0 {
            if tail[index] == 0x50, tail[index + 1] == 0x4B, tail[index + 2] == 0x05, tail[index + 3] == 0x06 {
                let commentLength = Int(tail[index + 20]) | Int(tail[index + 21]) << 8
                if index + 22 + commentLength == tail.count { return true }
            }
            index -= 1
        }
        return false
    }
}
