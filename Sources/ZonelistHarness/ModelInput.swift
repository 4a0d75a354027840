import Foundation
public import ZonelistCore

/// The model's input, from a sysroot or a topology file, with the kernel profile resolved.
public struct ModelInput: Sendable {
  public var topology: Topology
  public var profile: KernelProfile
  /// The kernel release the profile came from and where it was read.
  public var profileSource: String
  /// What the input lacked and what was assumed instead.
  public var diagnostics: [Diagnostic]
  /// ``diagnostics`` as printed.
  public var notes: [String] { diagnostics.map(\.description) }
  public var snapshot: SystemSnapshot?
  public var spec: MachineSpec?
  /// `false` when the zones are stand-ins (no `proc/zoneinfo`): no `Total pages` then.
  public var totalPagesKnown: Bool = true
  /// The what-if edits applied to ``topology`` (``MachineEdit``); their `vm` settings are
  /// applied by the commands that compute watermarks (``sysctlSettings``).
  public var edits: [MachineEdit] = []
  /// The memory types of the nodes the edits added (for the tiers).
  public var addedTierKinds: [NodeID: NodeTierInput.Kind] = [:]
  /// The `--set vm.NAME=VALUE` edits, in order.
  public var sysctlSettings: [String] { MachineEdit.sysctlSettings(edits) }

  /// Loads the input as ``load(sysroot:topologyFile:kernel:)`` does, then applies `edits`
  /// in order.
  public static func load(
    sysroot: String?, topologyFile: String?, kernel: String?, edits: [MachineEdit], architecture: Architecture? = nil,
    unnamedKernel: KernelVersion? = nil
  ) throws -> ModelInput {
    var input = try load(
      sysroot: sysroot, topologyFile: topologyFile, kernel: kernel, architecture: architecture, unnamedKernel: unnamedKernel)
    return try input.applying(edits)
  }

  /// The input with `edits` applied to its machine (and recorded in ``diagnostics``).
  public func applying(_ edits: [MachineEdit]) throws(MachineEditError) -> ModelInput {
    var input = self
    input.addedTierKinds.merge(MachineEdit.tierKinds(edits, of: topology)) { $1 }
    let (topology, diagnostics) = try MachineEdit.apply(edits, to: topology)
    input.topology = topology
    input.diagnostics += diagnostics
    input.edits += edits
    return input
  }

  /// Loads `--topology FILE` if given, else `--sysroot DIR`; `kernel` (`--kernel`)
  /// overrides the release the input names, `architecture` (`--arch`) the architecture (the
  /// file's `architecture:`, or the flavour of the snapshot's release, ``Architecture/init(release:)``);
  /// `unnamedKernel` is the release whose rules apply when neither names one (else that is an error).
  public static func load(
    sysroot: String?, topologyFile: String?, kernel: String?, architecture: Architecture? = nil, unnamedKernel: KernelVersion? = nil
  ) throws -> ModelInput {
    if let topologyFile {
      var spec = try TopologyFile.load(path: topologyFile)
      if let architecture { spec.architecture = architecture }
      let (profile, source) = try resolveProfile(
        kernel: kernel, fromInput: spec.kernel, inputName: "\(topologyFile) (kernel:)", architecture: spec.architecture,
        unnamed: unnamedKernel)
      let topology: Topology
      do { topology = try spec.topology(kernel: profile.version) } catch {
        throw HarnessError("\(topologyFile): \(error)")
      }
      return ModelInput(
        topology: topology, profile: profile, profileSource: source, diagnostics: profileDiagnostics(profile), snapshot: nil,
        spec: spec)
    }
    let root = sysroot ?? "/"
    let snapshot = try Sysroot.read(root)
    let named = snapshot.kernelRelease.flatMap { Architecture(release: $0) }
    if let architecture, let named, architecture != named {
      throw HarnessError(
        "--arch \(architecture.rawValue): \(root)/proc/version names a \(named.rawValue) kernel (\(snapshot.kernelRelease ?? "")); leave --arch out or give \(named.rawValue)")
    }
    let (profile, source) = try resolveProfile(
      kernel: kernel, fromInput: snapshot.kernelRelease, inputName: "\(root)/proc/version",
      architecture: architecture ?? named ?? .x86_64)
    // Without CONFIG_NUMA there is no node tree to miss: the one node is the kernel's own rule.
    var notes = profileDiagnostics(profile) + snapshot.diagnostics.filter { profile.hasNUMA || $0 != .noNodeTree }
    var topology = snapshot.topology
    var totalPagesKnown = true
    let firstZone = profile.zoneTypes[0]
    let hasFirstZone = topology.possibleNodes.contains { $0[firstZone].isPopulated }
    if snapshot.zoneinfo == nil {
      totalPagesKnown = false
    } else if profile.bootTotalPages == .presentLessMemmapAndDMAReserve && profile.setsDMAReserve && hasFirstZone {
      if let reserve = try dmaReserve(root: root) {
        topology.dmaReserve = reserve
      } else {
        notes.append(.dmaReserveMissing(series: profile.version.series, root: root, file: dmaReserveFile))
      }
    }
    return ModelInput(
      topology: topology, profile: profile, profileSource: source, diagnostics: notes, snapshot: snapshot, spec: nil,
      totalPagesKnown: totalPagesKnown)
  }

  /// A snapshot file that states `dma_reserve`, written by `zonelist capture` for QEMU boots.
  public static let dmaReserveFile = "zonelist-dma-reserve"

  static func dmaReserve(root: String) throws -> Pages? {
    let path = URL(fileURLWithPath: root).appendingPathComponent(dmaReserveFile).path
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    let text = try Sysroot.text(path).trimmingCharacters(in: .whitespacesAndNewlines)
    guard let value = Int(text), value >= 0, value <= Pages.physicalLimit.rawValue else {
      throw ImportError(file: path, line: 1, text: text, expected: "a page count, \(Pages.physicalLimitText)")
    }
    return Pages(value)
  }

  /// Where the rules of a release newer than every proven one come from: compared source,
  /// or an assumption.
  public static func profileDiagnostics(_ profile: KernelProfile) -> [Diagnostic] {
    if let rules = KernelReleases.assumedRules(for: profile.version) {
      return [.rulesAssumed(release: profile.version, rules: rules)]
    }
    if let rules = KernelReleases.sourceComparedRules(for: profile.version) {
      return [.rulesFromComparedSource(release: profile.version, rules: rules)]
    }
    return []
  }

  /// Picks the profile: `--kernel` first, then the release the input names.
  ///
  /// A release named by hand must exist (``KernelReleases/check(_:)``); one read from a
  /// machine's `proc/version` exists by definition, newer or not, but must be modeled.
  /// `unnamed`, when given, applies where neither names a release.
  public static func resolveProfile(
    kernel: String?, fromInput: String?, inputName: String, architecture: Architecture = .x86_64, unnamed: KernelVersion? = nil
  ) throws -> (KernelProfile, String) {
    if let kernel {
      guard let version = KernelVersion(parsing: kernel) else {
        throw HarnessError("--kernel \(kernel): expected a release like 6.1, 6.12 or 6.12.117+deb12-amd64")
      }
      do { try KernelReleases.check(version) } catch { throw HarnessError("--kernel \(kernel): \(error)") }
      return (KernelProfile(version: version, architecture: architecture), "--kernel \(kernel)")
    }
    if let fromInput, let version = KernelVersion(parsing: fromInput) {
      guard version >= KernelReleases.oldestModeled else {
        throw HarnessError("\(inputName): \(KernelReleaseError.notModeled(version))")
      }
      return (KernelProfile(version: version, architecture: architecture), "\(fromInput) from \(inputName)")
    }
    if let unnamed { return (KernelProfile(version: unnamed, architecture: architecture), "\(unnamed.series), as \(inputName) names no kernel") }
    throw HarnessError("\(inputName) does not name the kernel: pass --kernel (e.g. --kernel 6.12)")
  }
}
