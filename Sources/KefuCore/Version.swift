/// The version Kefu reports in `/health`, the OpenAPI document and `kefu --version`.
public enum KefuVersion {
    public static let string = "0.1.0"
}
