import CYaml

/// Composes YAML text into ``YAMLNode``s straight from libyaml's events.
///
/// Yams spends most of a large file's reading on what the readers never look at: a tag
/// object and a run of regular expressions per scalar (a 1024-node topology file has a
/// million distances). This composer keeps a scalar's text, line and the resolved-tag facts
/// a reader can observe, and gives up (`nil`) on anything it does not reproduce exactly:
/// a syntax error (Yams words it), more or fewer than one document, an anchor, alias or
/// explicit tag, a key that is not a scalar, two keys with equal text in one mapping (Yams
/// refuses some such keys), or nesting deeper than ``YAMLShape/maximumDepth``. The caller then
/// composes with Yams, which refuses or reads the text as before.
///
/// A flow sequence of at least ``minimumRun`` plain decimal integers (a row of a distance
/// table) is read straight from the bytes by ``YAMLIntegerRuns``, and libyaml reads the text
/// with that sequence emptied; if libyaml does not read each emptied sequence as one (a `[`
/// in a quoted scalar, say), the composer reads the whole text again without runs.
enum YAMLComposer {
  /// The fewest integers in a flow sequence read straight from the bytes (``YAMLIntegerRuns``)
  /// rather than by libyaml: a 1024-node distance table is a million of them.
  static let minimumRun = 16

  static func compose(_ text: String, minimumRun: Int = minimumRun) -> YAMLNode? {
    var text = text
    return text.withUTF8 { bytes in
      if let runs = YAMLIntegerRuns.find(in: bytes, minimumCount: minimumRun),
        let tree = runs.text.withUnsafeBufferPointer({ compose($0, runs: runs) })
      {
        return tree
      }
      return compose(bytes, runs: nil)
    }
  }

  /// The tree libyaml's events for `bytes` make, with `runs` in place of the empty flow
  /// sequences at their brackets.
  private static func compose(_ bytes: UnsafeBufferPointer<UInt8>, runs: YAMLIntegerRuns?) -> YAMLNode? {
    var parser = yaml_parser_t()
    guard yaml_parser_initialize(&parser) == 1 else { return nil }
    defer { yaml_parser_delete(&parser) }
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
    yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
    var tree = Tree(runs: runs)
    var event = yaml_event_t()
    while yaml_parser_parse(&parser, &event) == 1 {
      defer { yaml_event_delete(&event) }
      switch tree.take(event) {
      case .more: continue
      case .done: return tree.root
      case .giveUp: return nil
      }
    }
    return nil
  }

  private enum Step { case more, done, giveUp }

  /// A collection whose end event has not come yet; a mapping's entries alternate key, value.
  private struct Open {
    var isMapping: Bool
    var line: Int
    var entries: [YAMLNode] = []
  }

  private struct Tree {
    var open: [Open] = []
    var root: YAMLNode?
    var documents = 0
    var runs: YAMLIntegerRuns?
    /// The next run whose `[` is to come, and the run whose `]` comes next.
    var nextRun = 0
    var openRun: (index: Int, line: Int)?

    init(runs: YAMLIntegerRuns?) {
      self.runs = runs
    }

    mutating func take(_ event: yaml_event_t) -> Step {
      let line = Int(event.start_mark.line) + 1
      if let (run, line) = openRun, let runs {
        // An emptied run: its `]` must come next.
        openRun = nil
        guard event.type == YAML_SEQUENCE_END_EVENT, Int(event.start_mark.index) == runs.closes[run] else { return .giveUp }
        return add(.sequence(YAMLNode.Sequence(integers: runs.runs[run], line: line)))
      }
      switch event.type {
      case YAML_STREAM_START_EVENT, YAML_DOCUMENT_END_EVENT:
        return .more
      case YAML_DOCUMENT_START_EVENT:
        documents += 1
        return documents == 1 ? .more : .giveUp
      case YAML_STREAM_END_EVENT:
        // Every run must have been read where libyaml reads a flow sequence.
        return root == nil || nextRun != (runs?.runs.count ?? 0) ? .giveUp : .done
      case YAML_SCALAR_EVENT:
        let scalar = event.data.scalar
        guard scalar.anchor == nil, scalar.tag == nil, let node = YAMLComposer.scalar(event, line: line) else { return .giveUp }
        return add(node)
      case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
        let isMapping = event.type == YAML_MAPPING_START_EVENT
        let (anchor, tag) =
          isMapping
          ? (event.data.mapping_start.anchor, event.data.mapping_start.tag)
          : (event.data.sequence_start.anchor, event.data.sequence_start.tag)
        guard anchor == nil, tag == nil, open.count < YAMLShape.maximumDepth, !isKeyNext else { return .giveUp }
        if !isMapping, let runs, nextRun < runs.opens.count, Int(event.start_mark.index) == runs.opens[nextRun] {
          guard event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE else { return .giveUp }
          openRun = (nextRun, line)
          nextRun += 1
          return .more
        }
        open.append(Open(isMapping: isMapping, line: line))
        return .more
      case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
        guard let closed = open.popLast(), let node = YAMLComposer.node(closed) else { return .giveUp }
        return add(node)
      default:
        // An alias.
        return .giveUp
      }
    }

    /// Whether the next node read is a mapping key.
    var isKeyNext: Bool {
      guard let top = open.last, top.isMapping else { return false }
      return top.entries.count % 2 == 0
    }

    mutating func add(_ node: YAMLNode) -> Step {
      if open.isEmpty {
        root = node
      } else {
        open[open.count - 1].entries.append(node)
      }
      return .more
    }
  }

  /// A sequence or mapping from its entries; `nil` for a mapping with two keys of equal text.
  private static func node(_ open: Open) -> YAMLNode? {
    guard open.isMapping else { return .sequence(YAMLNode.Sequence(elements: open.entries, line: open.line)) }
    var pairs: [(key: YAMLNode, value: YAMLNode)] = []
    pairs.reserveCapacity(open.entries.count / 2)
    var keys: Set<String> = []
    for index in stride(from: 0, to: open.entries.count, by: 2) {
      let key = open.entries[index]
      // Keys are scalars: a collection as a key gave up at its start.
      guard let text = key.string, keys.insert(text).inserted else { return nil }
      pairs.append((key: key, value: open.entries[index + 1]))
    }
    return .mapping(YAMLNode.Mapping(pairs: pairs, line: open.line))
  }
}

extension YAMLComposer {
  /// A scalar as Yams reads it (`nil` when its bytes are not UTF-8, which libyaml rules out).
  fileprivate static func scalar(_ event: yaml_event_t, line: Int) -> YAMLNode? {
    let event = event.data.scalar
    var bytes = UnsafeBufferPointer(start: event.value, count: event.length)
    // Yams decodes with Foundation's `String(bytes:encoding: .utf8)`, which drops one leading byte order mark.
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = UnsafeBufferPointer(rebasing: bytes[3...]) }
    // libyaml hands over UTF-8; ASCII (every number) skips the generic validation.
    let isASCII = bytes.allSatisfy { $0 < 0x80 }
    guard let string = isASCII ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self) else {
      return nil
    }
    // Quoted and block scalars are `tag:yaml.org,2002:str`; a plain one is resolved by Yams'
    // default rules, of which only bool and value show through a reader.
    let kind = event.quoted_implicit == 1 ? .other : plainKind(bytes)
    return .scalar(YAMLNode.Scalar(string: string, line: line, kind: kind))
  }

  /// Yams' `Resolver.default` bool and value rules: `^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|
  /// false|False|FALSE|on|On|ON|off|Off|OFF)$` and `^(?:=)$`.
  private static func plainKind(_ bytes: UnsafeBufferPointer<UInt8>) -> YAMLNode.Kind {
    // Most scalars are numbers: one look at the first byte settles them.
    guard (1...5).contains(bytes.count) else { return .other }
    switch bytes[0] {
    case UInt8(ascii: "="), UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"),
      UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"), UInt8(ascii: "O"):
      break
    default:
      return .other
    }
    switch String(decoding: bytes, as: UTF8.self) {
    case "=": return .value
    case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return .true
    case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return .false
    default: return .other
    }
  }
}
