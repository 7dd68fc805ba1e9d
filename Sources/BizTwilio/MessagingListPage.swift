import Foundation

/// One page of a Messaging API (v1) listing:
/// `{"<key>": [ … ], "meta": {"key": "<key>", "next_page_url": "https://…" | null, …}}`.
///
/// The list is read from the field `meta.key` names; when `meta` has no `key`, from the field
/// the caller expects (`JSONDecoder.userInfo[MessagingListPage.expectedKey]`).
struct MessagingListPage<Item: Decodable>: Decodable {
    /// The user-info key of the list field's expected name (a `String`).
    static var expectedKey: CodingUserInfoKey { CodingUserInfoKey(rawValue: "MessagingListPage.expectedKey")! }

    let items: [Item]
    /// `meta.next_page_url`: absolute, nil on the last page.
    let nextPageURL: String?

    private struct Meta: Decodable {
        let key: String?
        let nextPageURL: String?

        private enum CodingKeys: String, CodingKey {
            case key
            case nextPageURL = "next_page_url"
        }
    }

    private struct FieldName: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FieldName.self)
        let meta = try container.decode(Meta.self, forKey: FieldName(stringValue: "meta"))
        let expected = decoder.userInfo[Self.expectedKey] as? String
        guard let key = meta.key.flatMap({ $0.isEmpty ? nil : $0 }) ?? expected else {
            throw DecodingError.keyNotFound(
                FieldName(stringValue: "key"),
                DecodingError.Context(
                    codingPath: [FieldName(stringValue: "meta")], debugDescription: "no list key"))
        }
        items = try container.decode([Item].self, forKey: FieldName(stringValue: key))
        nextPageURL = meta.nextPageURL
    }
}
