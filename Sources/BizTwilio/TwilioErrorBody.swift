/// The JSON body of a Twilio error reply:
/// `{"code": 21211, "message": "…", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}`.
struct TwilioErrorBody: Decodable {
    let code: Int?
    let message: String?
    let moreInfo: String?
    let status: Int?

    private enum CodingKeys: String, CodingKey {
        case code, message, status
        case moreInfo = "more_info"
    }
}
