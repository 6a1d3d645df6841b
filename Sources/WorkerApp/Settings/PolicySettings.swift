import Foundation
import JobEngine
import Logging
import Observability
import Policies
import RedisClient
import Secrets
import ServiceLifecycle
import SettingsModel

/// Settings of the engine policies: per-user limits, the payload key ring, circuit breakers.
public struct PolicySettings: Sendable {
    /// `nil` when limits are off.
    var limits: RateLimitRules?
    var keyRing: KeyRing?
    /// `BLUEPRINT_ENCRYPTION_KEYS_FILE` when the ring came from it: re-read on change (rotation without restart).
    var keyRingFile: String?
    var breaker = CircuitBreakerConfiguration()

    static let userLimits = Setting(
        "BLUEPRINT_USER_LIMITS", defaultDescription: "as the modules declare: email 10/1h, sms 5/1d, upload 10MB/1d",
        help: "`action=N/period` changes (`email=20/1h,sms=off,upload=5MB/1d,canary=7/1h`), or `off` for no per-user limits.")
    static let encryptionKeys = Setting(
        "BLUEPRINT_ENCRYPTION_KEYS", secret: true,
        help: "Key ring `kid:base64key,...` (32-byte keys); the first encrypts. With `_FILE`, re-read when the file changes.")
    static let breakerFailureRate = Setting(
        "BLUEPRINT_BREAKER_FAILURE_RATE", .integer(1...100), default: "50", help: "% of failed calls in the window that opens a breaker.")
    static let breakerMinimumCalls = Setting(
        "BLUEPRINT_BREAKER_MIN_CALLS", .integer(1...100_000), default: "10", help: "Calls in the window before the rate counts.")
    static let breakerWindow = Setting(
        "BLUEPRINT_BREAKER_WINDOW_MS", .integer(1000...3_600_000), default: "60000", help: "Sliding window of calls (ms).")
    static let breakerConsecutive = Setting(
        "BLUEPRINT_BREAKER_CONSECUTIVE_FAILURES", .integer(1...10_000), default: "5", help: "Failures in a row that open a breaker.")
    static let breakerOpen = Setting(
        "BLUEPRINT_BREAKER_OPEN_MS", .integer(10...3_600_000), default: "30000", help: "Time a breaker stays open before probes (ms).")
    static let breakerProbes = Setting(
        "BLUEPRINT_BREAKER_PROBES", .integer(1...1000), default: "3", help: "Probe calls while half-open.")

    /// The policies' settings section.
    public static let groups: [SettingGroup] = [
        SettingGroup(
            "Policies", summary: "Per-user limits, payload encryption and circuit breakers.",
            settings: [userLimits, encryptionKeys, breakerFailureRate, breakerMinimumCalls, breakerWindow, breakerConsecutive, breakerOpen,
                       breakerProbes])
    ]

    static func parse(_ values: inout SettingValues, catalog: ModuleCatalog) -> PolicySettings {
        var settings = PolicySettings()
        do {
            settings.limits = try catalog.defaultLimitRules()
        } catch {
            values.report("a module declares an invalid default limit: \(error.message)")
        }
        if let text = values.raw(Self.userLimits.name) {
            if text.lowercased() == "off" {
                settings.limits = nil
            } else if let base = settings.limits {
                do { settings.limits = try RateLimitRules(parsing: text, base: base) } catch {
                    values.report("BLUEPRINT_USER_LIMITS: \(error.message)")
                }
            }
        }
        if let text = values.raw(Self.encryptionKeys.name) {
            do { settings.keyRing = try KeyRing(parsing: text) } catch {
                values.report("BLUEPRINT_ENCRYPTION_KEYS: \(error.message)")
            }
            // The variable itself wins over the file (SecretStore's order); only a file-backed ring reloads.
            if settings.keyRing != nil, let path = values.raw("BLUEPRINT_ENCRYPTION_KEYS_FILE"),
                values.fromEnvironment("BLUEPRINT_ENCRYPTION_KEYS") == nil
            {
                settings.keyRingFile = path
            }
        }
        if let rate = values.int(Self.breakerFailureRate) { settings.breaker.failureRateThreshold = Double(rate) / 100 }
        if let calls = values.int(Self.breakerMinimumCalls) { settings.breaker.minimumCalls = calls }
        if let window = values.int(Self.breakerWindow) { settings.breaker.window = .milliseconds(window) }
        if let failures = values.int(Self.breakerConsecutive) { settings.breaker.consecutiveFailures = failures }
        if let open = values.int(Self.breakerOpen) { settings.breaker.openDuration = .milliseconds(open) }
        if let probes = values.int(Self.breakerProbes) { settings.breaker.halfOpenProbes = probes }
        return settings
    }

    /// Adds the decryptor, the limit policy and the breaker policy (last, see ``CircuitBreakerPolicy``)
    /// to `configuration`; returns the breakers for metrics and the services to run (the key
    /// file watcher).
    func install(
        into configuration: inout EngineConfiguration, client: RedisClient, redactor: PIIRedactor, logger: Logger
    ) -> (breakers: CircuitBreakerRegistry, services: [any Service]) {
        var services: [any Service] = []
        if let keyRing { configuration.decryptor = PayloadCipher(keyRing: keyRing) }
        if let keyRingFile,
           let reloading = try? ReloadingPayloadCipher(file: FileSecret(path: keyRingFile), onChange: { text, result in
               SecretBootstrap.register(keyRing: text, with: redactor)
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
            services.append(reloading)
        }
        if let limits {
            let now = configuration.now
            configuration.policies.append(RateLimitPolicy(limiter: RateLimiter(client: client, now: now), rules: limits, logger: logger))
        }
        let breakers = CircuitBreakerRegistry(configuration: self.breaker, logger: logger, now: configuration.now)
        configuration.policies.append(CircuitBreakerPolicy(breakers: breakers))
        return (breakers, services)
    }
}
