import Foundation
import JobEngine
import Logging
import RedisClient

/// Settings of the engine policies (issue 4), each bad value reported on its own line:
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `BLUEPRINT_USER_LIMITS` | `action=N/period` changes (`email=20/1h,sms=off,upload=5MB/1d,canary=7/1h`), or `off` | email 10/1h, sms 5/1d, upload 10MB/1d |
/// | `BLUEPRINT_ENCRYPTION_KEYS` | key ring `kid:base64key,...`; the first encrypts | none |
/// | `BLUEPRINT_BREAKER_FAILURE_RATE` | % of failed calls in the window that opens a breaker | 50 |
/// | `BLUEPRINT_BREAKER_MIN_CALLS` | calls in the window before the rate counts | 10 |
/// | `BLUEPRINT_BREAKER_WINDOW_MS` | sliding window of calls | 60000 |
/// | `BLUEPRINT_BREAKER_CONSECUTIVE_FAILURES` | failures in a row that open it | 5 |
/// | `BLUEPRINT_BREAKER_OPEN_MS` | time open before probes | 30000 |
/// | `BLUEPRINT_BREAKER_PROBES` | probe calls while half-open | 3 |
struct PolicySettings {
    /// `nil` when limits are off.
    var limits: RateLimitRules? = .default
    var keyRing: KeyRing?
    /// `BLUEPRINT_ENCRYPTION_KEYS_FILE` when the ring came from it: re-read on change (rotation without restart).
    var keyRingFile: String?
    var breaker = CircuitBreakerConfiguration()

    static func parse(_ env: [String: String], problems: inout [String]) -> PolicySettings {
        var settings = PolicySettings()
        func int(_ name: String, range: ClosedRange<Int>) -> Int? {
            guard let text = env[name], !text.isEmpty else { return nil }
            guard let number = Int(text), range.contains(number) else {
                problems.append("\(name) must be an integer in \(range.lowerBound)...\(range.upperBound)")
                return nil
            }
            return number
        }
        if let text = env["BLUEPRINT_USER_LIMITS"], !text.isEmpty {
            if text.lowercased() == "off" {
                settings.limits = nil
            } else {
                do { settings.limits = try RateLimitRules(parsing: text) } catch {
                    problems.append("BLUEPRINT_USER_LIMITS: \(error.message)")
                }
            }
        }
        if let text = env["BLUEPRINT_ENCRYPTION_KEYS"], !text.isEmpty {
            do { settings.keyRing = try KeyRing(parsing: text) } catch {
                problems.append("BLUEPRINT_ENCRYPTION_KEYS: \(error.message)")
            }
            // The variable itself wins over the file (SecretStore's order); only a file-backed ring reloads.
            if settings.keyRing != nil, let path = env["BLUEPRINT_ENCRYPTION_KEYS_FILE"], !path.isEmpty,
               ProcessInfo.processInfo.environment["BLUEPRINT_ENCRYPTION_KEYS"]?.isEmpty ?? true {
                settings.keyRingFile = path
            }
        }
        if let rate = int("BLUEPRINT_BREAKER_FAILURE_RATE", range: 1...100) { settings.breaker.failureRateThreshold = Double(rate) / 100 }
        if let calls = int("BLUEPRINT_BREAKER_MIN_CALLS", range: 1...100_000) { settings.breaker.minimumCalls = calls }
        if let window = int("BLUEPRINT_BREAKER_WINDOW_MS", range: 1000...3_600_000) { settings.breaker.window = .milliseconds(window) }
        if let failures = int("BLUEPRINT_BREAKER_CONSECUTIVE_FAILURES", range: 1...10_000) { settings.breaker.consecutiveFailures = failures }
        if let open = int("BLUEPRINT_BREAKER_OPEN_MS", range: 10...3_600_000) { settings.breaker.openDuration = .milliseconds(open) }
        if let probes = int("BLUEPRINT_BREAKER_PROBES", range: 1...1000) { settings.breaker.halfOpenProbes = probes }
        return settings
    }

    /// Adds the decryptor, the limit policy and the breaker policy (last, see ``CircuitBreakerPolicy``)
    /// to `configuration`; returns the breakers for metrics.
    @discardableResult
    func install(into configuration: inout EngineConfiguration, client: RedisClient, logger: Logger) -> CircuitBreakerRegistry {
        if let keyRing { configuration.decryptor = PayloadCipher(keyRing: keyRing) }
        if let keyRingFile,
           let reloading = try? ReloadingPayloadCipher(file: FileSecret(path: keyRingFile), onChange: { text, result in
               SecretBootstrap.register(keyRing: text)
               switch result {
               case .success(let ring):
                   logger.info("encryption key ring reloaded", metadata: ["keys": "\(ring.keys.map(\.id).joined(separator: ","))"])
               case .failure(let error):
                   logger.error("BLUEPRINT_ENCRYPTION_KEYS_FILE changed but is not a valid key ring; the previous keys stay in use",
                                metadata: ["error": "\(error.message)"])
               }
           })
        {
            configuration.decryptor = reloading
        }
        if let limits {
            let now = configuration.now
            configuration.policies.append(RateLimitPolicy(limiter: RateLimiter(client: client, now: now), rules: limits, logger: logger))
        }
        let breakers = CircuitBreakerRegistry(configuration: self.breaker, logger: logger, now: configuration.now)
        configuration.policies.append(CircuitBreakerPolicy(breakers: breakers))
        return breakers
    }
}
