public enum JobEngineVersion { public static let current = "0.1.0" }
