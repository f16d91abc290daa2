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

    /// Each locale's catalogue: `Resources/Locales/<capability>/<locale>.json` of every
    /// capability merged. A capability's keys start with its folder's name (`orders.…` in
    /// `orders/`), so capabilities cannot override each other; a key outside its folder's
    /// prefix or defined twice stops start-up.
    static func catalogs(in directory: String) throws(ConfigurationError) -> [UILocale: MessageCatalog] {
        let base = "\(directory)/Resources/Locales"
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [])
            .filter { var isDir: ObjCBool = false; return FileManager.default.fileExists(atPath: "\(base)/\($0)", isDirectory: &isDir) && isDir.boolValue }
            .sorted()
        guard !folders.isEmpty else { throw ConfigurationError(variable: "KEFU_RESOURCES_DIR", message: "has no catalogues in \(base)") }
        var result: [UILocale: MessageCatalog] = [:]
        for locale in UILocale.allCases {
            var messages: [String: String] = [:]
            for folder in folders {
                let path = "\(base)/\(folder)/\(locale.rawValue).json"
                guard let data = FileManager.default.contents(atPath: path),
                      let part = try? JSONDecoder().decode([String: String].self, from: data) else {
                    throw ConfigurationError(variable: "KEFU_RESOURCES_DIR", message: "has no readable catalogue \(path)")
                }
                if let stray = part.keys.sorted().first(where: { !$0.hasPrefix(folder + ".") }) {
                    throw ConfigurationError(variable: "KEFU_RESOURCES_DIR", message: "has the key \(stray) in \(path); keys there start with \(folder).")
                }
                messages.merge(part) { a, _ in a }
            }
            result[locale] = MessageCatalog(locale: locale, messages: messages)
        }
        return result
    }

    /// The API description: `Resources/OpenAPI/kefu.json` (the frame, shared schemas) merged
    /// with every capability's part `Resources/OpenAPI/<capability>.json` (its paths and
    /// schemas). A path or schema defined twice is an error.
    static func openAPIDocument(in directory: String) throws(ConfigurationError) -> Data {
        let folder = "\(directory)/Resources/OpenAPI"
        func load(_ name: String) throws(ConfigurationError) -> [String: Any] {
            let path = "\(folder)/\(name)"
            guard let data = FileManager.default.contents(atPath: path),
                  let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                throw ConfigurationError(variable: "KEFU_RESOURCES_DIR", message: "has no valid \(path)")
            }
            return object
        }
        var document = try load("kefu.json")
        var paths = document["paths"] as? [String: Any] ?? [:]
        var components = document["components"] as? [String: Any] ?? [:]
        var schemas = components["schemas"] as? [String: Any] ?? [:]
        let parts = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") && $0 != "kefu.json" }.sorted()
        for name in parts {
            let part = try load(name)
            for (path, operations) in part["paths"] as? [String: Any] ?? [:] {
                guard paths[path] == nil else {
                    throw ConfigurationError(variable: "KEFU_RESOURCES_DIR", message: "describes the path \(path) twice (again in OpenAPI/\(name))")
                }
                paths[path] = operations
            }
            for (schema, body) in (part["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:] {
                guard schemas[schema] == nil else {
                    throw ConfigurationError(variable: "KEFU_RESOURCES_DIR", message: "defines the schema \(schema) twice (again in OpenAPI/\(name))")
                }
                schemas[schema] = body
            }
        }
        components["schemas"] = schemas
        document["paths"] = paths
        document["components"] = components
        guard let data = try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            throw ConfigurationError(variable: "KEFU_RESOURCES_DIR", message: "holds an OpenAPI description that cannot be written back")
        }
        return data
    }
}
