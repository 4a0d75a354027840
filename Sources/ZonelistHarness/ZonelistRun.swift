public import ZonelistCore

/// The build the CLI runs for one input in one context (`zonelist build`, `explain`), with its
/// printable forms: the one pipeline the CLI and the fixture tests share.
public struct ZonelistRun: Sendable {
  public var build: ZonelistBuild
  /// The `Built` line's `Total pages`, or nil when the input cannot give it (see ``diagnostics``).
  public var totalPages: Int?
  /// The `table`/`json` report, made when asked (`kernel-log` and `mminit` never need it).
  public var report: BuildReport {
    var report = BuildReport(build: build, topology: topology, totalPages: totalPages, notes: notes)
    report.assumptions = AssumptionReport.list(diagnostics)
    return report
  }
  public var diagnostics: [Diagnostic]
  public var notes: [String] { diagnostics.map(\.description) }
  /// What this build rests on beyond a boot build of online nodes (``Exactness``).
  public var reliances: Set<Diagnostic.Reliance> = []

  /// The machine the build saw (after the hotplug event, if any).
  public var topology: Topology

  /// Builds `input`'s zonelists in `context`, after `event` if one is given.
  ///
  /// Kernel: `build_all_zonelists()` in `mm/page_alloc.c` (boot and run-time rebuilds);
  /// `Total pages` is `nr_free_zone_pages(gfp_zone(GFP_HIGHUSER_MOVABLE))`.
  public init(input: ModelInput, context: BuildContext, event: HotplugEvent? = nil, explaining: NodeID? = nil) throws {
    topology = try Self.topology(input, context: context, event: event)
    var builder = ZonelistBuilder(topology: topology, profile: input.profile, context: context, explaining: explaining)
    let build = builder.build()
    self.build = build
    let topology = topology
    let outcome = Outcome(input: input, context: context, topology: topology, built: build.lists.map(\.node)) {
      TotalPages.listForTotal(build.lists, node: \.node, topology: topology)?.fallback
    }
    (totalPages, diagnostics, reliances) = (outcome.totalPages, outcome.diagnostics, outcome.reliances)
  }

  /// `input`'s machine after `event`, once the nodes `event` and `context` name are known to exist.
  static func topology(_ input: ModelInput, context: BuildContext, event: HotplugEvent?) throws -> Topology {
    let eventNode: NodeID? =
      switch event {
      case .online(let node, _, _)?, .hotAdd(let node)?: node
      case nil: nil
      }
    for node in [eventNode, { if case .rebuild(let node?) = context { node } else { nil } }()].compactMap({ $0 })
    where input.topology.nodes[node] == nil {
      throw HarnessError("node \(node): no such node (nodes: \(IDList.format(input.topology.nodeIDs.map(\.rawValue))))")
    }
    return event?.applied(to: input.topology) ?? input.topology
  }

  /// What a build prints besides its lists: `Total pages`, the notes, what it rests on.
  struct Outcome {
    var totalPages: Int?
    var diagnostics: [Diagnostic]
    var reliances: Set<Diagnostic.Reliance> = []

    /// - Parameters:
    ///   - built: The nodes whose lists were built.
    ///   - fallback: The FALLBACK list `Total pages` sums (``TotalPages/listForTotal(_:node:topology:)``).
    init(
      input: ModelInput, context: BuildContext, topology: Topology, built: [NodeID], fallback: () -> [ZoneReference]?
    ) {
      var notes = input.diagnostics
      switch context {
      case _ where !input.totalPagesKnown:
        totalPages = nil
      case .boot:
        totalPages = TotalPages.boot(fallback: fallback(), profile: input.profile, topology: topology)
      case .rebuild:
        if let zoneinfo = input.snapshot?.zoneinfo, zoneinfo.entries.allSatisfy({ $0.high != nil }) {
          let high = Dictionary(
            zoneinfo.entries.map { (ZoneReference(node: $0.node, type: $0.type), $0.high!.rawValue) },
            uniquingKeysWith: { a, _ in a })
          // The kernel recomputes watermarks after the rebuild: the high watermarks are the
          // ones from before the event (checked on 22 real-kernel rebuilds).
          totalPages = TotalPages.rebuild(fallback: fallback(), topology: topology) { high[$0] ?? 0 }
        } else {
          totalPages = nil
          notes.append(.rebuildNeedsHighWatermarks)
        }
      }
      diagnostics = notes
      // A rebuild charges the CPU penalty; lists of offline nodes use their distances.
      if !context.isBoot { reliances.insert(.cpus) }
      if built.contains(where: { topology.nodes[$0]?.isOnline != true }) { reliances.insert(.possibleNodes) }
    }
  }

  /// The kernel's own `Fallback order`/`Built`/`Policy zone` lines, or nil without `Total pages`.
  public var kernelLogLines: [String]? {
    totalPages.map { KernelLog.lines(build, totalPages: $0) }
  }

  /// ``kernelLogLines`` written to `out` (nothing without `Total pages`).
  public func writeKernelLog(to out: inout ByteWriter) {
    if let totalPages { KernelLog.write(build, totalPages: totalPages, to: &out) }
  }

  /// ``mminitLines`` written to `out`.
  public func writeMminit(to out: inout ByteWriter) { KernelLog.writeMminit(build, topology: topology, to: &out) }

  /// The `mminit::zonelist` lines a kernel booted with `mminit_loglevel=4` prints.
  public var mminitLines: [String] { KernelLog.mminitLines(build, topology: topology) }
}

