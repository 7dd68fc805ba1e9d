import Foundation

/// Where a listing's next page is, and whether the client may go there.
///
/// Every request carries the account's credentials, so a next-page link is followed only to
/// the origin (scheme, host and port) of the API base the client was configured with. A path
/// (`/2010-04-01/…?…`, as the 2010 API's `next_page_uri` is) is appended to the base, like the
/// first page's path, so a base with a path prefix (a proxy) keeps working.
enum NextPageLink {
    /// The absolute URL of `link`, or `.malformedReply` when it points elsewhere.
    ///
    /// - Parameters:
    ///   - link: the `next_page_url` or `next_page_uri` Twilio sent.
    ///   - base: the configured API base.
    ///   - root: `base` as text without a trailing `/`.
    ///   - field: the field's name, for the error message.
    static func resolve(_ link: String, base: URL, root: String, field: String) throws(TwilioError) -> String {
        if link.hasPrefix("/") { return root + link }
        guard let url = URL(string: link), url.scheme != nil, url.host != nil else {
            throw .malformedReply("\(field) is not a URL; not followed")
        }
        guard url.user == nil, url.password == nil, sameOrigin(url, base) else {
            throw .malformedReply(
                "\(field) points to \(url.host ?? "another host"), not \(base.host ?? "the API"); not followed")
        }
        return link
    }

    /// Whether `a` and `b` have the same scheme, host (both without regard to case) and port
    /// (a missing port counting as the scheme's default).
    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        guard let schemeA = a.scheme?.lowercased(), let schemeB = b.scheme?.lowercased(), schemeA == schemeB,
            let hostA = a.host?.lowercased(), let hostB = b.host?.lowercased(), hostA == hostB
        else { return false }
        return (a.port ?? defaultPort(schemeA)) == (b.port ?? defaultPort(schemeB))
    }

    private static func defaultPort(_ scheme: String) -> Int? {
        switch scheme {
        case "https": 443
        case "http": 80
        default: nil
        }
    }
}
