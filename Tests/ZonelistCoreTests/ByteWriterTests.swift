import Testing
import ZonelistCore

/// The byte writer every output goes through: numbers as `String(_:)` spells them, chunks
/// handed to the sink in order, copies that do not share what they write.
@Suite struct ByteWriterTests {
  static let numbers: [Int] = [
    0, 1, 9, 10, 99, 100, 999, 1000, 1023, 1024, 65_535, 999_999_999, 1_000_000_000, 268_435_326,
    999_999_999_999_999_999, 1_000_000_000_000_000_000, .max, -1, -9, -10, -1024, .min + 1, .min,
  ]

  @Test func numbersAreSpelledAsStringSpellsThem() {
    for number in Self.numbers {
      #expect(ByteWriter.text { $0.write(number) } == String(number))
    }
  }

  /// Every number written without a loop (below 10,000) and the first past it.
  @Test func smallNumbersAreSpelledAsStringSpellsThem() {
    let text = ByteWriter.text { out in
      for number in 0...10_000 {
        out.write(number)
        out.write(byte: UInt8(ascii: " "))
      }
    }
    #expect(text == (0...10_000).map { String($0) + " " }.joined())
  }

  /// A small capacity makes the writer flush mid-line; the sink sees every byte, in order.
  @Test func theSinkGetsEveryByteInOrder() {
    var received: [UInt8] = []
    var out = ByteWriter(capacity: 7) { received.append(contentsOf: $0) }
    var expected = ""
    for (index, number) in Self.numbers.enumerated() {
      out.write("n\(index)=")
      out.write(number)
      out.write(byte: UInt8(ascii: " "))
      out.write(repeating: UInt8(ascii: "."), count: index % 3)
      expected += "n\(index)=\(number) " + String(repeating: ".", count: index % 3)
    }
    out.write(Array("é…\n".utf8))
    expected += "é…\n"
    out.flush()
    #expect(String(decoding: received, as: UTF8.self) == expected)
  }

  @Test func aCopyWritesItsOwnBytes() {
    var first = ByteWriter()
    first.write("shared ")
    var second = first
    first.write("first")
    second.write("second")
    #expect(first.string == "shared first")
    #expect(second.string == "shared second")
    #expect(second.buffer == Array("shared second".utf8))
  }
}
