/// A JPEG APP1 "Exif" segment built by hand (little-endian TIFF), so the tests control exactly which
/// tags an input carries: Orientation in IFD0 and, optionally, a GPS IFD with a latitude and longitude.
enum ExifSegment {
    static func app1(orientation: Int, gps: Bool) -> [UInt8] {
        var tiff = TIFFWriter()
        tiff.bytes += [0x49, 0x49, 0x2A, 0x00]  // "II", 42
        tiff.u32(8)  // IFD0 offset
        // IFD0 at 8: 1 or 2 entries.
        let ifd0Entries = gps ? 2 : 1
        let ifd0End = 8 + 2 + ifd0Entries * 12 + 4
        tiff.u16(UInt16(ifd0Entries))
        tiff.entry(tag: 0x0112, type: 3, count: 1, value: UInt32(orientation))  // Orientation, SHORT
        if gps {
            tiff.entry(tag: 0x8825, type: 4, count: 1, value: UInt32(ifd0End))  // GPSInfo IFD pointer
        }
        tiff.u32(0)
        if gps {
            // GPS IFD: version, N, latitude (3 rationals), E, longitude (3 rationals).
            let gpsEnd = ifd0End + 2 + 5 * 12 + 4
            let latitudeAt = UInt32(gpsEnd)
            let longitudeAt = UInt32(gpsEnd + 24)
            tiff.u16(5)
            tiff.entry(tag: 0x0000, type: 1, count: 4, value: 0x0000_0202)  // 2.2.0.0
            tiff.entry(tag: 0x0001, type: 2, count: 2, value: UInt32(UInt8(ascii: "N")))
            tiff.entry(tag: 0x0002, type: 5, count: 3, value: latitudeAt)
            tiff.entry(tag: 0x0003, type: 2, count: 2, value: UInt32(UInt8(ascii: "E")))
            tiff.entry(tag: 0x0004, type: 5, count: 3, value: longitudeAt)
            tiff.u32(0)
            for value: UInt32 in [37, 1, 33, 1, 1234, 100] { tiff.u32(value) }  // 37° 33' 12.34"
            for value: UInt32 in [126, 1, 58, 1, 4321, 100] { tiff.u32(value) }  // 126° 58' 43.21"
        }
        let payload = Array("Exif".utf8) + [0, 0] + tiff.bytes
        let length = payload.count + 2
        return [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    }

    private struct TIFFWriter {
        var bytes: [UInt8] = []
        mutating func u16(_ value: UInt16) { bytes += [UInt8(value & 0xFF), UInt8(value >> 8)] }
        mutating func u32(_ value: UInt32) {
            bytes += [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24)]
        }
        /// One 12-byte IFD entry; a value of <= 4 bytes sits left-justified in the value field.
        mutating func entry(tag: UInt16, type: UInt16, count: UInt32, value: UInt32) {
            u16(tag)
            u16(type)
            u32(count)
            if type == 3 && count == 1 {
                u16(UInt16(value))
                u16(0)
            } else {
                u32(value)
            }
        }
    }
}
