/// A kernel release number, `major.minor[.patch]`.
public struct KernelVersion: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
  public var major: Int
  public var minor: Int
  public var patch: Int

  public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
    self.major = major
    self.minor = minor
    self.patch = patch
  }

  /// Parses the start of a release string: `6.1.0-56-amd64`, `6.12.117+deb12-amd64`, `2.6.24`.
  public init?(parsing text: String) {
    var numbers: [Int] = []
    var current = ""
    for character in text {
      if character.isASCII && character.isNumber {
        current.append(character)
      } else if character == "." && !current.isEmpty && numbers.count < 2 {
        guard let number = Int(current) else { return nil }  // digits past Int's range
        numbers.append(number)
        current = ""
      } else {
        break
      }
    }
    if !current.isEmpty, let last = Int(current) { numbers.append(last) }
    guard numbers.count >= 2 else { return nil }
    self.init(numbers[0], numbers[1], numbers.count > 2 ? numbers[2] : 0)
  }

  /// Finds the release in `/proc/version` text (`Linux version 6.1.0-56-amd64 (…`).
  public init?(procVersion text: String) {
    let words = text.split(whereSeparator: \.isWhitespace)
    guard words.count >= 3, words[0] == "Linux", words[1] == "version" else { return nil }
    self.init(parsing: String(words[2]))
  }

  public static func < (a: KernelVersion, b: KernelVersion) -> Bool {
    (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
  }
  public var description: String { "\(major).\(minor).\(patch)" }
  /// The release series, with the digits that tell series apart: `major.minor`, except
  /// `2.6.N` (the 2.6 kernels numbered their series in the third place).
  public var series: String { isTwoSix ? "\(major).\(minor).\(patch)" : "\(major).\(minor)" }

  /// The first release of this version's series (`6.12.117` → `6.12`, `2.6.24.7` → `2.6.24`).
  public var seriesStart: KernelVersion { isTwoSix ? self : KernelVersion(major, minor) }

  private var isTwoSix: Bool { major == 2 && minor == 6 }
}
