import BizCore

/// One page of the admin list of businesses.
public struct BusinessPage: Sendable, Equatable {
    /// The businesses on the page, in the order asked for; empty past the last page.
    public var businesses: [Business]
    /// How many businesses match the search on all pages together.
    public var totalCount: Int

    /// A page of `businesses` out of `totalCount` matches.
    public init(businesses: [Business], totalCount: Int) {
        self.businesses = businesses
        self.totalCount = totalCount
    }
}
