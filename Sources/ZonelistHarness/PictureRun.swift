public import ZonelistCore

/// The picture of one input, the pipeline `zonelist draw` and `zonelist report` run and the
/// tests call: the build, the tiers when the kernel has them, and a ``TopologyPicture``.
public struct PictureRun: Sendable {
  public var run: ZonelistRun
  /// The tiers, or nil when they could not be computed (the notes say why).
  public var tiers: TiersRun?
  public var picture: TopologyPicture
  public var notes: [String]

  /// Builds `input` in `context` and collects its picture.
  ///
  /// - Parameters:
  ///   - sysroot: Where a sysroot input's tiering files are read.
  ///   - title: The picture's title, usually the input's name.
  public init(input: ModelInput, sysroot: String?, context: BuildContext, event: HotplugEvent? = nil, title: String) throws {
    run = try ZonelistRun(input: input, context: context, event: event)
    var notes = run.notes
    if input.profile.tierRules.hasMemoryTiers {
      do {
        let tiers = try TiersRun(input: input, sysroot: sysroot)
        self.tiers = tiers
        notes += tiers.notes.filter { !notes.contains($0) }
      } catch {
        tiers = nil
        notes.append("the memory tiers are not drawn: \(error)")
      }
    } else {
      tiers = nil
    }
    picture = TopologyPicture(title: title, topology: run.topology, build: run.build, tiering: tiers?.tiering)
    self.notes = notes
  }

  /// The name a picture of these inputs carries: the input file, the sysroot or `this machine`.
  public static func title(sysroot: String?, topologyFile: String?) -> String {
    if let topologyFile { return topologyFile }
    if let sysroot, sysroot != "/" { return sysroot }
    return "this machine"
  }
}

extension HTMLReport {
  /// The report of one input: the picture's build, the tiers, the watermarks and the first
  /// nodes' explanations, with every note of the pipelines it ran.
  public init(picture run: PictureRun, input: ModelInput, sysroot: String?, context: BuildContext, event: HotplugEvent? = nil) throws {
    let zoneinfo = try ZoneinfoRun(input: input, sysroot: sysroot)
    var explanations: [(node: NodeID, text: String)] = []
    for lists in run.run.build.lists.prefix(HTMLReport.detailLimit) {
      let explained = try ZonelistRun(input: input, context: context, event: event, explaining: lists.node)
      guard let explanation = explained.build.explained else { continue }
      explanations.append((lists.node, Explanation.text(explanation, build: explained.build, topology: explained.topology, maxCandidates: 12)))
    }
    var notes = run.notes
    for note in zoneinfo.diagnostics.map(\.description) where !notes.contains(note) { notes.append(note) }
    self.init(
      title: run.picture.title, picture: run.picture, build: run.run.report, kernelLog: run.run.kernelLogLines,
      tiersTable: run.tiers.map { TiersReport.table($0.tiering, fallbackOrders: $0.fallbackOrders) }, tuning: zoneinfo.report,
      zoneinfoTable: ZoneinfoFormat.table(zoneinfo.report, topology: input.topology, profile: input.profile), topology: run.run.topology, zoneTypes: input.profile.zoneTypes, explanations: explanations, notes: notes)
  }
}
