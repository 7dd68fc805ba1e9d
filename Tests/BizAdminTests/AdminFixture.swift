import BizAdmin
import BizCore
import BizHTTP
import BizPostgres
import BizTestSupport
import Foundation
import Synchronization

/// A migrated test database, an `AdminApplication` on it with a clock the test moves, and
/// LOGIN roles made for the test (dropped at the end).
final class AdminFixture {
    /// The clock the application reads, in nanoseconds.
    final class Clock: Sendable {
        private let nanoseconds = Mutex<UInt64>(1_000_000_000)
        var now: UInt64 { nanoseconds.withLock { $0 } }
        func advance(seconds: UInt64) { nanoseconds.withLock { $0 += seconds * 1_000_000_000 } }
    }

    /// A signed-in browser: its session cookie and the session's CSRF token.
    struct Browser {
        let cookie: String
        let csrf: String
    }

    let database: PostgresTestDatabase
    /// The database's owner, for setting up rows and checking them afterwards.
    let owner: PostgresConnection
    let clock = Clock()
    let application: AdminApplication
    private var roles: [TemporaryLoginRole] = []

    init() throws {
        database = try PostgresTestDatabase()
        try database.applyMigrations()
        owner = try database.connect()
        let clock = clock
        application = AdminApplication(settings: AdminSettings(databaseURL: database.connectionString), now: { clock.now })
    }

    deinit {
        application.closeAll()
        for role in roles { role.drop() }
    }

    /// A new LOGIN role with a password in `group` (`biz_admin` or `biz_viewer`), dropped
    /// with the fixture.
    func makeRole(in group: String) throws -> String {
        let role = try TemporaryLoginRole(in: group, on: database, withPassword: true)
        roles.append(role)
        return role.name
    }

    /// Inserts a business as the owner; returns its id.
    @discardableResult
    func insertBusiness(
        name: String, publicPhone: String? = nil, twilioPhone: String? = nil, businessType: String? = nil,
        customSettings: String = "{}"
    ) throws -> String {
        try owner.query(
            """
            INSERT INTO businesses (name, public_phone, twilio_phone, business_type, custom_settings)
            VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id::text AS id
            """,
            [name, publicPhone, twilioPhone, businessType, customSettings]
        ).value(row: 0, column: "id")
    }

    /// The business's name as stored, or nil when it is gone.
    func storedName(id: String) throws -> String? {
        try owner.query("SELECT name FROM businesses WHERE id = $1::uuid", [id])[0, "name"]
    }

    // MARK: Requests

    func get(_ path: String, query: [(String, String)] = [], cookie: String? = nil) -> HTTPResponse {
        application.handle(
            HTTPRequest(
                method: "GET", path: path, query: query.map { (name: $0.0, value: $0.1) },
                headers: cookie.map { ["cookie": $0] } ?? [:]))
    }

    func post(_ path: String, form: [(String, String)], cookie: String? = nil) -> HTTPResponse {
        var headers = ["content-type": "application/x-www-form-urlencoded"]
        if let cookie { headers["cookie"] = cookie }
        let body = FormURLEncoding.encode(form.map { (name: $0.0, value: $0.1) })
        return application.handle(HTTPRequest(method: "POST", path: path, headers: headers, body: Array(body.utf8)))
    }

    /// Opens the sign-in page and submits it for `role`: the sign-in response and the
    /// sign-in cookie it used.
    func submitLogin(role: String, password: String = TemporaryLoginRole.password) -> HTTPResponse {
        let page = get("/login")
        let token = Self.cookieValue("bizadmin_login", in: page) ?? ""
        return post(
            "/login", form: [("csrf", token), ("role", role), ("password", password)], cookie: "bizadmin_login=\(token)")
    }

    /// Signs in as `role` and reads the session's CSRF token from the list page.
    func signIn(_ role: String) throws -> Browser {
        let response = submitLogin(role: role)
        guard response.status == 303, let token = Self.cookieValue("bizadmin_session", in: response) else {
            throw ChildProcess.Failure("sign-in as \(role) answered \(response.status): \(Self.text(response))")
        }
        let cookie = "bizadmin_session=\(token)"
        let list = Self.text(get("/", cookie: cookie))
        guard let csrf = Self.csrfToken(in: list) else { throw ChildProcess.Failure("no CSRF token in the list page") }
        return Browser(cookie: cookie, csrf: csrf)
    }

    // MARK: Reading responses

    static func text(_ response: HTTPResponse) -> String {
        String(decoding: response.body, as: UTF8.self)
    }

    static func header(_ name: String, in response: HTTPResponse) -> [String] {
        response.headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The value a `Set-Cookie` of `response` gives the cookie `name`.
    static func cookieValue(_ name: String, in response: HTTPResponse) -> String? {
        for line in header("Set-Cookie", in: response) where line.hasPrefix(name + "=") {
            let value = line.dropFirst(name.count + 1).prefix { $0 != ";" }
            return String(value)
        }
        return nil
    }

    /// The first hidden `csrf` field's value in a page.
    static func csrfToken(in page: String) -> String? {
        guard let range = page.range(of: #"name="csrf" value=""#) else { return nil }
        return String(page[range.upperBound...].prefix { $0 != "\"" })
    }

    /// How many times `needle` occurs in `text`.
    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}
