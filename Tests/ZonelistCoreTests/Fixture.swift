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
  static let all: [BootFixture] = {
    let base = directory + "/boot"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
    return names.sorted().map { BootFixture(name: $0, path: base + "/" + $0) }
  }()

  func snapshot() throws -> SystemSnapshot { try Sysroot.read(path) }

  var dmesg: String {
    (try? String(contentsOfFile: path + "/" + BootCapture.dmesgFile, encoding: .utf8)) ?? ""
  }

  var topologyFile: String? {
    let file = path + "/topology.yaml"
    return FileManager.default.fileExists(atPath: file) ? file : nil
  }
}
