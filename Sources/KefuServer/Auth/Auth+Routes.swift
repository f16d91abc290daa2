import Vapor

enum AuthRoutes {
    static func register(_ r: RouteGroups) {
        let auth = AuthController()
        let routes = r.v1.grouped("auth")
        routes.post("login", use: auth.login)
        routes.post("logout", use: auth.logout)
        routes.get("me", use: auth.me)
        routes.patch("me", use: auth.updateMe)
        routes.post("password", use: auth.changePassword)
        // API tokens (signed-in admins only; checked in the controller)
        let tokens = APITokensController()
        r.admin.get("api-tokens", use: tokens.list)
        r.admin.post("api-tokens", use: tokens.create)
        r.admin.delete("api-tokens", ":id", use: tokens.revoke)
    }
}
