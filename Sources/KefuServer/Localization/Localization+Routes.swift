import Vapor

enum LocalizationRoutes {
    static func register(_ r: RouteGroups) {
        r.v1.get("i18n", use: I18nController().catalog)
    }
}
