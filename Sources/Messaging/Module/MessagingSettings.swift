import SettingsModel

/// The settings the messaging service reads (email, SMS, phone identity).
enum MessagingSettings {
    static let smtpURL = Setting(
        "SMTP_URL", .url, defaultDescription: "outbox under `var/outbox/mail`", secret: true,
        help: "`smtp://user:pass@host:587?tls=starttls` (`tls=implicit`, `tls=none`), or `outbox:///dir` to write .eml files.")
    static let mailFrom = Setting(
        "MAIL_FROM", defaultDescription: "`Blueprint <noreply@blueprint.invalid>` with the outbox; required with a relay",
        help: "Envelope and header sender, `addr` or `Name <addr>`.")
    static let smtpCAFile = Setting(
        "SMTP_CA_FILE", .path, help: "PEM bundle of extra CAs trusted for the relay's certificate (system trust store otherwise).")
    static let templatesDirectory = Setting(
        "MAIL_TEMPLATES_DIR", .path, help: "Extra or overriding `<locale>/<name>.<part>.mustache` templates.")
    static let emailBatchWindow = Setting(
        "EMAIL_BATCH_WINDOW_MS", .integer(0...1000), default: "5",
        help:
            "How long a templated `send_email` waits for others of its batch, in ms (0: no batching). Codes and subject/text mails never wait.")
    static let emailBatchSize = Setting(
        "EMAIL_BATCH_SIZE", .integer(0...1000), default: "50",
        help: "Most templated mails in one batch; a full batch leaves at once (0: no batching).")
    static let smsProvider = Setting(
        "SMS_PROVIDER", .choice(["nhn", "solapi", "twilio", "outbox"]), default: "outbox",
        help: "The SMS provider; `outbox` writes one file per message under `SMS_OUTBOX_DIR`.")
    static let smsOutbox = Setting(
        "SMS_OUTBOX_DIR", .path, defaultDescription: "`var/outbox/sms`", help: "Directory of the SMS outbox.")
    static let smsBaseURL = Setting(
        "SMS_API_BASE_URL", .url, defaultDescription: "the provider's public API",
        help: "The provider's API base URL (tests, proxies).")
    static let smsSender = Setting(
        "SMS_SENDER", help: "Registered caller number (`0212345678`; Twilio: `+1...` or `MG...`); required with a real provider.")
    static let nhnAppKey = Setting("NHN_SMS_APP_KEY", secret: true, help: "NHN Cloud SMS app key.")
    static let nhnSecretKey = Setting("NHN_SMS_SECRET_KEY", secret: true, help: "NHN Cloud SMS secret key.")
    static let solapiKey = Setting("SOLAPI_API_KEY", secret: true, help: "Solapi API key.")
    static let solapiSecret = Setting("SOLAPI_API_SECRET", secret: true, help: "Solapi API secret (HMAC-SHA256 signing).")
    static let twilioSID = Setting("TWILIO_ACCOUNT_SID", help: "Twilio account SID.")
    static let twilioToken = Setting("TWILIO_AUTH_TOKEN", secret: true, help: "Twilio auth token.")
    static let identityEncryptionKey = Setting(
        "IDENTITY_PASS_ENCRYPTION_KEY", secret: true,
        help: "Base64 key that opens PASS identity results (`verify_phone_identity`, docs/phone-identity.md).")
    static let identityIntegrityKey = Setting(
        "IDENTITY_PASS_INTEGRITY_KEY", secret: true, help: "Base64 key that checks the integrity of PASS identity results.")
    static let identityHashKey = Setting(
        "IDENTITY_HASH_KEY", secret: true, help: "Base64 key of the keyed hashes of CI/DI (never stored in clear).")

    static let identityKeys = [identityEncryptionKey, identityIntegrityKey, identityHashKey]

    static let groups: [SettingGroup] = [
        SettingGroup(
            "Email", summary: "How mail leaves the worker.",
            settings: [smtpURL, mailFrom, smtpCAFile, templatesDirectory, emailBatchWindow, emailBatchSize]),
        SettingGroup(
            "SMS", summary: "The SMS provider and its credentials.",
            settings: [smsProvider, smsOutbox, smsBaseURL, smsSender, nhnAppKey, nhnSecretKey, solapiKey, solapiSecret, twilioSID, twilioToken]),
        SettingGroup(
            "Phone identity", summary: "Keys of `verify_phone_identity`; the job type answers \"not configured\" until all three are set.",
            settings: identityKeys),
    ]
}
