/// What a name server answered to one question.
public enum DNSLookupResult: Hashable, Sendable {
    /// NOERROR with records of the asked type. Holds every answer record (a CNAME chain included);
    /// use ``records(of:)`` for the asked type.
    case answer([DNSRecord])
    /// NXDOMAIN: the name does not exist. An answer, not an error.
    case nxdomain
    /// NOERROR but no record of the asked type (the name exists, e.g. only with an A record).
    case noData

    /// The records of `type` in an answer; empty for NXDOMAIN and no data.
    public func records(of type: DNSRecordType) -> [DNSRecord] {
        guard case .answer(let records) = self else { return [] }
        return records.filter { $0.type == type }
    }
}
