import Files

/// Answers chosen addresses for chosen names (no DNS server here); other names do not resolve.
struct StaticResolver: HostResolver {
    let answers: [String: [IPAddress]]

    func resolve(_ name: String) async throws(FetchError) -> [IPAddress] {
        guard let addresses = self.answers[name], !addresses.isEmpty else { throw FetchError.resolutionFailed }
        return addresses
    }
}
