/// Reads a QEMU command line, or a file of its arguments: the options that shape the guest's
/// NUMA machine (`-machine`, `-m`, `-smp`, `-object memory-backend-*`, `-numa
/// node|dist|cpu|hmat-lb`, `-append`), so that what `zonelist qemu-args` prints reads back.
///
/// Words are split as `sh` splits them (quotes, backslashes, a backslash-newline joins lines,
/// `#` starts a comment); a line `append: OPTIONS` (the `qemu-args` file `zonelist capture`
/// writes) is the kernel command line. Options that do not shape the machine (`-kernel`,
/// `-serial`, `-drive`, …) are skipped with their argument.
///
/// Kernel and QEMU: Linux numbers nodes in ACPI SRAT order, which QEMU writes CPUs first (by
/// CPU index), then memory by QEMU node id; the reader renumbers the same way
/// (``QEMUArguments/linuxNodeIDs``) and lays the memory out in QEMU's node order.
public enum QEMUCommandLine {
  /// QEMU options that take no argument.
  static let flags: Set<String> = [
    "-nographic", "-enable-kvm", "-no-reboot", "-no-shutdown", "-S", "-snapshot", "-no-hpet", "-no-acpi",
    "-daemonize", "-nodefaults", "-no-user-config", "-full-screen", "-no-fd-bootchk", "-s", "-version", "-help",
  ]
  /// Kernel options that shape memory or the NUMA machine, kept in ``MachineSpec/bootOptions``.
  static let bootPrefixes = ["numa=", "movablecore=", "kernelcore=", "memmap=", "mem=", "movable_node", "memhp_default_state="]

  public static func read(_ text: String, file: String) throws(ImportError) -> ImportedMachine {
    var parser = Parser(file: file)
    try parser.words(text)
    return try parser.machine()
  }

  struct Word {
    var text: String
    var line: Int
  }

  struct Parser {
    let file: String
    var lines: [Substring] = []
    var words: [Word] = []
    var append: [Word] = []

    init(file: String) { self.file = file }

    func fail(_ expected: String, _ line: Int) -> ImportError {
      ImportError(file: file, line: line, text: line > 0 && line <= lines.count ? String(lines[line - 1]) : "", expected: expected)
    }

    /// Splits the text into words as `sh` does; `append:` lines become kernel options.
    mutating func words(_ text: String) throws(ImportError) {
      lines = NumberedLines(text).lines
      var word: String? = nil
      var wordLine = 1
      var quote: Character? = nil
      var line = 1
      var characters = Array(text.unicodeScalars.map(Character.init))
      var index = 0
      // A line `append: …` (zonelist capture's qemu-args file) is the kernel command line.
      for (number, content) in lines.enumerated() where content.hasPrefix("append:") {
        append += content.dropFirst(7).split(separator: " ").map { Word(text: String($0), line: number + 1) }
      }
      characters = Array(lines.enumerated().map { $0.element.hasPrefix("append:") ? "" : String($0.element) }.joined(separator: "\n"))
      func finish() {
        if let done = word { words.append(Word(text: done, line: wordLine)) }
        word = nil
      }
      while index < characters.count {
        let character = characters[index]
        index += 1
        if character == "\n" { line += 1 }
        if let open = quote {
          if character == open {
            quote = nil
          } else if character == "\\" && open == "\"" && index < characters.count && "\"\\$`".contains(characters[index]) {
            word! += String(characters[index])
            index += 1
          } else {
            word! += String(character)
          }
        } else if character == "'" || character == "\"" {
          if word == nil { wordLine = line }
          quote = character
          word = word ?? ""
        } else if character == "\\" {
          guard index < characters.count else { throw fail("a character after the backslash", line) }
          let next = characters[index]
          index += 1
          if next == "\n" {
            line += 1
            continue
          }
          if word == nil { wordLine = line }
          word = (word ?? "") + String(next)
        } else if character == " " || character == "\t" || character == "\n" || character == "\r" {
          finish()
        } else if character == "#" && word == nil {
          while index < characters.count && characters[index] != "\n" { index += 1 }
        } else {
          if word == nil { wordLine = line }
          word = (word ?? "") + String(character)
        }
      }
      guard quote == nil else { throw fail("the closing quote \(quote!) (the text ends inside quotes)", wordLine) }
      finish()
    }

    /// `key=value` pairs of an option argument (`,,` is a comma); a first part without `=` is
    /// returned under `""` (the `-numa node` or `-machine pc` form).
    func pairs(_ word: Word) throws(ImportError) -> [(key: String, value: String)] {
      var parts: [String] = []
      var current = ""
      var characters = Array(word.text)[...]
      while let character = characters.popFirst() {
        if character == "," {
          if characters.first == "," {
            current.append(",")
            characters.removeFirst()
          } else {
            parts.append(current)
            current = ""
          }
        } else {
          current.append(character)
        }
      }
      parts.append(current)
      var result: [(key: String, value: String)] = []
      for (index, part) in parts.enumerated() {
        if let equals = part.firstIndex(of: "=") {
          result.append((String(part[..<equals]), String(part[part.index(after: equals)...])))
        } else if index == 0 {
          result.append(("", part))
        } else {
          throw fail("key=value options after the first in '\(word.text)', not '\(part)'", word.line)
        }
      }
      return result
    }

    /// QEMU's sizes: a number with an optional suffix B, K, M, G, T, P, E (binary); `unit` is
    /// the scale of a bare number (bytes for `size=`, MiB for `-m`).
    func size(_ text: String, unit: Int, _ word: Word, what: String) throws(ImportError) -> Int {
      let scales: [Character: Int] = ["B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "P": 1 << 50, "E": 1 << 60]
      var number = Substring(text)
      var scale = unit
      if let last = number.last, let known = scales[Character(last.uppercased())] {
        scale = known
        number = number.dropLast()
      }
      let expected = "\(what) like 1024M or 4G (QEMU's binary suffixes B, K, M, G, T, P, E), not '\(text)'"
      if let value = Int(number), value >= 0 {
        let (bytes, overflow) = value.multipliedReportingOverflow(by: scale)
        guard !overflow, bytes <= Architecture.x86_64.maxPhysicalBytes else { throw fail("\(what) of at most \(Architecture.x86_64.physicalLimitText)", word.line) }
        return bytes
      }
      guard let value = Double(number), value >= 0, value.isFinite, number.allSatisfy({ $0.isNumber || $0 == "." }) else {
        throw fail(expected, word.line)
      }
      let bytes = value * Double(scale)
      guard bytes <= Double(Architecture.x86_64.maxPhysicalBytes), bytes == bytes.rounded() else { throw fail(expected, word.line) }
      return Int(bytes)
    }

    func integer(_ text: String, _ word: Word, what: String, range: ClosedRange<Int>) throws(ImportError) -> Int {
      guard let value = Int(text), range.contains(value) else { throw fail("\(what) in \(range.lowerBound)...\(range.upperBound), not '\(text)'", word.line) }
      return value
    }
  }
}
