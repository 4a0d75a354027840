import Foundation

/// A decoded PNG (8-bit RGB or RGBA, not interlaced: what Chromium's screenshots are), to
/// count the pixels a page painted.
struct PNGImage {
  var width: Int
  var height: Int
  /// Bytes per pixel: 3 (RGB) or 4 (RGBA).
  var channels: Int
  /// Rows of `width * channels` bytes, filters undone.
  var pixels: [UInt8]

  struct DecodeError: Error, CustomStringConvertible { var description: String }

  init(data: Data) throws {
    let bytes = [UInt8](data)
    guard bytes.count > 8, bytes[0..<8] == [137, 80, 78, 71, 13, 10, 26, 10] else { throw DecodeError(description: "not a PNG") }
    var offset = 8
    var compressed: [UInt8] = []
    var header: [UInt8] = []
    func bigEndian(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
    while offset + 8 <= bytes.count {
      let length = bigEndian(offset)
      let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
      guard offset + 12 + length <= bytes.count else { throw DecodeError(description: "truncated chunk \(type)") }
      let body = Array(bytes[(offset + 8)..<(offset + 8 + length)])
      if type == "IHDR" { header = body }
      if type == "IDAT" { compressed += body }
      offset += 12 + length
      if type == "IEND" { break }
    }
    guard header.count == 13 else { throw DecodeError(description: "no IHDR") }
    width = header[0..<4].reduce(0) { $0 << 8 | Int($1) }
    height = header[4..<8].reduce(0) { $0 << 8 | Int($1) }
    guard header[8] == 8, header[12] == 0, header[9] == 2 || header[9] == 6 else {
      throw DecodeError(description: "bit depth \(header[8]), colour type \(header[9]), interlace \(header[12]): only 8-bit RGB/RGBA")
    }
    channels = header[9] == 6 ? 4 : 3
    guard compressed.count > 2 else { throw DecodeError(description: "no image data") }
    var inflater = Inflater(Array(compressed.dropFirst(2)))  // zlib header
    let raw = try inflater.inflate()
    pixels = try PNGImage.unfilter(raw, width: width, height: height, channels: channels)
  }

  static func unfilter(_ raw: [UInt8], width: Int, height: Int, channels: Int) throws -> [UInt8] {
    let stride = width * channels
    guard raw.count >= height * (stride + 1) else { throw DecodeError(description: "\(raw.count) bytes for \(height) rows of \(stride)") }
    var out = [UInt8](repeating: 0, count: height * stride)
    for row in 0..<height {
      let filter = raw[row * (stride + 1)]
      let source = row * (stride + 1) + 1, target = row * stride
      for index in 0..<stride {
        let x = Int(raw[source + index])
        let a = index >= channels ? Int(out[target + index - channels]) : 0
        let b = row > 0 ? Int(out[target - stride + index]) : 0
        let c = row > 0 && index >= channels ? Int(out[target - stride + index - channels]) : 0
        let value: Int
        switch filter {
        case 0: value = x
        case 1: value = x + a
        case 2: value = x + b
        case 3: value = x + (a + b) / 2
        case 4:
          let p = a + b - c
          let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
          value = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)
        default: throw DecodeError(description: "filter \(filter) on row \(row)")
        }
        out[target + index] = UInt8(truncatingIfNeeded: value)
      }
    }
    return out
  }

  /// How many pixels differ from the top-left one (the page's background) by more than a
  /// little in any colour channel.
  var inkedPixels: Int {
    let background = Array(pixels[0..<channels])
    var count = 0
    for pixel in 0..<(width * height) {
      let base = pixel * channels
      for channel in 0..<3 where abs(Int(pixels[base + channel]) - Int(background[channel])) > 24 {
        count += 1
        break
      }
    }
    return count
  }
}

/// DEFLATE (RFC 1951) decoding, after the way zlib's `puff.c` does it.
struct Inflater {
  private let input: [UInt8]
  private var position = 0
  private var bitBuffer = 0
  private var bitCount = 0
  private var output: [UInt8] = []

  init(_ input: [UInt8]) { self.input = input }

  struct Huffman {
    var counts = [Int](repeating: 0, count: 16)
    var symbols: [Int] = []
    init(lengths: [Int]) {
      for length in lengths { counts[length] += 1 }
      counts[0] = 0
      var offsets = [Int](repeating: 0, count: 16)
      for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
      symbols = [Int](repeating: 0, count: lengths.count)
      for (symbol, length) in lengths.enumerated() where length != 0 {
        symbols[offsets[length]] = symbol
        offsets[length] += 1
      }
    }
  }

  static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
  static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
  static let distanceBase = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
  ]
  static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

  mutating func bits(_ count: Int) throws -> Int {
    while bitCount < count {
      guard position < input.count else { throw PNGImage.DecodeError(description: "deflate data ends early") }
      bitBuffer |= Int(input[position]) << bitCount
      position += 1
      bitCount += 8
    }
    let value = bitBuffer & ((1 << count) - 1)
    bitBuffer >>= count
    bitCount -= count
    return value
  }

  mutating func decode(_ table: Huffman) throws -> Int {
    var code = 0, first = 0, index = 0
    for length in 1..<16 {
      code |= try bits(1)
      let count = table.counts[length]
      if code - count < first { return table.symbols[index + (code - first)] }
      index += count
      first += count
      first <<= 1
      code <<= 1
    }
    throw PNGImage.DecodeError(description: "bad Huffman code")
  }

  mutating func inflate() throws -> [UInt8] {
    var last = 0
    while last == 0 {
      last = try bits(1)
      switch try bits(2) {
      case 0: try stored()
      case 1:
        let lengths = [Int](repeating: 8, count: 144) + [Int](repeating: 9, count: 112) + [Int](repeating: 7, count: 24) + [Int](repeating: 8, count: 8)
        try codes(Huffman(lengths: lengths), Huffman(lengths: [Int](repeating: 5, count: 30)))
      case 2: try dynamic()
      default: throw PNGImage.DecodeError(description: "bad block type")
      }
    }
    return output
  }

  mutating func stored() throws {
    bitBuffer = 0
    bitCount = 0
    guard position + 4 <= input.count else { throw PNGImage.DecodeError(description: "stored block ends early") }
    let length = Int(input[position]) | Int(input[position + 1]) << 8
    position += 4
    guard position + length <= input.count else { throw PNGImage.DecodeError(description: "stored block ends early") }
    output += input[position..<(position + length)]
    position += length
  }

  mutating func dynamic() throws {
    let literalCount = try bits(5) + 257, distanceCount = try bits(5) + 1, codeCount = try bits(4) + 4
    let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
    var codeLengths = [Int](repeating: 0, count: 19)
    for index in 0..<codeCount { codeLengths[order[index]] = try bits(3) }
    let lengthCode = Huffman(lengths: codeLengths)
    var lengths: [Int] = []
    while lengths.count < literalCount + distanceCount {
      let symbol = try decode(lengthCode)
      switch symbol {
      case 0..<16: lengths.append(symbol)
      case 16:
        guard let previous = lengths.last else { throw PNGImage.DecodeError(description: "repeat with no length") }
        lengths += [Int](repeating: previous, count: 3 + (try bits(2)))
      case 17: lengths += [Int](repeating: 0, count: 3 + (try bits(3)))
      default: lengths += [Int](repeating: 0, count: 11 + (try bits(7)))
      }
    }
    try codes(Huffman(lengths: Array(lengths[0..<literalCount])), Huffman(lengths: Array(lengths[literalCount...])))
  }

  mutating func codes(_ literals: Huffman, _ distances: Huffman) throws {
    while true {
      let symbol = try decode(literals)
      if symbol < 256 {
        output.append(UInt8(symbol))
      } else if symbol == 256 {
        return
      } else {
        let index = symbol - 257
        guard index < Self.lengthBase.count else { throw PNGImage.DecodeError(description: "bad length symbol") }
        let length = Self.lengthBase[index] + (try bits(Self.lengthExtra[index]))
        let distanceSymbol = try decode(distances)
        guard distanceSymbol < Self.distanceBase.count else { throw PNGImage.DecodeError(description: "bad distance symbol") }
        let distance = Self.distanceBase[distanceSymbol] + (try bits(Self.distanceExtra[distanceSymbol]))
        guard distance <= output.count else { throw PNGImage.DecodeError(description: "distance too far back") }
        let start = output.count - distance
        for offset in 0..<length { output.append(output[start + offset]) }
      }
    }
  }
}
