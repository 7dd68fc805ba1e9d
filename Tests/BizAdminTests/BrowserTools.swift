import BizTestSupport
import Foundation
import Glibc

/// What the browser walkthrough needs on the machine: Debian's Chromium and its driver, and
/// python3 with Selenium from PyPI (scripts/install-deps installs all three).
enum BrowserTools {
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"

    /// What is missing, or nil when everything is there; worked out once.
    static let missing: String? = {
        var missing: [String] = []
        if access(chromium, X_OK) != 0 { missing.append("\(chromium) (Debian package chromium)") }
        if access(chromedriver, X_OK) != 0 { missing.append("\(chromedriver) (Debian package chromium-driver)") }
        let selenium = try? ChildProcess.run(ChildProcess.lookUp("python3"), ["-c", "import selenium"])
        if selenium?.status != 0 { missing.append("python3's selenium module (pip install selenium)") }
        return missing.isEmpty ? nil : "missing " + missing.joined(separator: ", ") + "; scripts/install-deps installs them"
    }()
}
