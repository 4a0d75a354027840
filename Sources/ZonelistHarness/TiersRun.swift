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
    // Zone sizes, Total pages and watermarks do not enter the tiers: what rests on them alone is left unsaid.
    let unused: Set<Diagnostic.Reliance> = [.zones, .totalPages, .watermarks, .zoneinfoLayout]
    let diagnostics = input.diagnostics.filter { $0.relies.isEmpty || !$0.relies.isSubset(of: unused) }
    restsOnAssumption = diagnostics.contains { !$0.relies.isDisjoint(with: TiersRun.reliances) }
    var notes = diagnostics.map(\.description)
    let tierInput: TierInput
    if let spec = input.spec {
      tierInput = spec.tierInput(topology: input.topology)
      kernelTiers = nil
    } else {
      let snapshot = try Sysroot.tiers(sysroot ?? "/", memoryNodes: input.topology.memoryNodeIDs)
      tierInput = snapshot.input
      kernelTiers = snapshot.kernelTiers
      notes += snapshot.notes.map(\.description)
    }
    var build = precedingBuild
    if build == nil, input.spec == nil {
      let path = URL(fileURLWithPath: sysroot ?? "/").appendingPathComponent(BootCapture.dmesgFile).path
      let log = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
      if let log, let found = MemoryTiering.precedingBuild(dmesg: log) {
        build = found
        if !found.isBoot { notes.append("the sysroot's dmesg shows a run-time zonelist rebuild before the last demotion targets: their node_load is the rebuild's") }
      } else if !tierInput.nodes.values.contains(where: \.onlinedAfterBoot) {
        notes.append("no dmesg in the sysroot shows the zonelist builds: the boot build's node_load is assumed (pass --context rebuild after a memory hot-add)")
      }
    }
    do {
      tiering = try MemoryTiering(
        topology: input.topology, input: tierInput, profile: input.profile, precedingBuild: build)
    } catch {
      throw HarnessError(error.description)
    }
    var builder = ZonelistBuilder(topology: input.topology, profile: input.profile, context: tiering.precedingBuild)
    fallbackOrders = Dictionary(uniqueKeysWithValues: builder.build().lists.map { ($0.node, $0.nodeOrder) })
    if !tiering.rules.isConfirmed {
      notes.append(
        "the tiering rules of \(input.profile.version.series) are not confirmed (not read in its sources): they are placed by the upstream history (HMAT algorithm from 6.7 for kmem, for every node from 6.10; demotion lines printed as from 6.12)")
    }
    self.notes = notes
  }

  /// Whether an input value the targets depend on (distances, CPUs, possible nodes, the
  /// release's rules) was assumed.
  public var restsOnAssumption: Bool
  /// What the demotion targets rest on: the node order (distances), the CPU penalty, the
  /// possible nodes (the zonelist build's `node_load[]`) and the release's rules.
  static let reliances: Set<Diagnostic.Reliance> = [.nodeOrder, .cpus, .possibleNodes, .rules]

  /// The kernel's lines, or `nil` when they would rest on an assumption (an assumed input
  /// value, or a release whose tiering rules were not confirmed): the notes say why.
  public var kernelLogLines: [String]? {
    tiering.rules.isConfirmed && !restsOnAssumption ? TiersReport.kernelLogLines(tiering) : nil
  }

  /// The JSON document.
  public var document: TiersReport.Document { TiersReport.Document(tiering, notes: notes) }

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
