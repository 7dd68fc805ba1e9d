import Foundation
import Testing

@testable import BizTwilio

@Suite struct TwilioWireFormatTests {
    // MARK: Form encoding

    @Test("Form values keep only unreserved characters; everything else is percent-encoded UTF-8")
    func formEncoding() {
        #expect(FormEncoding.percentEncode("+15550100001") == "%2B15550100001")
        #expect(FormEncoding.percentEncode("a b") == "a%20b")
        #expect(FormEncoding.percentEncode("x&y=z") == "x%26y%3Dz")
        #expect(FormEncoding.percentEncode("100%") == "100%25")
        #expect(FormEncoding.percentEncode("é👍") == "%C3%A9%F0%9F%91%8D")
        #expect(FormEncoding.percentEncode("A-z_0.9~") == "A-z_0.9~")
        #expect(FormEncoding.percentEncode("line\r\nnext?#/") == "line%0D%0Anext%3F%23%2F")
        #expect(FormEncoding.percentEncode("DateSent>") == "DateSent%3E")
        #expect(FormEncoding.percentEncode("") == "")
    }

    @Test("Fields are joined in order")
    func formFields() {
        let encoded = FormEncoding.encode([("To", "+15550100001"), ("Body", "Hi & bye = ok"), ("Empty", "")])
        #expect(encoded == "To=%2B15550100001&Body=Hi%20%26%20bye%20%3D%20ok&Empty=")
    }

    // MARK: Dates

    @Test(
        "RFC 2822 dates as Twilio writes them, and variations",
        arguments: [
            ("Fri, 24 May 2019 17:44:46 +0000", 1_558_719_886.0),
            ("24 May 2019 17:44:46 +0000", 1_558_719_886),
            ("Fri, 24 May 2019 19:44:46 +0200", 1_558_719_886),
            ("Fri, 24 May 2019 12:14:46 -0530", 1_558_719_886),
            ("Fri, 24 May 2019 17:44:46 GMT", 1_558_719_886),
            ("Fri, 24 may 2019 17:44 +0000", 1_558_719_840),
            ("Thu, 01 Jan 1970 00:00:00 +0000", 0),
            ("Tue, 29 Feb 2028 23:59:59 +0000", 1_835_481_599),
            ("Wed, 1 Mar 2000 00:00:00 +0000", 951_868_800),
        ])
    func rfc2822(_ text: String, _ seconds: Double) {
        #expect(RFC2822Date.parse(text) == Date(timeIntervalSince1970: seconds))
    }

    @Test(
        "Anything else is not a date",
        arguments: [
            "", "yesterday", "2019-05-24T17:44:46Z", "Fri, 24 Mai 2019 17:44:46 +0000", "Fri, 32 May 2019 17:44:46 +0000",
            "Fri, 24 May 2019 24:00:00 +0000", "Fri, 24 May 2019 17:44:46", "Fri, 24 May 2019 17:44:46 +00",
            "Fri, 24 May 2019 17:4:46 +0000", "Fri, 24 May 19 17:44:46 +0000", "Fri, 24 May 2019 17:44:46 +0000 extra",
        ])
    func notRFC2822(_ text: String) {
        #expect(RFC2822Date.parse(text) == nil)
    }

    @Test("Days are UTC YYYY-MM-DD")
    func days() {
        #expect(RFC2822Date.day(Date(timeIntervalSince1970: 0)) == "1970-01-01")
        #expect(RFC2822Date.day(Date(timeIntervalSince1970: 1_558_719_886)) == "2019-05-24")
        #expect(RFC2822Date.day(Date(timeIntervalSince1970: 1_835_481_599)) == "2028-02-29")
        #expect(RFC2822Date.day(Date(timeIntervalSince1970: 1_835_481_600)) == "2028-03-01")
        #expect(RFC2822Date.day(Date(timeIntervalSince1970: 951_868_799.9)) == "2000-02-29")
        #expect(RFC2822Date.day(Date(timeIntervalSince1970: -1)) == "1969-12-31")
    }

    @Test("Every day for 60 years round-trips through both formats")
    func dayRoundTrip() {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        for dayNumber in stride(from: 0, to: 365 * 60, by: 1) {
            let date = Date(timeIntervalSince1970: Double(dayNumber) * 86_400 + 43_200)
            let day = RFC2822Date.day(date)
            let parts = day.split(separator: "-").map { Int($0)! }
            let text = "\(parts[2]) \(months[parts[1] - 1]) \(parts[0]) 12:00:00 +0000"
            guard RFC2822Date.parse(text) == date else {
                Issue.record("day \(dayNumber): \(day) -> \(text) -> \(String(describing: RFC2822Date.parse(text)))")
                return
            }
        }
    }

    // MARK: Message resource

    @Test("A Message decodes from Twilio's example, extra fields ignored")
    func decodesExample() throws {
        let json = """
            {"account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "api_version": "2010-04-01", "body": "Hello! \\ud83d\\udc4d",
             "date_created": "Thu, 24 Aug 2023 05:01:45 +0000", "date_sent": "Thu, 24 Aug 2023 05:01:46 +0000",
             "date_updated": "Thu, 24 Aug 2023 05:01:47 +0000", "direction": "outbound-api", "error_code": null,
             "error_message": null, "from": "+14155552345", "num_media": "0", "num_segments": "1", "price": null,
             "price_unit": null, "messaging_service_sid": "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
             "sid": "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "status": "queued",
             "subresource_uris": {"media": "/2010-04-01/Accounts/AC/Messages/SM/Media.json"},
             "to": "+14155552346", "uri": "/2010-04-01/Accounts/AC/Messages/SM.json", "new_field_from_2030": [1, 2]}
            """
        let message = try JSONDecoder().decode(TwilioMessage.self, from: Data(json.utf8))
        #expect(message.sid == "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        #expect(message.status == .queued)
        #expect(message.to == "+14155552346")
        #expect(message.from == "+14155552345")
        #expect(message.messagingServiceSID == "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        #expect(message.body == "Hello! 👍")
        #expect(message.errorCode == nil)
        #expect(message.errorMessage == nil)
        #expect(message.dateCreated == Date(timeIntervalSince1970: 1_692_853_305))
        #expect(message.dateSent == Date(timeIntervalSince1970: 1_692_853_306))
        #expect(message.dateUpdated == Date(timeIntervalSince1970: 1_692_853_307))
    }

    @Test("Nulls, missing fields, unknown statuses and odd dates are tolerated")
    func tolerant() throws {
        let json = """
            {"sid": "SM00000000000000000000000000000001", "status": "some_future_status", "to": null,
             "date_created": "not a date", "error_code": "30007", "error_message": "Carrier violation"}
            """
        let message = try JSONDecoder().decode(TwilioMessage.self, from: Data(json.utf8))
        #expect(message.status == TwilioMessage.Status(rawValue: "some_future_status"))
        #expect(message.status?.description == "some_future_status")
        #expect(message.to == nil && message.from == nil && message.body == nil && message.messagingServiceSID == nil)
        #expect(message.dateCreated == nil && message.dateSent == nil)
        #expect(message.errorCode == 30007)
        #expect(message.errorMessage == "Carrier violation")
        let failed = try JSONDecoder().decode(
            TwilioMessage.self, from: Data(#"{"sid": "SM1", "status": "undelivered", "error_code": 30005}"#.utf8))
        #expect(failed.status == .undelivered)
        #expect(failed.errorCode == 30005)
    }

    @Test("A Message without a SID does not decode")
    func sidRequired() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TwilioMessage.self, from: Data(#"{"sid": null, "status": "queued"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TwilioMessage.self, from: Data(#"{"status": "queued"}"#.utf8))
        }
    }
}
