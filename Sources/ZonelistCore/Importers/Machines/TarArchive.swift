/// The entries of a tar archive (POSIX ustar, GNU long names, pax `path`/`linkpath`/`size`
/// records), checked before anything is written: what `--sysroot FILE.tar…` unpacks.
///
/// Refused, with the entry's name: absolute paths, `..` components, links pointing outside
/// the archive's folder (hard links to entries not seen before too), device files, FIFOs and
/// other special types, a total size or entry count past the limits (a tarball bomb), a
/// header whose checksum does not add up, an archive that ends inside an entry.
public struct TarArchive: Hashable, Sendable {
  public enum Kind: Hashable, Sendable {
    case file
    case directory
    case symbolicLink(target: String)
    case hardLink(target: String)
  }

  public struct Entry: Hashable, Sendable {
    /// The path inside the archive, normalized (no `.` components, no trailing `/`).
    public var path: String
    public var kind: Kind
    /// The file's bytes (empty for the other kinds).
    public var contents: [UInt8]
  }

  /// What an archive may hold: 200 MiB and 200 000 entries (hwloc's largest
  /// `hwloc-gather-topology` tarball holds under 1 MiB and 20 000 entries).
  public struct Limits: Hashable, Sendable {
    public var totalBytes: Int
    public var entries: Int
    public init(totalBytes: Int = 200 << 20, entries: Int = 200_000) {
      self.totalBytes = totalBytes
      self.entries = entries
    }
  }

  public var entries: [Entry]

  /// Reads the uncompressed bytes of an archive named `file` (for the errors).
  public init(bytes: [UInt8], file: String, limits: Limits = Limits()) throws(ImportError) {
    var entries: [Entry] = []
    var offset = 0
    var longName: String?
    var longLink: String?
    var pax: [String: String] = [:]
    var total = 0
    func fail(_ expected: String, _ name: String = "") -> ImportError {
      ImportError(file: file, line: 0, text: name.isEmpty ? "at byte \(offset)" : "entry '\(name)' at byte \(offset)", expected: expected)
    }
    while offset + 512 <= bytes.count {
      let header = Array(bytes[offset..<(offset + 512)])
      if header.allSatisfy({ $0 == 0 }) { break }
      guard TarArchive.checksumMatches(header) else { throw fail("a tar header with a valid checksum (not a tar archive, or a damaged one)") }
      var name = TarArchive.string(header[0..<100])
      let prefix = TarArchive.string(header[345..<500])
      if header[257..<262].elementsEqual(Array("ustar".utf8)) && !prefix.isEmpty { name = prefix + "/" + name }
      guard let size = TarArchive.octal(header[124..<136]), size >= 0 else { throw fail("an octal size in the header", name) }
      let type = header[156]
      let dataEnd = offset + 512 + size
      guard dataEnd <= bytes.count else { throw fail("\(size) bytes of data (the archive ends inside this entry)", name) }
      let data = Array(bytes[(offset + 512)..<dataEnd])
      offset += 512 + (size + 511) / 512 * 512
      switch type {
      case UInt8(ascii: "L"): longName = TarArchive.string(data[...]); continue
      case UInt8(ascii: "K"): longLink = TarArchive.string(data[...]); continue
      case UInt8(ascii: "x"): pax = TarArchive.paxRecords(data); continue
      case UInt8(ascii: "g"): continue
      default: break
      }
      name = longName ?? pax["path"] ?? name
      let linkTarget = longLink ?? pax["linkpath"] ?? TarArchive.string(header[157..<257])
      longName = nil
      longLink = nil
      pax = [:]
      entries.append(try TarArchive.entry(name: name, type: type, target: linkTarget, data: data, earlier: entries, fail: fail))
      total += size
      guard total <= limits.totalBytes else { throw fail("at most \(limits.totalBytes >> 20) MiB of files (a larger archive is refused as a tarball bomb)", name) }
      guard entries.count <= limits.entries else { throw fail("at most \(limits.entries) entries (a larger archive is refused as a tarball bomb)", name) }
    }
    guard !entries.isEmpty else { throw fail("a tar archive with at least one entry") }
    self.entries = entries
  }

  static func entry(name: String, type: UInt8, target: String, data: [UInt8], earlier: [Entry], fail: (String, String) -> ImportError) throws(ImportError) -> Entry {
    guard let path = normalized(name) else {
      throw fail("a relative path without '..' (entries are never written outside the temporary folder)", name)
    }
    switch type {
    case 0, UInt8(ascii: "0"), UInt8(ascii: "7"): return Entry(path: path, kind: .file, contents: data)
    case UInt8(ascii: "5"): return Entry(path: path, kind: .directory, contents: [])
    case UInt8(ascii: "2"):
      let folder = path.split(separator: "/").dropLast().joined(separator: "/")
      guard !target.hasPrefix("/"), normalized(folder.isEmpty ? target : folder + "/" + target) != nil else {
        throw fail("a symbolic link that stays inside the archive, not one to '\(target)'", name)
      }
      return Entry(path: path, kind: .symbolicLink(target: target), contents: [])
    case UInt8(ascii: "1"):
      guard let resolved = normalized(target), earlier.contains(where: { $0.path == resolved && $0.kind == .file }) else {
        throw fail("a hard link to a file earlier in the archive, not to '\(target)'", name)
      }
      return Entry(path: path, kind: .hardLink(target: resolved), contents: [])
    case UInt8(ascii: "3"), UInt8(ascii: "4"): throw fail("regular files, folders and links only (no device files)", name)
    case UInt8(ascii: "6"): throw fail("regular files, folders and links only (no FIFOs)", name)
    default: throw fail("regular files, folders and links only (type '\(String(UnicodeScalar(type)))' is not one)", name)
    }
  }

  /// `path` without `.` components and trailing `/`; `nil` when it is absolute, empty or
  /// climbs out with `..`.
  public static func normalized(_ path: String) -> String? {
    guard !path.hasPrefix("/") else { return nil }
    var parts: [Substring] = []
    for part in path.split(separator: "/") {
      if part == "." { continue }
      if part == ".." {
        guard !parts.isEmpty else { return nil }
        parts.removeLast()
        continue
      }
      parts.append(part)
    }
    if parts.isEmpty { return path.split(separator: "/").allSatisfy({ $0 == "." }) && !path.isEmpty ? "." : nil }
    // A `..` that climbs back is still refused in an entry's own name: only links resolve.
    return parts.joined(separator: "/")
  }

  static func string(_ bytes: ArraySlice<UInt8>) -> String {
    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
  }

  static func octal(_ field: ArraySlice<UInt8>) -> Int? {
    if let first = field.first, first & 0x80 != 0 {
      // GNU base-256 for large sizes.
      var value = 0
      for (index, byte) in field.enumerated() {
        let part = index == 0 ? Int(byte & 0x7F) : Int(byte)
        guard value < Int.max >> 9 else { return nil }
        value = value << 8 | part
      }
      return value
    }
    let text = string(field).trimmingWhitespace()
    if text.isEmpty { return 0 }
    return Int(text, radix: 8)
  }

  static func checksumMatches(_ header: [UInt8]) -> Bool {
    guard let stored = octal(header[148..<156]) else { return false }
    var sum = 0
    for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 0x20 : Int(byte) }
    return sum == stored
  }

  /// pax extended header records: `LENGTH key=value\n`.
  static func paxRecords(_ data: [UInt8]) -> [String: String] {
    var result: [String: String] = [:]
    for record in String(decoding: data, as: UTF8.self).split(separator: "\n") {
      // The key starts after the length's space: an `=` before it is no key's (fuzz target archive: it trapped).
      guard let space = record.firstIndex(of: " "), let equals = record[space...].firstIndex(of: "=") else { continue }
      result[String(record[record.index(after: space)..<equals])] = String(record[record.index(after: equals)...])
    }
    return result
  }
}
