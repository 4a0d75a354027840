import Yams

/// A composed YAML node as the project's file readers see it: a scalar keeps its text, its
/// line and the part of its resolved tag that a reader can observe (``bool``, and the `=`
/// key that Yams' `Node.string` looks through); a collection keeps its entries and its line.
///
/// ``YAMLComposer`` composes most files straight from libyaml's events; anything else is
/// composed by Yams and taken over by ``composedByYams(_:)``, and the two agree on every file the
/// fast path takes (a property checked by the tests and the `topology` fuzz target).
public enum YAMLNode: Equatable, Sendable {
  case scalar(Scalar)
  case sequence(Sequence)
  case mapping(Mapping)

  public struct Scalar: Equatable, Sendable {
    /// The scalar's text, as Yams gives it.
    public var string: String
    /// The 1-based line of its first character.
    public var line: Int
    var kind: Kind
  }

  /// What a scalar's resolved tag makes of it.
  enum Kind: UInt8, Sendable {
    /// Not a boolean: `tag:yaml.org,2002:str` (quoted, block), or a plain scalar that resolves
    /// to something else (int, null, …).
    case other
    case `true`
    case `false`
    /// `tag:yaml.org,2002:value` (a plain `=`): as a mapping key, Yams' `Node.string` of the
    /// mapping is the string of its value.
    case value
  }

  /// A sequence's elements: nodes, or a flow sequence of integers kept as its values
  /// (``YAMLIntegerRun``; the scalars are made when an element is asked for).
  public struct Sequence: RandomAccessCollection, Equatable, Sendable {
    private enum Storage: Sendable {
      case nodes([YAMLNode])
      case integers(YAMLIntegerRun)
    }

    private var storage: Storage
    public var line: Int

    init(elements: [YAMLNode], line: Int) {
      storage = .nodes(elements)
      self.line = line
    }

    init(integers: YAMLIntegerRun, line: Int) {
      storage = .integers(integers)
      self.line = line
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int {
      switch storage {
      case .nodes(let nodes): nodes.count
      case .integers(let run): run.values.count
      }
    }

    public subscript(position: Int) -> YAMLNode {
      switch storage {
      case .nodes(let nodes):
        return nodes[position]
      case .integers(let run):
        let value = run.values[position]
        return .scalar(Scalar(string: String(value), line: line + run.lineOffset(of: position), kind: .other))
      }
    }

    /// Each element's `Int(string)`, when the sequence was read as a run of plain decimal
    /// integers (`nil` otherwise, whatever its elements).
    var integers: [Int]? {
      guard case .integers(let run) = storage else { return nil }
      return run.values
    }

    public static func == (lhs: Sequence, rhs: Sequence) -> Bool {
      lhs.line == rhs.line && lhs.elementsEqual(rhs)
    }
  }

  public struct Mapping: RandomAccessCollection, Equatable, Sendable {
    public var pairs: [(key: YAMLNode, value: YAMLNode)]
    public var line: Int
    public var startIndex: Int { pairs.startIndex }
    public var endIndex: Int { pairs.endIndex }
    public subscript(position: Int) -> (key: YAMLNode, value: YAMLNode) { pairs[position] }

    public static func == (lhs: Mapping, rhs: Mapping) -> Bool {
      lhs.line == rhs.line && lhs.pairs.elementsEqual(rhs.pairs) { $0.key == $1.key && $0.value == $1.value }
    }
  }

  /// The 1-based line the node starts on.
  public var line: Int {
    switch self {
    case .scalar(let scalar): scalar.line
    case .sequence(let sequence): sequence.line
    case .mapping(let mapping): mapping.line
    }
  }

  /// Yams' `Node.string`: a scalar's text, or the string of the value under a `=` key.
  public var string: String? {
    switch self {
    case .scalar(let scalar): return scalar.string
    case .sequence: return nil
    case .mapping(let mapping):
      for (key, value) in mapping {
        if case .scalar(let scalar) = key, scalar.kind == .value { return value.string }
      }
      return nil
    }
  }

  /// Yams' `Node.bool`.
  public var bool: Bool? {
    guard case .scalar(let scalar) = self else { return nil }
    switch scalar.kind {
    case .true: return true
    case .false: return false
    case .other, .value: return nil
    }
  }

  /// The tree Yams composes for `text`, `nil` for a stream without a document.
  static func composedByYams(_ text: String) throws -> YAMLNode? {
    // UTF-8 named: `.default` looks the encoding up in the environment on every parse.
    let parser = try Parser(yaml: text, encoding: .utf8)
    guard let root = try parser.singleRoot() else { return nil }
    // A node holds its anchor weakly: the parser keeps them while the tree is taken over.
    return withExtendedLifetime(parser) {
      var converted: [Anchored: YAMLNode] = [:]
      return converting(root, &converted)
    }
  }

  /// An anchored node: its anchor and where it starts (an anchor may be defined again further on).
  private struct Anchored: Hashable {
    var anchor: String
    var line: Int
    var column: Int
  }

  /// Yams expands each alias into the anchored node itself; taken over once per anchor, the
  /// copies share their storage, so a tree of aliases of aliases costs what its text does.
  private static func converting(_ node: Yams.Node, _ converted: inout [Anchored: YAMLNode]) -> YAMLNode {
    let key = node.anchor.map { Anchored(anchor: $0.rawValue, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0) }
    if let key, let known = converted[key] { return known }
    let line = node.mark?.line ?? 0
    let result: YAMLNode
    switch node {
    case .scalar(let scalar):
      let kind: Kind = node.tag.rawValue == Tag.Name.value.rawValue ? .value : node.bool.map { $0 ? .true : .false } ?? .other
      result = .scalar(Scalar(string: scalar.string, line: line, kind: kind))
    case .sequence(let sequence):
      result = .sequence(Sequence(elements: sequence.map { converting($0, &converted) }, line: line))
    case .mapping(let mapping):
      result = .mapping(Mapping(pairs: mapping.map { (key: converting($0.key, &converted), value: converting($0.value, &converted)) }, line: line))
    case .alias:
      // Yams' parser expands aliases; a `.alias` node only comes from building a tree by hand.
      result = .scalar(Scalar(string: "", line: line, kind: .other))
    }
    if let key { converted[key] = result }
    return result
  }
}

extension YAMLComposer {
  /// Yams' tree for `text`, `nil` where Yams refuses it or finds no document: what
  /// ``compose(_:)`` equals wherever it composes (the tests and the `topology` fuzz target check it).
  static func reference(_ text: String) -> YAMLNode? {
    (try? YAMLNode.composedByYams(text)) ?? nil
  }
}
