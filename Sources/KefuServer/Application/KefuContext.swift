import Foundation
import KefuCore
import Vapor

/// Process-wide state of one Kefu application, built once in `configure`.
final class KefuContext: Sendable {
    let settings: KefuSettings
    let loginLimiter: LoginLimiter
    let catalogs: [UILocale: MessageCatalog]
    let resourcesDirectory: String
    let openAPIDocument: Data
    /// The application's time: server code takes `now` from it (tests pin it).
    let clock: any WallClock
    /// The application's source of new ids.
    let ids: any IDSource

    init(settings: KefuSettings, catalogs: [UILocale: MessageCatalog], resourcesDirectory: String, openAPIDocument: Data,
         clock: any WallClock, ids: any IDSource) {
        self.settings = settings
        self.clock = clock
        self.ids = ids
        self.loginLimiter = LoginLimiter(perIP: settings.loginLimitPerIP, perAccount: settings.loginLimitPerAccount)
        self.catalogs = catalogs
        self.resourcesDirectory = resourcesDirectory
        self.openAPIDocument = openAPIDocument
    }

    func catalog(_ locale: UILocale) -> MessageCatalog {
        catalogs[locale] ?? catalogs[.default] ?? MessageCatalog(locale: locale, messages: [:])
    }
}

private struct KefuContextKey: StorageKey { typealias Value = KefuContext }

extension Application {
    var kefu: KefuContext {
        get { configured(KefuContextKey.self) }
        set { storage[KefuContextKey.self] = newValue }
    }
}

extension Request {
    /// The application's time now (``KefuContext/clock``).
    var now: Date { application.kefu.clock.now() }
}

extension Application {
    /// A part of Kefu that `KefuApplication.configure` stores in the application's storage.
    func configured<Key: StorageKey>(_ key: Key.Type) -> Key.Value {
        guard let value = storage[key] else { fatalError("KefuServer.configure(_:settings:) was not called") }
        return value
    }
}
