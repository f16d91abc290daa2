import Foundation
import KefuCore

/// Finds and loads what Kefu serves from disk: `Public/` (static pages, widget)
/// and `Resources/` (locale catalogues, OpenAPI document).
enum ResourceLoader {
    /// The folder holding `Public/` and `Resources/`: the setting if given, else
    /// the working directory, else the source checkout this binary was built from.
    static func locate(configured: String?) throws(ConfigurationError) -> String {
        let fm = FileManager.default
        func hasResources(_ dir: String) -> Bool {
            fm.fileExists(atPath: dir + "/Resources/Locales") && fm.fileExists(atPath: dir + "/Public")
        }
        if let configured {
            guard hasResources(configured) else {
                throw ConfigurationError(variable: "KEFU_RESOURCES_DIR", message: "must name a folder holding Public/ and Resources/Locales/, got '\(configured)'")
            }
            return configured
        }
        let cwd = fm.currentDirectoryPath
        if hasResources(cwd) { return cwd }
        // Sources/KefuServer/Application/Resources.swift → the package root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        if hasResources(root) { return root }
        throw ConfigurationError(variable: "KEFU_RESOURCES_DIR", message: "is not set and no Public/ and Resources/ were found in \(cwd)")
    }

    static func catalogs(in directory: String) throws(ConfigurationError) -> [UILocale: MessageCatalog] {
        var result: [UILocale: MessageCatalog] = [:]
        for locale in UILocale.allCases {
            let path = "\(directory)/Resources/Locales/\(locale.rawValue).json"
            guard let data = FileManager.default.contents(atPath: path),
                  let messages = try? JSONDecoder().decode([String: String].self, from: data) else {
                throw ConfigurationError(variable: "KEFU_RESOURCES_DIR", message: "has no readable catalogue \(path)")
            }
            result[locale] = MessageCatalog(locale: locale, messages: messages)
        }
        return result
    }

    static func openAPIDocument(in directory: String) throws(ConfigurationError) -> Data {
        let path = "\(directory)/Resources/openapi.json"
        guard let data = FileManager.default.contents(atPath: path),
              (try? JSONSerialization.jsonObject(with: data)) != nil else {
            throw ConfigurationError(variable: "KEFU_RESOURCES_DIR", message: "has no valid \(path)")
        }
        return data
    }
}
