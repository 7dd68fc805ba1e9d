/// Makes text from Twilio or from the network safe to put in an error: removes secrets (the
/// auth token, a message body) and masks anything that looks like a phone number.
///
/// Numbers are runs of 7 to 15 digits, with or without a leading `+`, that are not part of a
/// longer word (so the digits inside a SID such as `SM0123456789…` are left alone); they are
/// masked the way `PhoneNumber.masked` does: `+1555***0001`, `1555***0001`.
struct Scrubber: Sendable {
    /// Secrets shorter than this are not searched for: a two-letter body such as `OK` would
    /// otherwise blank out ordinary words.
    static let minimumSecretLength = 4
    /// The longest text kept; the rest is cut off with `…`.
    static let maximumLength = 500

    private let secrets: [String]

    init(secrets: [String]) {
        // Longest first, so a secret containing another is removed whole.
        self.secrets = secrets.filter { $0.count >= Self.minimumSecretLength }.sorted { $0.count > $1.count }
    }

    func scrub(_ text: some StringProtocol) -> String {
        var result = String(text)
        for secret in secrets {
            result = result.replacing(secret, with: "<redacted>")
        }
        result = Self.maskNumbers(result)
        if result.count > Self.maximumLength {
            result = String(result.prefix(Self.maximumLength)) + "…"
        }
        return result
    }

    static func maskNumbers(_ text: String) -> String {
        let characters = Array(text)
        var output = ""
        var index = 0
        while index < characters.count {
            let start = index
            var digitsStart = index
            if characters[index] == "+" { digitsStart += 1 }
            var end = digitsStart
            while end < characters.count, characters[end].isASCII, characters[end].isNumber { end += 1 }
            let digitCount = end - digitsStart
            let boundaryBefore = start == 0 || !isWordCharacter(characters[start - 1])
            let boundaryAfter = end == characters.count || !isWordCharacter(characters[end])
            if (7...15).contains(digitCount) && boundaryBefore && boundaryAfter {
                let digits = String(characters[digitsStart..<end])
                let shown = min(4, (digitCount - 3) / 2)
                output += String(characters[start..<digitsStart]) + digits.prefix(shown) + "***" + digits.suffix(shown)
                index = end
            } else if digitCount > 0 {
                // Too short or too long, or inside a word: copy the whole run unchanged, so
                // its tail is not mistaken for a number of its own.
                output += String(characters[start..<end])
                index = end
            } else {
                output.append(characters[index])
                index += 1
            }
        }
        return output
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
    }
}
