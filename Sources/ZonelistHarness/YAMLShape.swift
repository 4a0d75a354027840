import CYaml
public import ZonelistCore

/// Checks the shape of YAML text with libyaml's event parser before Yams composes a node tree.
///
/// Yams names duplicate mapping keys by sorting them, and its ordering of nested sequences
/// compares each element both ways: a 2 KB file of duplicated, nested complex keys
/// (`? - - [..]`) takes minutes to refuse (found by the `topology` fuzz target). None of the
/// project's YAML formats has a key that is not a scalar, so such a key is refused here, in one
/// linear pass, with its line; so is nesting deeper than ``maximumDepth`` (Yams composes
/// recursively).
enum YAMLShape {
  static let maximumDepth = 64

  /// Throws the first complex key or over-deep collection; YAML errors are left to Yams,
  /// which reports them the same way for every format.
  static func check(_ text: String, file: String) throws(ImportError) {
    var parser = yaml_parser_t()
    guard yaml_parser_initialize(&parser) == 1 else { return }
    defer { yaml_parser_delete(&parser) }
    var bytes = Array(text.utf8)
    if bytes.isEmpty { return }
    let refusal = bytes.withUnsafeMutableBufferPointer { buffer in
      yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
      yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
      return firstRefusal(&parser)
    }
    guard let (line, expected) = refusal else { return }
    let lines = TopologyFile.yamlLines(text)
    throw ImportError(file: file, line: line, text: line <= lines.count ? lines[line - 1] : "", expected: expected)
  }

  /// One frame per open collection: for a mapping, whether its next child is a key.
  private struct Frame {
    var isMapping: Bool
    var expectingKey: Bool
  }

  /// The line and expectation of the first complex key or over-deep collection, if any.
  private static func firstRefusal(_ parser: inout yaml_parser_t) -> (line: Int, expected: String)? {
    var stack: [Frame] = []
    var event = yaml_event_t()
    while yaml_parser_parse(&parser, &event) == 1 {
      let type = event.type
      let line = Int(event.start_mark.line) + 1
      yaml_event_delete(&event)
      switch type {
      case YAML_STREAM_END_EVENT:
        return nil
      case YAML_SCALAR_EVENT, YAML_ALIAS_EVENT:
        advance(&stack)
      case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
        if let top = stack.last, top.isMapping, top.expectingKey {
          return (line, "a plain key (a sequence or mapping used as a key is not part of the format)")
        }
        guard stack.count < maximumDepth else {
          return (line, "at most \(maximumDepth) nested collections")
        }
        stack.append(Frame(isMapping: type == YAML_MAPPING_START_EVENT, expectingKey: true))
      case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
        stack.removeLast()
        advance(&stack)
      default:
        break
      }
    }
    // A syntax error: Yams reports it with its own line and text.
    return nil
  }

  /// A complete child was read: a mapping alternates between key and value.
  private static func advance(_ stack: inout [Frame]) {
    guard let top = stack.last, top.isMapping else { return }
    stack[stack.count - 1].expectingKey.toggle()
  }
}
