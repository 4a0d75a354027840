extension SystemSnapshot {
  private static let memTotalKey = Array("MemTotal:".utf8)

  /// Reads `Node N MemTotal: X kB` from a node's meminfo (or `MemTotal: X kB` from `/proc/meminfo`).
  static func memTotal(_ text: KernelText, file: String, expected: String = "'Node N MemTotal: X kB'") throws(ImportError) -> Int {
    for (number, line) in text.lines where text.contains(line, memTotalKey) {
      var fields = text.fields(line)
      var value: Int? = nil
      while let field = fields.next() {
        guard text.equals(field, memTotalKey) else { continue }
        value = fields.next().flatMap(text.integer)
        break
      }
      guard let value, value >= 0 else {
        throw ImportError(file: file, line: number, text: text.string(line), expected: expected)
      }
      guard value <= Pages.physicalLimit.rawValue * 4 else {
        throw ImportError(file: file, line: number, text: text.string(line), expected: "MemTotal \(Pages.physicalLimitText)")
      }
      return value
    }
    throw ImportError(file: file, line: 0, text: "", expected: "a \(expected) line")
  }

  /// Reads a CPU mask as `nodeN/cpumap` prints it: 32-bit hexadecimal words, most
  /// significant first, separated by commas (`00000000,0000ffff`).
  ///
  /// Kernel: the `%*pb` printk format (`bitmap_print_to_pagebuf()`).
  static func cpuMask(_ text: KernelText, file: String) throws(ImportError) -> [Int] {
    let trimmed = text.trimmed(text.all)
    if trimmed.isEmpty { return [] }
    var words: [UInt32] = []
    var start = trimmed.lowerBound
    while start <= trimmed.upperBound {
      let end = text.firstIndex(of: UInt8(ascii: ","), in: start..<trimmed.upperBound) ?? trimmed.upperBound
      guard end - start <= 8, let value = text.hexadecimal(start..<end) else {
        throw ImportError(
          file: file, line: 1, text: text.string(trimmed), expected: "a CPU mask of 32-bit hexadecimal words like '00000000,0000ffff'")
      }
      words.append(UInt32(value))
      start = end + 1
    }
    var cpus: [Int] = []
    for (index, value) in words.reversed().enumerated() {
      for bit in 0..<32 where value & (UInt32(1) << UInt32(bit)) != 0 { cpus.append(index * 32 + bit) }
    }
    return cpus
  }
}
