import Foundation
public import ZonelistCore

extension Sysroot {
  /// The file where the capture toolkit records each dax device's links (sysfs links are
  /// not stored as files).
  public static let daxDevicesFile = "dax-devices"

  /// Reads the memory-tiering files under `root` (``TierSnapshot/Path``): HMAT figures of
  /// the nodes with memory, dax devices with their driver, `demotion_enabled`, and the
  /// kernel's `memory_tiering` nodelists (returned apart, for comparison only).
  ///
  /// A dax device's driver is the last component of its `driver` link, or the text of a
  /// `driver` file where a snapshot stored the link as a file, or its line in the snapshot's
  /// `dax-devices` file (``daxDevicesFile``).
  public static func tiers(_ root: String, memoryNodes: [NodeID]) throws(ImportError) -> TierSnapshot {
    try tiers(.disk(root), memoryNodes: memoryNodes)
  }

  /// As ``tiers(_:memoryNodes:)``, from files on the disk or in memory.
  ///
  /// - Throws: ``ImportError`` for a file that cannot be read or is not UTF-8, and what
  ///   ``TierSnapshot`` throws.
  public static func tiers(_ sysroot: SysrootFiles, memoryNodes: [NodeID]) throws(ImportError) -> TierSnapshot {
    let root = sysroot.root
    func list(_ path: String) -> [String] { sysroot.list(path) }
    func read(_ path: String) throws(ImportError) -> String? { try sysroot.text(path) }
    var files: [String: String] = [:]
    var access: [Int: Set<Int>] = [:]
    for node in memoryNodes.map(\.rawValue) {
      let directories = list("\(SystemSnapshot.Path.nodeRoot)/node\(node)").compactMap { name -> Int? in
        name.hasPrefix("access") ? Int(name.dropFirst(6)) : nil
      }
      access[node] = Set(directories)
      for figure in TierSnapshot.Path.figureNames {
        let path = TierSnapshot.Path.figure(node: node, access: 1, figure)
        files[path] = try read(path)
      }
    }
    // The capture toolkit stores each device's links as `dax-devices` lines:
    // `dax0.0 -> ../../../devices/platform/hmem.0/dax0.0 driver: ../../../bus/dax/drivers/kmem`.
    var recordedDrivers: [String: String] = [:]
    for line in (try read(daxDevicesFile) ?? "").split(separator: "\n") {
      guard let name = line.split(separator: " ").first, let range = line.range(of: " driver: ") else { continue }
      let link = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
      if let driver = link.split(separator: "/").last { recordedDrivers[String(name)] = String(driver) }
    }
    var devices: [TierSnapshot.DaxDevice] = []
    for device in list(TierSnapshot.Path.daxDevices) {
      let directory = "\(TierSnapshot.Path.daxDevices)/\(device)"
      guard let target = try read("\(directory)/target_node") else { continue }
      var driver: String? = nil
      if let destination = sysroot.link("\(directory)/driver") {
        driver = URL(fileURLWithPath: destination).lastPathComponent
      } else if let text = try read("\(directory)/driver") {
        driver = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "/").last.map(String.init)
      } else {
        driver = recordedDrivers[device]
      }
      devices.append(.init(name: device, targetNode: target, driver: driver))
    }
    var tiers: [Int] = []
    for name in list(TierSnapshot.Path.memoryTiering) where name.hasPrefix("memory_tier") {
      guard let id = Int(name.dropFirst("memory_tier".count)) else { continue }
      tiers.append(id)
      files[TierSnapshot.Path.tierNodelist(id)] = try read(TierSnapshot.Path.tierNodelist(id))
    }
    files[TierSnapshot.Path.demotionEnabled] = try read(TierSnapshot.Path.demotionEnabled)
    return try TierSnapshot(
      files: files, accessDirectories: access, daxDevices: devices, tierDirectories: tiers, memoryNodes: memoryNodes,
      root: root)
  }
}
