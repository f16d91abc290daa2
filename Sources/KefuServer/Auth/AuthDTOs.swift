import Foundation
import KefuCore
import Vapor

struct LoginRequest: StrictContent {
    static let allowedFields: Set<String> = ["email", "password"]
    var email: String
    var password: String
}

struct SessionDTO: Content {
    var user: UserDTO
    var account: AccountDTO
    var csrfToken: String?
}

struct UpdateMeRequest: StrictContent {
    static let allowedFields: Set<String> = ["displayName", "locale"]
    var displayName: String?
    var locale: String?
}

struct ChangePasswordRequest: StrictContent {
    static let allowedFields: Set<String> = ["currentPassword", "newPassword"]
    var currentPassword: String
    var newPassword: String
}
