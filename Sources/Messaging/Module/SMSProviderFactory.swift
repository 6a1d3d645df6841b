import Foundation
import OutboundHTTP
import SettingsModel

/// Makes the provider named by `SMS_PROVIDER` with its credentials.
enum SMSProviderFactory {
    static func make(values: SettingValues, dataDirectory: String, http: OutboundHTTPClient) throws -> any SMSProvider {
        func value(_ setting: Setting) -> String? { values.raw(setting.name) }
        let name = value(MessagingSettings.smsProvider)?.lowercased() ?? "outbox"
        // The name first: an unknown provider is the problem, not the settings it would need.
        guard ["nhn", "solapi", "twilio", "outbox"].contains(name) else {
            throw InvalidSetting(message: "SMS_PROVIDER must be nhn, solapi, twilio or outbox")
        }
        if name == "outbox" {
            return try OutboxSMSProvider(directory: value(MessagingSettings.smsOutbox) ?? dataDirectory + "/outbox/sms")
        }
        var base: URL?
        if let text = value(MessagingSettings.smsBaseURL) {
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw InvalidSetting(message: "SMS_API_BASE_URL must be an http(s) URL")
            }
            base = url
        }
        func required(_ setting: Setting) throws -> String {
            guard let found = value(setting) else { throw InvalidSetting(message: "\(setting.name) is required with SMS_PROVIDER=\(name)") }
            return found
        }
        let sender = try required(MessagingSettings.smsSender)
        switch name {
        case "nhn":
            return NHNCloudSMSProvider(
                baseURL: base ?? NHNCloudSMSProvider.defaultBaseURL, appKey: try required(MessagingSettings.nhnAppKey),
                secretKey: try required(MessagingSettings.nhnSecretKey), sender: sender, http: http)
        case "solapi":
            return SolapiSMSProvider(
                baseURL: base ?? SolapiSMSProvider.defaultBaseURL, apiKey: try required(MessagingSettings.solapiKey),
                apiSecret: try required(MessagingSettings.solapiSecret), sender: sender, http: http)
        case "twilio":
            return TwilioSMSProvider(
                baseURL: base ?? TwilioSMSProvider.defaultBaseURL, accountSID: try required(MessagingSettings.twilioSID),
                authToken: try required(MessagingSettings.twilioToken), sender: sender, http: http)
        default:
            throw InvalidSetting(message: "SMS_PROVIDER must be nhn, solapi, twilio or outbox")
        }
    }
}
