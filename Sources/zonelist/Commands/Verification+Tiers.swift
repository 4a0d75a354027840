import ZonelistCore
import ZonelistHarness

extension Verification {
  /// Compares the kernel's last set of `Demotion targets` lines (none on 6.1) with the model
  /// from the topology file, and the guest's `memory_tiering` lists when the capture has them.
  ///
  /// - Returns: The checks and whether everything matched.
  static func tiers(
    spec: MachineSpec, arguments: QEMUArguments, capture: BootCapture, topology: Topology, profile: KernelProfile
  ) throws -> (checks: [Check], matches: Bool) {
    guard profile.tierRules.hasMemoryTiers else { return ([Check(status: .skipped, subject: "tiers", detail: "kernel \(profile.version.series) has none")], true) }
    if spec.nodes.contains(where: { $0.tiering?.isDaxKmem == true }) {
      return ([Check(status: .skipped, subject: "tiers", detail: "verify's guest does not load kmem, so dax-kmem nodes stay offline (capture them with the tiers toolkit)")], true)
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
    var lines: [Check] = []
    var matches = true
    let model = TiersReport.kernelLogLines(tiering)
    if !profile.tierRules.isConfirmed {
      lines.append(Check(status: .skipped, subject: "tiers kernel-log", detail: "the tiering rules of \(profile.version.series) are not confirmed"))
    } else if model == real {
      lines.append(Check(status: .match, subject: "tiers kernel-log from the topology file", detail: "\(real.count) lines"))
    } else {
      matches = false
      lines.append(Check(status: .differs, subject: "tiers kernel-log from the topology file", detail: "", diff: diff(model: model, kernel: real)))
    }
    var kernelTiers: [Int: [Int]] = [:]
    for (path, text) in capture.files where path.hasPrefix(TierSnapshot.Path.memoryTiering + "/memory_tier") {
      let name = path.dropFirst(TierSnapshot.Path.memoryTiering.count + "/memory_tier".count).prefix { $0.isNumber }
      if let id = Int(name), let nodes = try? IDList.parse(text) { kernelTiers[id] = nodes }
    }
    if !kernelTiers.isEmpty {
      let ours = Dictionary(uniqueKeysWithValues: tiering.tiers.map { ($0.id, $0.nodes.map(\.rawValue)) })
      if ours == kernelTiers {
        lines.append(Check(status: .match, subject: "memory_tiering from the topology file", detail: "\(ours.count) tiers"))
      } else {
        matches = false
        lines.append(Check(status: .differs, subject: "memory_tiering", detail: "model \(ours.sorted { $0.key < $1.key }), kernel \(kernelTiers.sorted { $0.key < $1.key })"))
      }
    }
    return (lines, matches)
  }
}
