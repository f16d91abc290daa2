import Fluent
import Foundation
import KefuCore
import Vapor

struct I18nDTO: Content {
    struct Language: Content {
        var code: String
        var name: String
    }
    var locale: String
    var supported: [Language]
    var messages: [String: String]
}

/// Serves the locale catalogues to the workbench, widget and help centre.
struct I18nController {
    static let cookieName = "kefu_locale"

    func catalog(_ req: Request) async throws -> I18nDTO {
        let locale = try await Self.locale(for: req)
        return I18nDTO(locale: locale.rawValue,
                       supported: UILocale.allCases.map { .init(code: $0.rawValue, name: $0.nativeName) },
                       messages: req.application.kefu.catalog(locale).messages)
    }

    /// The request's language: `?locale=`, else the member's choice, else the
    /// `kefu_locale` cookie, else `Accept-Language`, else 简体中文.
    static func locale(for req: Request) async throws -> UILocale {
        if let raw = req.query[String.self, at: "locale"] {
            guard let locale = UILocale.match(raw) else {
                throw DomainError.invalid("locale", "locale must be one of \(UILocale.allCases.map(\.rawValue).joined(separator: ", ")); got '\(raw)'")
            }
            return locale
        }
        var explicit: String?
        if let principal = req.principal, let userID = principal.userID,
           let user = try await User.query(on: req.db).filter(\.$accountID == principal.accountID).filter(\.$id == userID).first() {
            explicit = user.locale
        }
        if explicit == nil { explicit = req.cookies[cookieName]?.string }
        return UILocale.negotiate(explicit: explicit, acceptLanguage: req.headers.first(name: .acceptLanguage))
    }
}
