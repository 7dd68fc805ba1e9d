import BizCore
import BizHTTP
import BizPostgres
import BizSystem

/// The admin pages: answers every request of the `bizadmin` daemon, on any of the HTTP
/// server's threads.
///
/// A person signs in with a PostgreSQL role and its password; the application opens a
/// connection as that role and keeps it for the session (`SessionConnections`), so the
/// database's grants and row level security decide what the person may see and change. The
/// password goes to libpq and nowhere else: it is not logged, not put in a page or an
/// error, and not kept by the application once the connection is made. Every POST carries
/// a CSRF token (the session's, or for sign-in the one in the sign-in cookie) and is
/// refused with 403 without it.
public final class AdminApplication: Sendable {
    /// How the application reaches the database and keeps sessions.
    public let settings: AdminSettings
    let sessions: SessionTable
    let throttle: LoginThrottle
    let connections = SessionConnections()
    /// The monotonic clock, in nanoseconds; tests move it forward to expire sessions.
    let now: @Sendable () -> UInt64

    /// The cookie that carries the sign-in form's CSRF token, before there is a session.
    static let loginCookieName = "bizadmin_login"

    /// - Parameters:
    ///   - now: the monotonic clock in nanoseconds, injectable for tests.
    ///   - throttle: slows password guessing per role name.
    public init(
        settings: AdminSettings, now: @escaping @Sendable () -> UInt64 = { MonotonicClock.nanoseconds() },
        throttle: LoginThrottle = LoginThrottle()
    ) {
        self.settings = settings
        self.sessions = SessionTable(idleTimeout: settings.sessionIdleTimeout)
        self.throttle = throttle
        self.now = now
    }

    /// The number of signed-in sessions holding a database connection.
    public var connectionCount: Int { connections.count }

    /// Ends the sessions idle too long and closes their connections; for a periodic sweep
    /// (requests sweep too).
    public func removeExpiredSessions() {
        for session in sessions.removeExpired(now: now()) { connections.remove(session.token) }
    }

    /// Ends every session and closes every connection, when the daemon stops.
    public func closeAll() {
        for session in sessions.removeExpired(now: .max) { connections.remove(session.token) }
    }

    /// The response to `request`.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        guard settings.allowedHosts.allows(hostHeader: request.headers["host"]) else {
            Log.info("refused a request for another host", ["host": request.headers["host"] ?? ""])
            return HTTPResponse.text(
                "This server does not answer for that host name. Start bizadmin with --allow-host NAME to serve it.\n",
                status: 421)
        }
        let route = AdminRoute(method: request.method, path: request.path)
        switch route {
        case .styleSheet:
            return HTTPResponse.text(
                StaticAssets.adminCSS, contentType: "text/css; charset=utf-8",
                headers: [HTTPResponse.Header("Cache-Control", "max-age=3600")])
        case .script:
            return HTTPResponse.text(
                StaticAssets.adminJS, contentType: "text/javascript; charset=utf-8",
                headers: [HTTPResponse.Header("Cache-Control", "max-age=3600")])
        case .notFound:
            return MessagePage.notFound(session: nil)
        case .methodNotAllowed(let allowed):
            return HTTPResponse.methodNotAllowed(allowed: allowed)
        case .loginPage:
            return loginPage(notice: nil, role: "")
        case .login:
            return login(request)
        default:
            break
        }
        let session: AdminSession
        switch resolveSession(of: request) {
        case .success(let found): session = found
        case .failure(let refusal): return refusal.response
        }
        removeExpiredSessions()
        if request.method == "POST" {
            guard let fields = formFields(of: request) else {
                return MessagePage.badRequest("The form could not be read.", session: session)
            }
            guard session.acceptsCSRFToken(fields[Layout.csrfFieldName]) else {
                return MessagePage.forbidden("The form did not carry this session's token. Reload the page and try again.", session: session)
            }
            return post(route, fields: fields, session: session)
        }
        return get(route, request: request, session: session)
    }

    private func get(_ route: AdminRoute, request: HTTPRequest, session: AdminSession) -> HTTPResponse {
        switch route {
        case .list: return list(request, session: session)
        case .newBusinessForm, .editForm, .deleteConfirmation:
            guard session.canWrite else {
                return MessagePage.forbidden("Your role may view businesses but not change them.", session: session)
            }
            switch route {
            case .newBusinessForm:
                return Layout.response(
                    BusinessFormPage.render(
                        session: session, form: BusinessForm(fields: [:]), businessID: nil, view: listView(of: request)))
            case .editForm(let id): return editForm(id: id, view: listView(of: request), session: session)
            case .deleteConfirmation(let id):
                return deleteConfirmation(id: id, view: listView(of: request), session: session)
            default: return MessagePage.notFound(session: session)
            }
        default: return MessagePage.notFound(session: session)
        }
    }

    private func post(_ route: AdminRoute, fields: [String: String], session: AdminSession) -> HTTPResponse {
        switch route {
        case .logout: return logout(session)
        case .createBusiness: return save(fields: fields, id: nil, session: session)
        case .updateBusiness(let id): return save(fields: fields, id: id, session: session)
        case .deleteBusiness(let id): return delete(id: id, fields: fields, session: session)
        default: return MessagePage.notFound(session: session)
        }
    }

    /// The decoded form body; nil when it cannot be read.
    func formFields(of request: HTTPRequest) -> [String: String]? {
        try? FormURLEncoding.decode(request.body)
    }

    /// Runs `body` with a store on the session's connection, under the session's lock; a
    /// store failure becomes its error page. A lost connection (the server restarted) is
    /// opened again for the session's next request; the failed one is not retried, since it
    /// may have been a change.
    func withStore(
        _ session: AdminSession, _ body: (BusinessAdminStore) throws(AdminStoreError) -> HTTPResponse
    ) -> HTTPResponse {
        let response = connections.withConnection(session.token) { connection -> HTTPResponse in
            do throws(AdminStoreError) {
                return try body(BusinessAdminStore(connection: connection))
            } catch {
                if case .database(let problem) = error, problem.isConnectionProblem || !connection.isConnected {
                    try? connection.reset()
                }
                return failure(error, session: session)
            }
        }
        return response ?? signInAgain(notice: "Your session ended. Sign in again.")
    }

    /// The page for a store failure: 403 when PostgreSQL refused the role, 404 for a
    /// business that is not there, 503 (logged) for anything else.
    func failure(_ error: AdminStoreError, session: AdminSession) -> HTTPResponse {
        switch error {
        case .permissionDenied(let message):
            Log.info("refused by the database", ["role": session.role, "reason": message])
            return MessagePage.forbidden("Your role may not do this: \(message).", session: session)
        case .notFound:
            return MessagePage.notFound(session: session)
        case .phoneInUse, .invalidValue:
            return MessagePage.response(status: 422, title: "Not saved", message: error.description, session: session)
        case .database:
            Log.warning("database failure", ["role": session.role, "error": error.description])
            return MessagePage.databaseFailure(session: session)
        }
    }
}
