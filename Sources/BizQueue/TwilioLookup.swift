import BizCore
import BizTwilio
import Foundation

extension TwilioClient {
    /// The message Twilio already has for `message`, sent at or after `since`: same
    /// recipient, same sender (number or messaging service) and same body. Used before
    /// sending again a text whose earlier attempt may have reached Twilio, since the
    /// Messages API has no idempotency key.
    func sentMessage(matching message: OutboundSMS, since: Date) throws(TwilioError) -> TwilioMessage? {
        var from: PhoneNumber?
        var service: String?
        switch message.sender {
        case .phone(let number): from = number
        case .messagingService(let sid): service = sid
        }
        // A minute of slack for clock differences between this host and Twilio.
        let candidates = try messages(to: message.to, from: from, sentAfter: since.addingTimeInterval(-60))
        return candidates.first { candidate in
            candidate.body == message.body && (service == nil || candidate.messagingServiceSID == service)
        }
    }
}

extension TwilioError {
    /// Twilio's error code, for `last_error_code`.
    var twilioCode: Int? {
        if case .rejected(_, let code, _, _) = self { return code }
        return nil
    }
}
