import Tracing

/// Reads trace context from a job's stream fields (a `[String: String]` carrier).
struct TraceCarrierExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}
