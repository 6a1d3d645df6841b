import Tracing

/// Writes trace context into a job's stream fields (a `[String: String]` carrier).
struct TraceCarrierInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}
