import Policies

/// The product's limits as the modules declare them (email 10/1h, SMS 5/1d, uploads 10 MB/1d).
enum TestLimits {
    static let email = RateLimit(action: "email", limit: 10, window: .seconds(3600))
    static let sms = RateLimit(action: "sms", limit: 5, window: .seconds(86_400))
    static let upload = RateLimit(action: "upload", limit: 10 << 20, window: .seconds(86_400), unit: .bytes)
    static let rules = RateLimitRules(
        limits: ["email": email, "sms": sms, "upload": upload],
        actions: [
            "send_email": "email", "send_verification_code": "email", "send_work_email_verification": "email",
            "send_sms": "sms", "send_sms_code": "sms", "process_document": "upload", "optimize_image": "upload",
        ])
}
