import BizCore
import BizHTTP
import BizPostgres
import BizSystem

/// Signing in and out, and finding the session of a request.
extension AdminApplication {
    /// Why a request has no session: the response that says so.
    struct NoSession: Error {
        let response: HTTPResponse
    }

    /// The session the request's cookie names. Without one, a redirect to the sign-in page;
    /// for a session idle too long, the sign-in page saying so, with the cookie cleared.
    func resolveSession(of request: HTTPRequest) -> Result<AdminSession, NoSession> {
        let cookies = request.header("cookie").map(CookieHeader.parse) ?? [:]
        guard let token = cookies[CookieHeader.sessionCookieName], !token.isEmpty else {
            return .failure(NoSession(response: Layout.redirect(to: AdminPaths.login)))
        }
        switch sessions.lookUp(token, now: now()) {
        case .active(let session):
            return .success(session)
        case .expired(let session):
            connections.remove(session.token)
            Log.info("session expired", ["role": session.role])
            return .failure(NoSession(response: signInAgain(notice: "Your session expired. Sign in again.", role: session.role)))
        case .unknown:
            return .failure(
                NoSession(
                    response: Layout.redirect(
                        to: AdminPaths.login,
                        headers: [HTTPResponse.Header("Set-Cookie", CookieHeader.clearedSessionCookie(secure: settings.secureCookies))])))
        }
    }

    /// The sign-in page with `notice`, clearing the session cookie (401).
    func signInAgain(notice: String, role: String = "") -> HTTPResponse {
        loginPage(
            notice: notice, role: role, status: 401,
            headers: [HTTPResponse.Header("Set-Cookie", CookieHeader.clearedSessionCookie(secure: settings.secureCookies))])
    }

    /// The sign-in page with a new CSRF token, which its cookie carries too.
    func loginPage(notice: String?, role: String, status: Int = 200, headers: [HTTPResponse.Header] = []) -> HTTPResponse {
        var generator = SystemRandomNumberGenerator()
        let token = SessionToken.generate(using: &generator)
        let cookie = "\(Self.loginCookieName)=\(token); Path=\(AdminPaths.login); HttpOnly; SameSite=Strict"
            + (settings.secureCookies ? "; Secure" : "")
        return Layout.response(
            LoginPage.render(notice: notice, role: role, csrfToken: token), status: status,
            headers: headers + [HTTPResponse.Header("Set-Cookie", cookie)])
    }

    /// `POST /login`: checks the form's token against the sign-in cookie, the throttle,
    /// then connects as the role. On success the session keeps the connection and the
    /// browser gets the session cookie.
    func login(_ request: HTTPRequest) -> HTTPResponse {
        guard let fields = formFields(of: request) else {
            return MessagePage.badRequest("The form could not be read.", session: nil)
        }
        let cookies = request.header("cookie").map(CookieHeader.parse) ?? [:]
        guard let expected = cookies[Self.loginCookieName], SessionToken.isWellFormed(expected),
            ConstantTime.equals(expected, fields[Layout.csrfFieldName] ?? "")
        else {
            return loginPage(notice: "The sign-in form expired. Try again.", role: "", status: 403)
        }
        let role = String((fields["role"] ?? "").filter { !$0.isWhitespace })
        guard !role.isEmpty, role.utf8.count <= 63, !role.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else {
            return loginPage(notice: "Enter a PostgreSQL role of at most 63 characters.", role: "", status: 400)
        }
        let wait = throttle.delay(for: role, now: now())
        guard wait == 0 else {
            let seconds = (wait + 999_999_999) / 1_000_000_000
            return loginPage(
                notice: "Too many failed sign-ins for this role. Wait \(seconds) seconds and try again.", role: role,
                status: 429, headers: [HTTPResponse.Header("Retry-After", String(seconds))])
        }
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection(
                connectionString: settings.databaseURL, connectTimeout: settings.connectTimeout,
                login: (user: role, password: fields["password"] ?? ""))
        } catch {
            throttle.recordFailure(for: role, now: now())
            Log.info("sign-in failed", ["role": role, "reason": error.description])
            return loginPage(
                notice: "Sign-in failed: the role or password is wrong, or the database cannot be reached.", role: role,
                status: 401)
        }
        throttle.recordSuccess(for: role)
        // A page must not hold an HTTP thread and the session's lock for long.
        _ = try? connection.execute("SET statement_timeout = '15s'")
        let canWrite =
            (try? connection.query("SELECT has_table_privilege('public.businesses', 'UPDATE')::text AS can_write"))?[0, "can_write"]
            == "true"
        var generator = SystemRandomNumberGenerator()
        let (session, ended) = sessions.create(role: role, now: now(), using: &generator)
        for old in ended { connections.remove(old.token) }
        sessions.setCanWrite(canWrite, for: session.token)
        connections.add(connection, for: session.token)
        Log.info("signed in", ["role": role, "can_write": String(canWrite)])
        return Layout.redirect(
            to: AdminPaths.list,
            headers: [
                HTTPResponse.Header("Set-Cookie", CookieHeader.sessionCookie(token: session.token, secure: settings.secureCookies)),
                HTTPResponse.Header(
                    "Set-Cookie", "\(Self.loginCookieName)=; Path=\(AdminPaths.login); HttpOnly; SameSite=Strict; Max-Age=0"
                        + (settings.secureCookies ? "; Secure" : "")),
            ])
    }

    /// `POST /logout`: ends the session and closes its connection.
    func logout(_ session: AdminSession) -> HTTPResponse {
        sessions.remove(session.token)
        connections.remove(session.token)
        Log.info("signed out", ["role": session.role])
        return Layout.redirect(
            to: AdminPaths.login,
            headers: [HTTPResponse.Header("Set-Cookie", CookieHeader.clearedSessionCookie(secure: settings.secureCookies))])
    }
}
