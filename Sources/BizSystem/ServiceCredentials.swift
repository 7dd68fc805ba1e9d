import BizCore
import Foundation

/// Secrets the way systemd hands them over: `LoadCredential=NAME:…` puts the file `NAME`
/// in `$CREDENTIALS_DIRECTORY`, readable only by the service. Without it, a file named by
/// an environment variable, then the variable itself (for running by hand).
public enum ServiceCredentials {
    /// The secret, read now (call again to pick up a rotated file), or nil when none of the
    /// three sources is set. Surrounding whitespace and newlines are removed.
    ///
    /// - Parameters:
    ///   - name: the credential's name in `$CREDENTIALS_DIRECTORY`, e.g. `twilio-auth-token`.
    ///   - fileVariable: the variable naming a file that holds it, e.g. `TWILIO_AUTH_TOKEN_FILE`.
    ///   - variable: the variable holding it, e.g. `TWILIO_AUTH_TOKEN`.
    /// - Throws: `ConfigurationError` when a named file cannot be read or is empty; the
    ///   message names the file, never its content.
    public static func secret(
        named name: String, fileVariable: String, variable: String, environment: [String: String]
    ) throws(ConfigurationError) -> String? {
        if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty,
            FileManager.default.fileExists(atPath: directory + "/" + name)
        {
            return try read(directory + "/" + name, name: "credential \(name)")
        }
        if let file = environment[fileVariable], !file.isEmpty { return try read(file, name: fileVariable) }
        if let value = environment[variable], !value.isEmpty { return value }
        return nil
    }

    private static func read(_ path: String, name: String) throws(ConfigurationError) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .invalidValue(name: name, reason: "cannot read \(path)")
        }
        let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else { throw .invalidValue(name: name, reason: "\(path) is empty") }
        return secret
    }
}

extension ServiceCredentials {
    /// The PostgreSQL password: the credential `database-password`, else the file named by
    /// `DATABASE_PASSWORD_FILE`, else `PGPASSWORD`; nil when none is set (the connection
    /// string, `~/.pgpass` or `PGPASSFILE` may still give one).
    public static func databasePassword(environment: [String: String]) throws(ConfigurationError) -> String? {
        try secret(named: "database-password", fileVariable: "DATABASE_PASSWORD_FILE", variable: "PGPASSWORD", environment: environment)
    }
}
