import Foundation
public import ZonelistCore

/// The tiers of one input, with what the kernel showed beside them: the pipeline
/// `zonelist tiers`, `explain --demotion` and `verify` run, and the fixture tests call.
public struct TiersRun: Sendable {
  public var tiering: MemoryTiering
  /// Each node's zonelist node order, from the build that scored the targets.
  public var fallbackOrders: [NodeID: [NodeID]]
  /// What the input lacked or what was taken instead.
  public var notes: [String]
  /// The kernel's `memory_tiering` tiers, when a snapshot has them (never an input).
  public var kernelTiers: [Int: [NodeID]]?

  /// Computes the tiers of `input`; a sysroot's tiering files are read from `sysroot`.
  ///
  /// - Parameter precedingBuild: Overrides the zonelist build taken to precede the targets
  ///   (by default a rebuild when some node's memory came online after boot).
  public init(input: ModelInput, sysroot: String?, precedingBuild: BuildContext? = nil) throws {
    try self.init(input: input, files: .disk(sysroot ?? "/"), precedingBuild: precedingBuild)
  }

  /// As ``init(input:sysroot:precedingBuild:)``, with the sysroot's files on the disk or in
  /// memory (read only when `input` is a snapshot).
  public init(input: ModelInput, files: SysrootFiles, precedingBuild: BuildContext? = nil) throws {
    // Zone sizes, Total pages and watermarks do not enter the tiers: what rests on them alone is left unsaid.
    let unused: Set<Diagnostic.Reliance> = [.zones, .totalPages, .watermarks, .zoneinfoLayout]
    var diagnostics = input.diagnostics.filter { $0.relies.isEmpty || !$0.relies.isSubset(of: unused) }
    var notes: [String] = []
    var tierInput: TierInput
    if let spec = input.spec {
      tierInput = spec.tierInput(topology: input.topology)
      kernelTiers = nil
      if let node = spec.hmatIgnoredFor {
        notes.append(
          "node \(node) has no memory, yet QEMU's HMAT names it: the kernel ignores the whole table (\"acpi/hmat: Ignoring: Invalid table\"), so no node gets HMAT figures")
      }
    } else {
      let snapshot = try Sysroot.tiers(files, memoryNodes: input.topology.memoryNodeIDs)
      tierInput = snapshot.input
      kernelTiers = snapshot.kernelTiers
      notes += snapshot.notes.map(\.description)
    }
    for (node, kind) in input.addedTierKinds { tierInput.nodes[node] = NodeTierInput(kind: kind) }
    func tiering(after build: BuildContext?) throws -> MemoryTiering {
      do {
        return try MemoryTiering(topology: input.topology, input: tierInput, profile: input.profile, precedingBuild: build)
      } catch {
        throw HarnessError(error.description)
      }
    }
    var build = precedingBuild
    var buildAssumed = false
    if build == nil, input.spec == nil {
      // A kernel log may hold any bytes (a driver's message); only the zonelist lines are looked for.
      let log = files.bytes(BootCapture.dmesgFile).map { String(decoding: $0, as: UTF8.self) }
      if let log, let found = MemoryTiering.precedingBuild(dmesg: log) {
        build = found
        if !found.isBoot { notes.append("the sysroot's dmesg shows a run-time zonelist rebuild before the last demotion targets: their node_load is the rebuild's") }
      } else {
        // A node onlined after boot (kmem) implies the rebuild; otherwise the boot build is taken.
        buildAssumed = !tierInput.nodes.values.contains(where: \.onlinedAfterBoot)
      }
    }
    self.tiering = try tiering(after: build)
    if buildAssumed {
      // The assumption matters only where the other build's node_load chooses other targets.
      let other = try tiering(after: self.tiering.precedingBuild.isBoot ? .rebuild(onlining: nil) : .boot)
      if other.demotion != self.tiering.demotion {
        diagnostics.append(.precedingBuildAssumed(assumed: self.tiering.precedingBuild.isBoot ? "boot" : "rebuild"))
      }
    }
    var builder = ZonelistBuilder(topology: input.topology, profile: input.profile, context: self.tiering.precedingBuild)
    fallbackOrders = Dictionary(uniqueKeysWithValues: builder.build().lists.map { ($0.node, $0.nodeOrder) })
    if !self.tiering.rules.isConfirmed {
      diagnostics.append(.tieringRulesUnconfirmed(release: input.profile.version))
    }
    self.diagnostics = diagnostics
    self.notes = diagnostics.map(\.description) + notes
  }

  /// What the input lacked or what was taken instead, as typed diagnostics (``notes`` says them
  /// with the tier-specific readings).
  public var diagnostics: [Diagnostic]

  /// The diagnostics `tiers --format kernel-log` would rest on (``Exactness/blocking(_:for:extra:)``):
  /// empty when the kernel's lines can be printed.
  public var blocking: [Diagnostic] { Exactness.blocking(diagnostics, for: .tiersKernelLog) }

  /// The kernel's lines, or `nil` when they would rest on an assumption (an assumed input
  /// value, or a release whose tiering rules were not confirmed): the notes say why.
  public var kernelLogLines: [String]? {
    blocking.isEmpty ? TiersReport.kernelLogLines(tiering) : nil
  }

  /// The JSON document.
  public var document: TiersReport.Document { TiersReport.Document(tiering, notes: notes, assumptions: AssumptionReport.list(diagnostics)) }

  /// The model's tiers as the kernel's sysfs lists them: tier id → nodes.
  public var modelTiers: [Int: [NodeID]] {
    Dictionary(uniqueKeysWithValues: tiering.tiers.map { ($0.id, $0.nodes) })
  }

  /// Where the model's tiers differ from the kernel's `memory_tiering` (empty when equal or
  /// when the snapshot has none).
  public var differences: [String] {
    guard let kernelTiers else { return [] }
    let model = modelTiers
    return Set(model.keys).union(kernelTiers.keys).sorted().compactMap { id in
      let ours = model[id].map { IDList.format($0.map(\.rawValue)) }
      let theirs = kernelTiers[id].map { IDList.format($0.map(\.rawValue)) }
      guard ours != theirs else { return nil }
      return "memory_tier\(id): model \(ours ?? "absent"), kernel \(theirs ?? "absent")"
    }
  }
}
