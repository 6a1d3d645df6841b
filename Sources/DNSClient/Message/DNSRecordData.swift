/// The decoded RDATA of a record.
public enum DNSRecordData: Hashable, Sendable {
    /// An IPv4 address, four bytes.
    case a(IPv4: [UInt8])
    /// An IPv6 address, sixteen bytes.
    case aaaa(IPv6: [UInt8])
    /// A mail exchange: lower preference first; an exchange of `""` (the root) with preference 0 is
    /// a null MX (RFC 7505: the domain accepts no mail).
    case mx(preference: UInt16, exchange: String)
    /// The character-strings of a TXT record, in order (join them for the record's text, RFC 7208 3.3).
    case txt([String])
    /// The canonical name of an alias.
    case cname(String)
    /// Start of authority.
    case soa(DNSStartOfAuthority)
    /// A type this decoder does not interpret; the raw RDATA.
    case other([UInt8])

    /// The TXT character-strings joined into one text, `nil` for other types.
    public var joinedText: String? {
        if case .txt(let strings) = self { return strings.joined() }
        return nil
    }

    /// The address in its usual text form for A and AAAA (IPv6 not compressed), `nil` for other
    /// types and for addresses of the wrong length.
    public var addressText: String? {
        switch self {
        case .a(let bytes):
            guard bytes.count == 4 else { return nil }
            return bytes.map(String.init).joined(separator: ".")
        case .aaaa(let bytes):
            guard bytes.count == 16 else { return nil }
            return stride(from: 0, to: 16, by: 2).map {
                String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
            }.joined(separator: ":")
        default:
            return nil
        }
    }
}
