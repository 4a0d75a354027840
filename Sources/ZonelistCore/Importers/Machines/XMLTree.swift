/// An element of an XML document: its name, attributes, child elements and the character
/// data directly inside it, with the line it starts on.
///
/// Read by ``XMLTree/parse(_:file:)``, a small strict reader of the XML that hwloc and libvirt
/// write: elements, attributes, the five predefined entities and character references,
/// comments, CDATA sections, processing instructions and a `DOCTYPE` (skipped, internal subset
/// included). No namespaces are resolved (a prefixed name is kept as written), no external
/// entity is loaded, and anything not well formed is an ``ImportError`` with its line.
public struct XMLElement: Hashable, Sendable {
  public var name: String
  public var attributes: [String: String]
  public var children: [XMLElement]
  /// The character data directly inside the element (entities decoded, CDATA included).
  public var text: String
  /// The 1-based line of the element's `<`.
  public var line: Int

  public init(name: String, attributes: [String: String] = [:], children: [XMLElement] = [], text: String = "", line: Int = 0) {
    self.name = name
    self.attributes = attributes
    self.children = children
    self.text = text
    self.line = line
  }

  /// The child elements named `name`, in document order.
  public func children(named name: String) -> [XMLElement] { children.filter { $0.name == name } }

  /// The first child element named `name`.
  public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

  /// Every element below this one (depth first, document order), this one excluded.
  public var descendants: [XMLElement] {
    var result: [XMLElement] = []
    var stack = Array(children.reversed())
    while let next = stack.popLast() {
      result.append(next)
      stack.append(contentsOf: next.children.reversed())
    }
    return result
  }
}

/// The strict XML reader behind the hwloc and libvirt importers.
public enum XMLTree {
  /// How deep elements may nest, and how many there may be: beyond either the document is
  /// refused rather than held (hwloc's deepest real trees are under 20 levels).
  public static let maxDepth = 256
  public static let maxElements = 2_000_000

  /// Parses `text` into its root element.
  ///
  /// - Throws: ``ImportError`` naming `file`, the line and what was expected there.
  /// - Complexity: O(*n*) in the length of the text.
  public static func parse(_ text: String, file: String) throws(ImportError) -> XMLElement {
    var reader = Reader(bytes: Array(text.utf8), file: file)
    return try reader.document()
  }

  struct Reader {
    let bytes: [UInt8]
    let file: String
    var index = 0
    var line = 1
    var elementCount = 0

    init(bytes: [UInt8], file: String) {
      self.bytes = bytes
      self.file = file
    }

    func fail(_ expected: String, line: Int? = nil) -> ImportError {
      let number = line ?? self.line
      var start = 0
      var current = 1
      var position = 0
      while position < bytes.count && current < number {
        if bytes[position] == UInt8(ascii: "\n") {
          current += 1
          start = position + 1
        }
        position += 1
      }
      var end = start
      while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
      let text = String(decoding: bytes[start..<min(end, start + 200)], as: UTF8.self)
      return ImportError(file: file, line: number, text: text, expected: expected)
    }

    var atEnd: Bool { index >= bytes.count }
    var current: UInt8 { bytes[index] }

    func starts(with literal: String) -> Bool {
      let utf8 = Array(literal.utf8)
      return index + utf8.count <= bytes.count && bytes[index..<(index + utf8.count)].elementsEqual(utf8)
    }

    mutating func advance(_ count: Int = 1) {
      for _ in 0..<count where index < bytes.count {
        if bytes[index] == UInt8(ascii: "\n") { line += 1 }
        index += 1
      }
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    mutating func skipSpace() { while !atEnd && Reader.isSpace(current) { advance() } }

    /// Skips to just past `terminator`, or fails with `expected`.
    mutating func skip(past terminator: String, _ expected: String) throws(ImportError) {
      let startLine = line
      while !atEnd {
        if starts(with: terminator) {
          advance(terminator.utf8.count)
          return
        }
        advance()
      }
      throw fail(expected, line: startLine)
    }

    /// The document: prolog (declaration, comments, PIs, DOCTYPE), one root element, then
    /// only comments, PIs and white space.
    mutating func document() throws(ImportError) -> XMLElement {
      if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
      var root: XMLElement?
      while true {
        skipSpace()
        if atEnd { break }
        if starts(with: "<?") {
          try skip(past: "?>", "a processing instruction closed by '?>'")
        } else if starts(with: "<!--") {
          try comment()
        } else if starts(with: "<!DOCTYPE") {
          guard root == nil else { throw fail("no DOCTYPE after the root element") }
          try doctype()
        } else if current == UInt8(ascii: "<") {
          guard root == nil else { throw fail("one root element only (the document goes on after it)") }
          root = try element()
        } else {
          throw fail(root == nil ? "an XML document starting with '<'" : "nothing but comments after the root element")
        }
      }
      guard let root else { throw fail("a root element (the document is empty)") }
      return root
    }

    mutating func comment() throws(ImportError) {
      let startLine = line
      advance(4)
      while !atEnd {
        if starts(with: "--") {
          guard starts(with: "-->") else { throw fail("no '--' inside a comment") }
          advance(3)
          return
        }
        advance()
      }
      throw fail("a comment closed by '-->' (the file ends inside it)", line: startLine)
    }

    mutating func doctype() throws(ImportError) {
      let startLine = line
      advance(9)
      var quote: UInt8? = nil
      var depth = 0
      while !atEnd {
        let byte = current
        advance()
        if let open = quote {
          if byte == open { quote = nil }
        } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
          quote = byte
        } else if byte == UInt8(ascii: "[") {
          depth += 1
        } else if byte == UInt8(ascii: "]") {
          depth -= 1
        } else if byte == UInt8(ascii: ">") && depth <= 0 {
          return
        }
      }
      throw fail("a DOCTYPE closed by '>' (the file ends inside it)", line: startLine)
    }

    static func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"),
        UInt8(ascii: ":"), 0x80...0xFF:
        true
      case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."): !first
      default: false
      }
    }

    mutating func name(_ what: String) throws(ImportError) -> String {
      let start = index
      guard !atEnd, Reader.isNameByte(current, first: true) else { throw fail(what) }
      while !atEnd && Reader.isNameByte(current, first: false) { advance() }
      return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// One element and everything inside it, read without recursion (nesting is bounded by
    /// ``XMLTree/maxDepth``).
    mutating func element() throws(ImportError) -> XMLElement {
      var stack: [XMLElement] = []
      var open = try startTag()
      if open.selfClosing { return open.element }
      stack.append(open.element)
      while let top = stack.last {
        guard !atEnd else { throw fail("'</\(top.name)>' closing the element opened on line \(top.line) (the file ends first)") }
        if starts(with: "</") {
          let endLine = line
          advance(2)
          let name = try self.name("an element name after '</'")
          skipSpace()
          guard !atEnd, current == UInt8(ascii: ">") else { throw fail("'>' closing '</\(name)'") }
          advance()
          guard name == top.name else {
            throw fail("'</\(top.name)>' closing the element opened on line \(top.line), not '</\(name)>'", line: endLine)
          }
          let finished = stack.removeLast()
          if stack.isEmpty { return finished }
          stack[stack.count - 1].children.append(finished)
        } else if starts(with: "<!--") {
          try comment()
        } else if starts(with: "<![CDATA[") {
          advance(9)
          let start = index
          try skip(past: "]]>", "a CDATA section closed by ']]>'")
          stack[stack.count - 1].text += String(decoding: bytes[start..<(index - 3)], as: UTF8.self)
        } else if starts(with: "<?") {
          try skip(past: "?>", "a processing instruction closed by '?>'")
        } else if starts(with: "<!") {
          throw fail("an element, a comment or CDATA, not '<!' (no DOCTYPE inside an element)")
        } else if current == UInt8(ascii: "<") {
          guard stack.count < XMLTree.maxDepth else { throw fail("elements nested at most \(XMLTree.maxDepth) deep") }
          open = try startTag()
          if open.selfClosing {
            stack[stack.count - 1].children.append(open.element)
          } else {
            stack.append(open.element)
          }
        } else {
          stack[stack.count - 1].text += try characterData()
        }
      }
      throw fail("an element")
    }

    mutating func startTag() throws(ImportError) -> (element: XMLElement, selfClosing: Bool) {
      let startLine = line
      advance()  // <
      elementCount += 1
      guard elementCount <= XMLTree.maxElements else { throw fail("at most \(XMLTree.maxElements) elements") }
      var element = XMLElement(name: try name("an element name after '<'"), line: startLine)
      while true {
        let hadSpace = !atEnd && Reader.isSpace(current)
        skipSpace()
        guard !atEnd else { throw fail("'>' closing the tag '<\(element.name)' opened on line \(startLine) (the file ends first)") }
        if current == UInt8(ascii: ">") {
          advance()
          return (element, false)
        }
        if starts(with: "/>") {
          advance(2)
          return (element, true)
        }
        guard hadSpace else { throw fail("white space, '>' or '/>' after '<\(element.name)' and its attributes") }
        let attribute = try name("an attribute name, '>' or '/>' in '<\(element.name)'")
        skipSpace()
        guard !atEnd, current == UInt8(ascii: "=") else { throw fail("'=' after the attribute '\(attribute)'") }
        advance()
        skipSpace()
        guard !atEnd, current == UInt8(ascii: "\"") || current == UInt8(ascii: "'") else {
          throw fail("a quoted value for the attribute '\(attribute)'")
        }
        let quote = current
        advance()
        let value = try attributeValue(quote: quote, attribute: attribute)
        guard element.attributes[attribute] == nil else { throw fail("each attribute once ('\(attribute)' is repeated)") }
        element.attributes[attribute] = value
      }
    }

    mutating func attributeValue(quote: UInt8, attribute: String) throws(ImportError) -> String {
      let startLine = line
      var value: [UInt8] = []
      while !atEnd {
        let byte = current
        if byte == quote {
          advance()
          return String(decoding: value, as: UTF8.self)
        }
        if byte == UInt8(ascii: "<") { throw fail("no '<' inside the value of '\(attribute)' (the closing quote is missing?)") }
        if byte == UInt8(ascii: "&") {
          value += Array(try reference().utf8)
        } else {
          // Attribute-value normalization: white space characters become spaces.
          value.append(Reader.isSpace(byte) ? 0x20 : byte)
          advance()
        }
      }
      throw fail("the closing quote of the attribute '\(attribute)' (the file ends first)", line: startLine)
    }

    mutating func characterData() throws(ImportError) -> String {
      var text: [UInt8] = []
      while !atEnd && current != UInt8(ascii: "<") {
        if current == UInt8(ascii: "&") {
          text += Array(try reference().utf8)
        } else {
          if starts(with: "]]>") { throw fail("no ']]>' outside a CDATA section") }
          text.append(current)
          advance()
        }
      }
      return String(decoding: text, as: UTF8.self)
    }

    /// `&name;` (the five predefined entities) or `&#N;` / `&#xH;`.
    mutating func reference() throws(ImportError) -> String {
      advance()  // &
      let start = index
      while !atEnd && current != UInt8(ascii: ";") && index - start < 12 { advance() }
      guard !atEnd, current == UInt8(ascii: ";") else {
        throw fail("an entity reference like '&amp;', '&lt;' or '&#10;' ending in ';'")
      }
      let body = String(decoding: bytes[start..<index], as: UTF8.self)
      advance()
      switch body {
      case "lt": return "<"
      case "gt": return ">"
      case "amp": return "&"
      case "quot": return "\""
      case "apos": return "'"
      default: break
      }
      var code: UInt32?
      if body.hasPrefix("#x") {
        code = UInt32(body.dropFirst(2), radix: 16)
      } else if body.hasPrefix("#") {
        code = UInt32(body.dropFirst(), radix: 10)
      }
      guard body.hasPrefix("#") else {
        throw fail("one of the entities &lt; &gt; &amp; &quot; &apos; or a character reference, not '&\(body);' (no DTD entities)")
      }
      guard let code, code != 0, let scalar = Unicode.Scalar(code) else {
        throw fail("a character reference to a valid character, not '&\(body);'")
      }
      return String(Character(scalar))
    }
  }
}
