import Foundation

/// Parses HTTP `Retry-After` values (RFC 9110 §10.2.3): delay-seconds (`120`, what the API
/// server sends with 429 and 504) or an HTTP-date (IMF-fixdate, RFC 850 or asctime form). A date
/// in the past is a zero delay; anything else unparsable is nil.
public enum RetryAfter {
    public static func parse(_ value: String, now: Date = Date()) -> Duration? {
        let text = value.trimmingWhitespace()
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            guard let seconds = Int64(text) else { return .seconds(Int64.max / 1_000_000_000) }  // absurdly large
            return .seconds(seconds)
        }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text.replacingOccurrences(of: "  ", with: " ")) {
                let delay = date.timeIntervalSince(now)
                return delay <= 0 ? .zero : .milliseconds(Int64((delay * 1000).rounded(.up)))
            }
        }
        return nil
    }
}
