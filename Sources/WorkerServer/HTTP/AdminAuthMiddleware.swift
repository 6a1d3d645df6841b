import Hummingbird

/// Lets a request through only with `Authorization: Bearer <BLUEPRINT_ADMIN_TOKEN>`.
///
/// Without a configured token every request is refused (403): the admin API can replay and
/// purge jobs, so it is never open by default. The token is compared in constant time.
public struct AdminAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?

    /// Creates the middleware; `token` `nil` refuses everything.
    public init(token: String?) {
        self.token = token
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let token = self.token else {
            return JSONResponse.error(.forbidden, "the admin API is disabled: set BLUEPRINT_ADMIN_TOKEN")
        }
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        guard header.hasPrefix(prefix), ConstantTime.equals(header.utf8.dropFirst(prefix.utf8.count), token.utf8) else {
            var response = JSONResponse.error(.unauthorized, "missing or wrong bearer token")
            response.headers[.wwwAuthenticate] = "Bearer realm=\"blueprint\""
            return response
        }
        return try await next(request, context)
    }
}
