extension QEMUCommandLine.Parser {
  struct NumaNode {
    var id: Int
    var cpus: [Int] = []
    var memory = 0
    var initiator: Int?
    var line: Int
  }

  struct SMP {
    var cpus: Int?
    var sockets = 1
    var dies = 1
    var cores = 1
    var threads = 1

    /// CPU index `cpu`'s `socket-id`, `die-id`, `core-id` or `thread-id` in x86's numbering
    /// (index = ((socket × dies + die) × cores + core) × threads + thread); nil for another key.
    func position(of cpu: Int, _ key: String) -> Int? {
      switch key {
      case "thread-id": cpu % threads
      case "core-id": (cpu / threads) % cores
      case "die-id": (cpu / (threads * cores)) % dies
      case "socket-id": cpu / (threads * cores * dies)
      default: nil
      }
    }
  }

  /// The machine the options describe, in Linux's node ids.
  func machine() throws(ImportError) -> ImportedMachine {
    var machineType = "pc"
    var hasHMAT = false
    var lowRAM: (bytes: Int, line: Int)?
    var total: (bytes: Int, line: Int)?
    var smp = SMP()
    var backends: [String: Int] = [:]
    var nodes: [NumaNode] = []
    var distances: [(from: Int, to: Int, value: Int, line: Int)] = []
    var cpuRules: [(node: Int, ids: [String: Int], line: Int)] = []
    var figures: [Int: [Int: NodeTieringSpec.Figures]] = [:]
    var ignored: [String] = []
    var bootWords = append.map(\.text)
    var index = words.startIndex
    if let first = words.first, first.text.contains("qemu-system") { index += 1 }
    while index < words.endIndex {
      let option = words[index]
      index += 1
      let name = option.text.hasPrefix("--") ? String(option.text.dropFirst()) : option.text
      guard name.hasPrefix("-") else {
        throw fail("a QEMU option starting with '-', not '\(option.text)'", option.line)
      }
      if QEMUCommandLine.flags.contains(name) { continue }
      guard index < words.endIndex else { throw fail("an argument after \(name)", option.line) }
      let argument = words[index]
      index += 1
      switch name {
      case "-machine", "-M":
        for (key, value) in try pairs(argument) {
          switch key {
          case "", "type": machineType = value
          case "hmat": hasHMAT = value == "on" || value == "yes" || value == "true"
          case "max-ram-below-4g":
            lowRAM = (try size(value, unit: 1 << 20, argument, what: "max-ram-below-4g="), argument.line)
          default: ignored.append("-machine \(key)=")
          }
        }
      case "-m":
        var bytes: Int?
        for (key, value) in try pairs(argument) {
          switch key {
          case "", "size": bytes = try size(value, unit: 1 << 20, argument, what: "a memory size")
          case "slots", "maxmem": ignored.append("-m \(key)= (hot-pluggable memory)")
          default: throw fail("-m SIZE or -m size=SIZE,slots=N,maxmem=SIZE, not '\(key)='", argument.line)
          }
        }
        guard let bytes else { throw fail("a size in -m", argument.line) }
        total = (bytes, argument.line)
      case "-smp":
        for (key, value) in try pairs(argument) {
          let number = try integer(value, argument, what: "-smp \(key.isEmpty ? "cpus" : key)", range: 1...Topology.maxNumCPUs)
          switch key {
          case "", "cpus": smp.cpus = number
          case "sockets": smp.sockets = number
          case "dies": smp.dies = number
          case "cores": smp.cores = number
          case "threads": smp.threads = number
          case "maxcpus", "clusters", "books", "drawers": ignored.append("-smp \(key)=")
          default: throw fail("-smp N or cpus=, sockets=, dies=, cores=, threads=, maxcpus=, not '\(key)='", argument.line)
          }
        }
        // Each factor is at most maxNumCPUs (2^13), so the product of four cannot overflow.
        let topologyCPUs = smp.sockets * smp.dies * smp.cores * smp.threads
        if smp.cpus == nil, topologyCPUs > Topology.maxNumCPUs {
          throw fail("-smp sockets × dies × cores × threads of at most \(Topology.maxNumCPUs) CPUs (\(topologyCPUs) asked)", argument.line)
        }
      case "-object":
        let fields = try pairs(argument)
        guard let kind = fields.first, kind.key.isEmpty || kind.key == "qom-type" else { throw fail("-object TYPE,id=…", argument.line) }
        if kind.value.hasPrefix("memory-backend-") {
          guard let id = fields.first(where: { $0.key == "id" })?.value, let sizeText = fields.first(where: { $0.key == "size" })?.value else {
            throw fail("id= and size= on \(kind.value)", argument.line)
          }
          backends[id] = try size(sizeText, unit: 1, argument, what: "a backend size")
        }
      case "-numa":
        let fields = try pairs(argument)
        let kind = fields.first?.key == "" ? fields[0].value : (fields.first { $0.key == "type" }?.value ?? "")
        let values = Dictionary(fields.filter { !$0.key.isEmpty }.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        switch kind {
        case "node": nodes.append(try node(fields, backends: backends, argument))
        case "dist":
          guard let src = values["src"], let dst = values["dst"], let val = values["val"] else {
            throw fail("-numa dist,src=N,dst=M,val=D", argument.line)
          }
          distances.append(
            (try integer(src, argument, what: "src", range: 0...127), try integer(dst, argument, what: "dst", range: 0...127),
             try integer(val, argument, what: "a distance", range: 10...255), argument.line))
        case "cpu":
          guard let nodeID = values["node-id"] else { throw fail("-numa cpu,node-id=N,socket-id=…", argument.line) }
          var ids: [String: Int] = [:]
          for key in ["socket-id", "die-id", "core-id", "thread-id"] {
            if let text = values[key] { ids[key] = try integer(text, argument, what: key, range: 0...Topology.maxNumCPUs) }
          }
          cpuRules.append((try integer(nodeID, argument, what: "node-id", range: 0...127), ids, argument.line))
        case "hmat-lb":
          try hmatFigure(values, into: &figures, ignored: &ignored, argument)
        case "hmat-cache": ignored.append("-numa hmat-cache (memory-side caches)")
        default: throw fail("-numa node, dist, cpu, hmat-lb or hmat-cache, not '\(kind)'", argument.line)
        }
      case "-append":
        bootWords += argument.text.split(separator: " ").map(String.init)
      default: continue
      }
    }
    return try assemble(
      machineType: machineType, hasHMAT: hasHMAT, lowRAM: lowRAM, total: total, smp: smp, nodes: nodes, distances: distances,
      cpuRules: cpuRules, figures: figures, ignored: ignored, bootWords: bootWords)
  }

  func node(_ fields: [(key: String, value: String)], backends: [String: Int], _ argument: QEMUCommandLine.Word) throws(ImportError) -> NumaNode {
    var node = NumaNode(id: -1, line: argument.line)
    for (key, value) in fields.dropFirst() {
      switch key {
      case "nodeid": node.id = try integer(value, argument, what: "nodeid", range: 0...127)
      case "cpus":
        do { node.cpus += try IDList.parse(value, limit: Topology.maxNumCPUs) } catch {
          throw fail("cpus=FIRST[-LAST] (\(error.reason)), not '\(value)'", argument.line)
        }
      case "memdev":
        guard let bytes = backends[value] else { throw fail("memdev= naming a memory-backend object given before it, not '\(value)'", argument.line) }
        node.memory = bytes
      case "mem": node.memory = try size(value, unit: 1 << 20, argument, what: "mem=")
      case "initiator": node.initiator = try integer(value, argument, what: "initiator", range: 0...127)
      default: throw fail("nodeid=, cpus=, memdev=, mem= or initiator= on -numa node, not '\(key)='", argument.line)
      }
    }
    return node
  }

  func hmatFigure(
    _ values: [String: String], into figures: inout [Int: [Int: NodeTieringSpec.Figures]], ignored: inout [String],
    _ argument: QEMUCommandLine.Word
  ) throws(ImportError) {
    guard let initiatorText = values["initiator"], let targetText = values["target"], let type = values["data-type"] else {
      throw fail("-numa hmat-lb,initiator=I,target=T,hierarchy=memory,data-type=…", argument.line)
    }
    guard (values["hierarchy"] ?? "memory") == "memory" else {
      ignored.append("-numa hmat-lb,hierarchy=\(values["hierarchy"]!) (memory-side cache figures)")
      return
    }
    let initiator = try integer(initiatorText, argument, what: "initiator", range: 0...127)
    let target = try integer(targetText, argument, what: "target", range: 0...127)
    var entry = figures[target, default: [:]][initiator, default: NodeTieringSpec.Figures()]
    switch type {
    case "access-latency", "read-latency":
      guard let text = values["latency"] else { throw fail("latency=NS with data-type=\(type)", argument.line) }
      entry.latency = UInt32(try integer(text, argument, what: "a latency in ns", range: 0...Int(UInt32.max)))
    case "access-bandwidth", "read-bandwidth":
      guard let text = values["bandwidth"] else { throw fail("bandwidth=SIZE with data-type=\(type)", argument.line) }
      let bytes = try size(text, unit: 1, argument, what: "a bandwidth per second")
      guard bytes % (1 << 20) == 0, bytes >> 20 <= Int(UInt32.max) else {
        throw fail("a bandwidth of whole MiB per second (like 4096M), not '\(text)'", argument.line)
      }
      entry.bandwidth = UInt32(bytes >> 20)
    case "write-latency", "write-bandwidth":
      ignored.append("-numa hmat-lb data-type=\(type) (the model takes read = write)")
      return
    default: throw fail("data-type=access-latency, access-bandwidth, read-… or write-…, not '\(type)'", argument.line)
    }
    figures[target, default: [:]][initiator] = entry
  }
}
