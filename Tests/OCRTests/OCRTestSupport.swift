import Foundation
import OCR
import TestSupport

/// Shared setup of the OCR suites.
enum OCRTestEnv {
    /// One pool for every test of the process: loading kor+eng costs about a second per engine.
    static let pool = LazyPool()

    static let certificate = """
        재 직 증 명 서
        성명: 홍길동
        주민등록번호: 900101-1234567
        회사명: 주식회사 블루프린트
        입사일: 2020년 3월 2일
        Employment certificate 2024-0115
        """

    /// The compact form (no whitespace) tests compare against.
    static func compact(_ text: String) -> String { text.filter { !$0.isWhitespace } }
}

/// Starts the shared pool on first use.
actor LazyPool {
    private var pool: OCREnginePool?

    func get() async throws -> OCREnginePool {
        if let pool { return pool }
        var configuration = OCRConfiguration()
        configuration.engines = 2
        let started = try await OCREnginePool.start(configuration: configuration)
        self.pool = started
        return started
    }
}

/// A PNG whose header claims `width` x `height` (a decompression-bomb shape) with no pixel data.
func pngHeader(width: UInt32, height: UInt32) -> Data {
    var data = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    func chunk(_ type: String, _ body: [UInt8]) {
        var length = UInt32(body.count).bigEndian
        data.append(Data(bytes: &length, count: 4))
        let typed = Array(type.utf8) + body
        data.append(contentsOf: typed)
        var crc = crc32(typed).bigEndian
        data.append(Data(bytes: &crc, count: 4))
    }
    func be(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
    chunk("IHDR", be(width) + be(height) + [8, 0, 0, 0, 0])
    chunk("IEND", [])
    return data
}

func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}
