public import ZonelistCore

/// A build taken as far as the node orders: all the kernel's own build lines print
/// (`zonelist build --format kernel-log`), without the zone lists of every node.
///
/// The orders are the ones ``ZonelistRun`` makes its lists from (``ZonelistBuilder/nodeOrders()``);
/// `Total pages` sums the one FALLBACK list it needs, made from its node's order.
public struct NodeOrderRun: Sendable {
  public var orders: NodeOrders
  /// The `Built` line's `Total pages`, or nil when the input cannot give it (see ``diagnostics``).
  public var totalPages: Int?
  public var diagnostics: [Diagnostic]
  /// What this build rests on beyond a boot build of online nodes (``Exactness``).
  public var reliances: Set<Diagnostic.Reliance>
  /// The machine the build saw (after the hotplug event, if any).
  public var topology: Topology
  /// What makes lists from the orders, for ``report``.
  private var builder: ZonelistBuilder

  /// The `table`/`json` report, as ``ZonelistRun/report`` gives it for the same build, its
  /// node-ordered lists kept as node orders until written.
  public var report: BuildReport {
    var report = BuildReport(orders: orders, builder: builder, totalPages: totalPages, notes: diagnostics.map(\.description))
    report.assumptions = AssumptionReport.list(diagnostics)
    return report
  }

  /// As ``ZonelistRun/init(input:context:event:explaining:)``, up to the node orders.
  public init(input: ModelInput, context: BuildContext, event: HotplugEvent? = nil) throws {
    let topology = try ZonelistRun.topology(input, context: context, event: event)
    var builder = ZonelistBuilder(topology: topology, profile: input.profile, context: context)
    let orders = builder.nodeOrders()
    let outcome = ZonelistRun.Outcome(input: input, context: context, topology: topology, built: orders.orders.map(\.node)) {
      TotalPages.listForTotal(orders.orders, node: \.node, topology: topology).map { builder.zonelists(of: $0).fallback }
    }
    (self.topology, self.orders, self.builder) = (topology, orders, builder)
    (totalPages, diagnostics, reliances) = (outcome.totalPages, outcome.diagnostics, outcome.reliances)
  }

  /// The kernel's own `Fallback order`/`Built`/`Policy zone` lines, or nil without `Total pages`.
  public var kernelLogLines: [String]? {
    totalPages.map { total in ByteWriter.lines { KernelLog.write(orders, totalPages: total, to: &$0) } }
  }

  /// ``kernelLogLines`` written to `out` (nothing without `Total pages`).
  public func writeKernelLog(to out: inout ByteWriter) {
    if let totalPages { KernelLog.write(orders, totalPages: totalPages, to: &out) }
  }
}
