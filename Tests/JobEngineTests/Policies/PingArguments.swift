/// Arguments of the test job that connects to a (possibly down) TCP dependency.
struct PingArguments: Codable, Sendable {
    var port: Int
}
