import ZonelistCore
import ZonelistHarness

extension Verification {
  /// Compares the kernel's last set of `Demotion targets` lines (none on 6.1) with the model
  /// from the topology file, and the guest's `memory_tiering` lists when the capture has them.
  ///
  /// - Returns: The report lines and whether everything matched.
  static func tiers(
    spec: MachineSpec, arguments: QEMUArguments, capture: BootCapture, topology: Topology, profile: KernelProfile
  ) throws -> (lines: [String], matches: Bool) {
    guard profile.tierRules.hasMemoryTiers else { return (["skipped  tiers: kernel \(profile.version.series) has none"], true) }
    if spec.nodes.contains(where: { $0.tiering?.isDaxKmem == true }) {
      return (["skipped  tiers: verify's guest does not load kmem, so dax-kmem nodes stay offline (capture them with the tiers toolkit)"], true)
    }
    let renamed: TierInput
    do { renamed = try spec.guestTierInput(kernel: profile.version, linuxNodeIDs: arguments.linuxNodeIDs) } catch {
      throw HarnessError("the topology file: \(error)")
    }
    let tiering: MemoryTiering
    do { tiering = try MemoryTiering(topology: topology, input: renamed, profile: profile) } catch {
      throw HarnessError(error.description)
    }
    let real = TiersReport.lastDemotionSet(dmesg: capture.dmesg.split(separator: "\n").map(String.init))
    var lines: [String] = []
    var matches = true
    let model = TiersReport.kernelLogLines(tiering)
    if !profile.tierRules.isConfirmed {
      lines.append("skipped  tiers kernel-log: the tiering rules of \(profile.version.series) are not confirmed")
    } else if model == real {
      lines.append("match    tiers kernel-log from the topology file: \(real.count) lines")
    } else {
      matches = false
      lines.append("DIFFERS  tiers kernel-log from the topology file:")
      lines += diff(model: model, kernel: real).map { "  " + $0 }
    }
    var kernelTiers: [Int: [Int]] = [:]
    for (path, text) in capture.files where path.hasPrefix(TierSnapshot.Path.memoryTiering + "/memory_tier") {
      let name = path.dropFirst(TierSnapshot.Path.memoryTiering.count + "/memory_tier".count).prefix { $0.isNumber }
      if let id = Int(name), let nodes = try? IDList.parse(text) { kernelTiers[id] = nodes }
    }
    if !kernelTiers.isEmpty {
      let ours = Dictionary(uniqueKeysWithValues: tiering.tiers.map { ($0.id, $0.nodes.map(\.rawValue)) })
      if ours == kernelTiers {
        lines.append("match    memory_tiering from the topology file: \(ours.count) tiers")
      } else {
        matches = false
        lines.append("DIFFERS  memory_tiering: model \(ours.sorted { $0.key < $1.key }), kernel \(kernelTiers.sorted { $0.key < $1.key })")
      }
    }
    return (lines, matches)
  }
}
