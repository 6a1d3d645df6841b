import SettingsModel
import Telemetry
import Testing

@Suite("Tracing settings")
struct TracingEnvironmentTests {
    @Test func offWhenNoEndpointIsSet() {
        let environment = TracingEnvironment(values: SettingValues([:], environment: ["OTEL_SERVICE_NAME": "x", "PATH": "/bin"]))
        #expect(!environment.isEnabled)
        #expect(environment.problems.isEmpty)
        #expect(environment.variables == ["OTEL_SERVICE_NAME": "x"], "only OTEL_* variables are handed on")
    }

    @Test func onWithEitherEndpoint() {
        let base = TracingEnvironment(values: SettingValues([:], environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"]))
        #expect(base.isEnabled && base.problems.isEmpty)
        let traces = TracingEnvironment(
            values: SettingValues([:], environment: ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://collector.example/v1/traces"]))
        #expect(traces.isEnabled && traces.problems.isEmpty)
    }

    @Test func settingsFileAndSecretsWinOverTheEnvironment() {
        let values = SettingValues(
            ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://from-file:4318", "OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer t"],
            environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://from-env:4318", "OTEL_BSP_MAX_QUEUE_SIZE": "100"])
        let environment = TracingEnvironment(values: values)
        #expect(environment.variables["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://from-file:4318")
        #expect(environment.variables["OTEL_EXPORTER_OTLP_HEADERS"] == "authorization=Bearer t")
        #expect(environment.variables["OTEL_BSP_MAX_QUEUE_SIZE"] == "100", "other standard variables are honoured")
    }

    @Test func switchesOffAsTheStandardSays() {
        for (name, value) in [("OTEL_SDK_DISABLED", "true"), ("OTEL_SDK_DISABLED", "TRUE"), ("OTEL_TRACES_EXPORTER", "none")] {
            let environment = TracingEnvironment(
                values: SettingValues([:], environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", name: value]))
            #expect(!environment.isEnabled, "\(name)=\(value)")
        }
    }

    @Test func badValuesAreReportedWithoutEchoingThem() {
        let hostile = [
            "not a url", "ftp://collector:21", "http://", "file:///etc/passwd", "http://user:hunter2@:4318",
            "http://" + String(repeating: "a", count: 5000),
        ]
        for value in hostile {
            let environment = TracingEnvironment(values: SettingValues(["OTEL_EXPORTER_OTLP_ENDPOINT": value]))
            #expect(environment.problems.count == 1, "\(value.prefix(40))")
            #expect(environment.problems.allSatisfy { !$0.contains("hunter2") && $0.contains("OTEL_EXPORTER_OTLP_ENDPOINT") })
        }
        for delay in ["0", "-5", "abc", "600001", "99999999999999999999"] {
            let environment = TracingEnvironment(
                values: SettingValues(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_BSP_SCHEDULE_DELAY": delay]))
            #expect(environment.problems == ["OTEL_BSP_SCHEDULE_DELAY must be an integer in 1...600000"], "\(delay)")
        }
    }

    @Test func theHeadersSettingIsASecret() {
        #expect(TracingSettings.headers.isSecret)
        #expect(TracingSettings.serviceName.defaultValue == "blueprint-worker")
        #expect(TracingSettings.group.settings.map(\.name).contains("OTEL_EXPORTER_OTLP_ENDPOINT"))
    }
}
