import Foundation
import ZonelistCore
import ZonelistHarness

/// A boot of a real kernel under QEMU, stored by `zonelist capture`.
struct BootFixture: CustomStringConvertible, Sendable {
  let name: String
  let path: String
  var description: String { name }

  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures").path

  /// Every stored boot, by folder name.
  static let all = folders("boot").map { BootFixture(name: $0.name, path: $0.path) }

  /// The folders of `Fixtures/<kind>/`, sorted by name.
  static func folders(_ kind: String) -> [(name: String, path: String)] {
    let base = directory + "/" + kind
    let names = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
    return names.sorted().map { ($0, base + "/" + $0) }
  }

  func snapshot() throws -> SystemSnapshot { try Sysroot.read(path) }

  var dmesg: String {
    (try? String(contentsOfFile: path + "/" + BootCapture.dmesgFile, encoding: .utf8)) ?? ""
  }

  var topologyFile: String? {
    let file = path + "/topology.yaml"
    return FileManager.default.fileExists(atPath: file) ? file : nil
  }
}
