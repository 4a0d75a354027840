import Foundation
public import ZonelistCore

/// Reads a `--workload` file (YAML or JSON) into a ``Workload``; see `Docs/workload-format.md`.
public enum WorkloadFile {
  /// - Parameter commandLine: the kernel's command line (`online:` steps' default zone).
  public static func load(path: String, topology: Topology, profile: KernelProfile, commandLine: String = "") throws(ImportError) -> Workload {
    guard let data = FileBytes.read(path) else {
      throw ImportError(file: path, line: 0, text: "", expected: "a readable workload file")
    }
    return try load(contents: data, file: path, topology: topology, profile: profile, commandLine: commandLine)
  }

  /// As ``load(path:topology:profile:commandLine:)`` once the file is read; the fuzz target starts here.
  static func load(contents: Data, file: String, topology: Topology, profile: KernelProfile, commandLine: String = "") throws(ImportError) -> Workload {
    guard let text = String(data: contents, encoding: .utf8) else {
      throw ImportError(file: file, line: 0, text: "", expected: "a workload file in UTF-8")
    }
    return try parse(text, file: file, topology: topology, profile: profile, commandLine: commandLine)
  }

  public static func parse(_ text: String, file: String, topology: Topology, profile: KernelProfile, commandLine: String = "") throws(ImportError)
    -> Workload
  {
    let (root, reader) = try TopologyFile.compose(text, file: file, expecting: "a mapping with 'steps:'")
    let top = try reader.mapping(root, "a mapping with 'steps:'", allowed: ["steps", "start", "description", "per-cpu-lists", "refresh-vmstat", "weights", "thp", "thp-defrag"])
    /// A key that picks one of two settings (false when absent).
    func choice(_ key: String, _ options: [String: Bool], _ expected: String) throws(ImportError) -> Bool {
      guard let node = top[key] else { return false }
      guard let text = node.string, let value = options[text] else { throw reader.fail(node, expected) }
      return value
    }
    let everythingFree = try choice(
      "start", ["snapshot": false, "free": true], "start: snapshot (the snapshot's free pages) or free (every managed page free)")
    let bootPageSets = try choice(
      "per-cpu-lists", ["tuned": false, "boot": true], "per-cpu-lists: tuned (each zone's batch and high) or boot (boot_pageset: high 0, batch 1)")
    let refresh = try choice(
      "refresh-vmstat", ["never": false, "after-each-step": true], "refresh-vmstat: never or after-each-step (as a write to vm.stat_refresh)")
    guard let stepsNode = top["steps"], case .sequence(let items) = stepsNode, !items.isEmpty else {
      throw reader.fail(top["steps"] ?? root, "'steps:' as a non-empty list")
    }
    var steps: [Workload.Step] = []
    var seconds: [Int: Double] = [:]
    var secondsAfter: [Int: Double] = [:]
    let hugePageSettings = try transparentHugePages(top, reader: reader, profile: profile)
    let cpus = Set(topology.cpus)
    for item in items {
      let fields = try reader.mapping(
        item, "a step: a mapping with 'allocate:'/'pages:', 'free:', 'online:' or 'seconds:'",
        allowed: ["cpu", "policy", "nodes", "allocate", "pages", "order", "gfp", "repeat", "free", "online", "seconds", "seconds-after", "madvise", "demote"])
      let kinds = ["allocate", "free", "online", "demote"].filter { fields[$0] != nil } + (fields["pages"] != nil ? ["pages"] : [])
      guard kinds.count <= 1 else {
        throw reader.fail(item, "one of 'allocate:', 'pages:', 'free:' or 'online:' in a step, not \(kinds.map { "'\($0):'" }.joined(separator: " and "))")
      }
      if let node = fields["seconds"] { seconds[steps.count + 1] = try Self.seconds(node, reader: reader) }
      if let node = fields["seconds-after"] { secondsAfter[steps.count + 1] = try Self.seconds(node, reader: reader) }
      var cpu: CPUID? = nil
      if let node = fields["cpu"] {
        let value = try reader.integer(node, "a CPU number")
        guard cpus.contains(value) else {
          throw reader.fail(node, cpus.isEmpty ? "a CPU, but the input shows this machine with none" : "a CPU of this machine (\(IDList.format(cpus)))")
        }
        cpu = value
      }
      if let freeNode = fields["free"] {
        let number = try reader.integer(freeNode, "the number of an earlier step to free")
        guard number >= 1 && number <= steps.count, steps[number - 1].holdsPages else {
          throw reader.fail(freeNode, "the number (1-based) of an earlier allocation step or demote step")
        }
        steps.append(.free(step: number, cpu: cpu))
        continue
      }
      if let demoteNode = fields["demote"] {
        steps.append(try demotion(demoteNode, item: item, fields: fields, cpu: cpu, reader: reader, topology: topology))
        continue
      }
      if let onlineNode = fields["online"] {
        if let extra = fields.keys.filter({ !["online", "cpu", "seconds", "seconds-after"].contains($0) }).sorted().first {
          throw reader.fail(item, "an online step holds only 'online:', 'cpu:', 'seconds:' and 'seconds-after:', not '\(extra):'")
        }
        steps.append(try online(onlineNode, cpu: cpu, reader: reader, topology: topology, commandLine: commandLine))
        continue
      }
      if kinds.isEmpty && fields["seconds"] != nil {
        let extra = fields.keys.filter { !["seconds", "seconds-after", "cpu"].contains($0) }.sorted()
        guard extra.isEmpty else { throw reader.fail(item, "an idle step holds only 'seconds:', 'seconds-after:' and 'cpu:', not '\(extra[0]):'") }
        steps.append(.idle(cpu: cpu))
        continue
      }
      var policy = MemoryPolicy(.default)
      if let node = fields["policy"] {
        guard let name = node.string, let mode = MemoryPolicy.Mode(rawValue: name) else {
          throw reader.fail(node, "a policy: \(MemoryPolicy.Mode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        policy.mode = mode
        if mode == .weightedInterleave && profile.version < weightedInterleaveSince {
          throw reader.fail(node, "a policy kernel \(profile.version.series) has: weighted-interleave (MPOL_WEIGHTED_INTERLEAVE) came with 6.9")
        }
      }
      if let node = fields["nodes"] {
        let ids: [Int]
        do { ids = try IDList.parse(node.string ?? "", limit: Topology.maxNumNodes) } catch {
          throw reader.fail(node, "a node list like '0-1,3'")
        }
        for id in ids where topology.nodes[NodeID(id)]?.isOnline != true {
          throw reader.fail(node, "online nodes of this machine (\(IDList.format(topology.onlineNodes.map(\.id.rawValue)))), not \(id)")
        }
        policy.nodes = ids.map { NodeID($0) }
      }
      // Kernel: mpol_new() refuses a node mask with MPOL_DEFAULT and MPOL_LOCAL (-EINVAL).
      if let node = fields["nodes"], [.default, .local].contains(policy.mode) {
        throw reader.fail(node, "no 'nodes:' for the \(policy.mode.rawValue) policy (set_mempolicy() refuses a node mask with it)")
      }
      if [.preferred, .bind, .interleave, .preferredMany, .weightedInterleave].contains(policy.mode) && policy.nodes.isEmpty {
        throw reader.fail(item, "'nodes:' for the \(policy.mode.rawValue) policy")
      }
      var gfp = GFPFlags.highUserMovable
      var anonymous = true
      if let node = fields["gfp"] {
        guard let text = node.string, let flags = GFPFlags(parsing: text), flags.highestZoneType(in: profile.zoneTypes) != nil else {
          throw reader.fail(node, "GFP flags like GFP_KERNEL, GFP_HIGHUSER_MOVABLE|__GFP_THISNODE, GFP_ATOMIC, GFP_DMA32")
        }
        gfp = flags
        anonymous = flags == .highUserMovable
      }
      var order = 0
      if let node = fields["order"] {
        order = try reader.integer(node, "an order (0...10)")
        guard (0...10).contains(order) else { throw reader.fail(node, "an order in 0...10 (MAX_PAGE_ORDER is 10)") }
      }
      var pages = 0
      if let node = fields["allocate"] {
        guard let text = node.string, let bytes = TopologyFile.bytes(text), bytes > 0 else {
          throw reader.fail(node, "a size like 256M")
        }
        // Whole pages, as mmap() rounds a length up (a size under 4K is one page, not zero).
        pages = bytes / 4096 + (bytes % 4096 == 0 ? 0 : 1)
      } else if let node = fields["pages"] {
        pages = try reader.integer(node, "a page count")
        guard pages > 0 else { throw reader.fail(node, "a positive page count") }
      } else {
        throw reader.fail(item, "'allocate:' (a size) or 'pages:' (a count) or 'free:'")
      }
      guard pages <= Pages.physicalLimit.rawValue else {
        throw reader.fail(fields["allocate"] ?? fields["pages"], "a size of \(Pages.physicalLimitText)")
      }
      var repeats = 1
      if let node = fields["repeat"] {
        repeats = try reader.integer(node, "a repeat count")
        guard repeats >= 1 else { throw reader.fail(node, "a repeat count ≥ 1") }
        // Checked by division: pages × repeats never overflows.
        guard repeats <= Pages.physicalLimit.rawValue / pages else {
          throw reader.fail(node, "a repeat count that keeps the step (\(pages) pages each time) \(Pages.physicalLimitText)")
        }
      }
      let request = AllocatorSimulator.Request(
        cpu: cpu ?? topology.cpus.first ?? 0, policy: policy, gfp: gfp, order: order, count: Swift.max(1, pages >> order))
      let hugePages = try Self.hugePages(fields, settings: hugePageSettings, anonymous: anonymous, reader: reader)
      steps.append(.allocate(request, repeats: repeats, anonymous: anonymous, hugePages: hugePages))
    }
    var workload = Workload(steps: steps, startEverythingFree: everythingFree, refreshVMStatsAfterEachStep: refresh)
    workload.seconds = seconds
    workload.secondsAfter = secondsAfter
    workload.transparentHugePages = hugePageSettings
    if let node = top["weights"] { workload.weights = try weights(node, reader: reader, topology: topology, profile: profile) }
    workload.bootPageSets = bootPageSets
    return workload
  }
}
