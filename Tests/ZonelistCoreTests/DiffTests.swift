import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// `zonelist diff` and the what-if edits, against what real kernels printed.
@Suite struct DiffTests {
  /// The topologies booted on both 6.1 and 6.12 (both print `Fallback order` lines).
  static let pairs: [String] = {
    let names = Set(BootFixture.all.map(\.name))
    return names.filter { $0.hasSuffix("-6.1") && names.contains(String($0.dropLast(4)) + "-6.12") }.map { String($0.dropLast(4)) }.sorted()
  }()

  static func side(_ folder: String, edits: [MachineEdit] = [], label: String) throws -> DiffSide {
    let (input, sysroot) = try DiffInputs.load(path: folder, kernel: nil, edits: edits)
    return try DiffInputs.side(input, sysroot: sysroot, context: .boot, label: label).0
  }

  /// Each node's printed `Fallback order`, by node.
  static func printedOrders(_ folder: String) throws -> [Int: [Int]] {
    let dmesg = try String(contentsOfFile: folder + "/dmesg", encoding: .utf8)
    var orders: [Int: [Int]] = [:]
    for line in BootCapture.zonelistLines(dmesg: dmesg) where line.hasPrefix("Fallback order for Node ") {
      let parts = line.dropFirst("Fallback order for Node ".count).split(separator: ":")
      guard let node = Int(parts[0]) else { continue }
      orders[node] = parts[1].split(separator: " ").compactMap { Int($0) }
    }
    return orders
  }

  static func folder(_ name: String) -> String { BootFixture.directory + "/boot/" + name }

  /// The diff of a 6.1 boot's sysroot with a 6.12 boot's of the same topology names exactly
  /// the nodes whose printed orders differ, with both kernels' orders; a flip where 6.1 put a
  /// memoryless local node first is blamed on that rule.
  @Test(arguments: pairs)
  func diffOfTwoBootsIsWhatTheKernelsPrinted(_ topology: String) throws {
    let old = Self.folder(topology + "-6.1")
    let new = Self.folder(topology + "-6.12")
    let diff = MachineDiff(try Self.side(old, label: "6.1"), try Self.side(new, label: "6.12"))
    let printedOld = try Self.printedOrders(old)
    let printedNew = try Self.printedOrders(new)
    let changed = Set(printedOld.keys).union(printedNew.keys).filter { printedOld[$0] != printedNew[$0] }
    #expect(Set(diff.nodeOrders.map(\.node)) == changed, "\(topology)")
    let memoryless = try Self.memorylessNodes(old)
    for change in diff.nodeOrders {
      #expect(change.a == printedOld[change.node] && change.b == printedNew[change.node], "\(topology) node \(change.node)")
      let localFirst = change.a?.first == change.node && memoryless.contains(change.node)
      #expect((change.flip?.causes.map(\.term) == ["local-node"]) == localFirst, "\(topology) node \(change.node): \(String(describing: change.flip))")
    }
  }

  static func memorylessNodes(_ folder: String) throws -> Set<Int> {
    let snapshot = try Sysroot.read(folder)
    return Set(snapshot.topology.onlineNodes.filter { !$0.hasMemory }.map(\.id.rawValue))
  }

  @Test func pairsAreFound() { #expect(Self.pairs.count == 50) }

  /// A boot compared with itself: nothing differs (the exit status 0 case).
  @Test func aBootEqualsItself() throws {
    let folder = Self.folder("24-six-nodes-cxl-expanders-6.12")
    let diff = MachineDiff(try Self.side(folder, label: "A"), try Self.side(folder, label: "B"))
    #expect(diff.isEqual, "\(diff.text())")
  }

  /// Edits that turn one booted machine's table into another's give the other kernel's printed
  /// orders: `--add-node` twice on a two-node boot, then `--set-distance` one way for every
  /// entry of the target's own `distance` files (all nodes of both have memory and CPUs).
  @Test(arguments: ["13-four-nodes-2sockets-2nodes", "14-four-nodes-intel-4socket", "15-four-nodes-power", "18-four-nodes-asym", "19-four-nodes-snc-2socket"])
  func editsThatReachAnotherBootGiveItsPrintedOrders(_ target: String) throws {
    let targetFolder = Self.folder(target + "-6.12")
    let table = try Sysroot.read(targetFolder).topology.distances
    var edits: [MachineEdit] = []
    for added in [2, 3] {
      let row = (0...added).map { table[from: NodeID(added), to: NodeID($0)] }
      edits.append(try MachineEdit(option: "add-node", value: "memory=512M cpus=\(added) distance=\(row.map(String.init).joined(separator: ","))"))
    }
    for from in 0..<4 {
      for to in 0..<4 where from != to {
        edits.append(try MachineEdit(option: "set-distance", value: "\(from)>\(to)=\(table[from: NodeID(from), to: NodeID(to)])"))
      }
    }
    let (input, _) = try DiffInputs.load(path: Self.folder("03-two-nodes-default-6.12"), kernel: nil, edits: edits)
    let run = try ZonelistRun(input: input, context: .boot)
    let printed = try Self.printedOrders(targetFolder)
    #expect(Dictionary(uniqueKeysWithValues: run.build.lists.map { ($0.node.rawValue, $0.nodeOrder.map(\.rawValue)) }) == printed)
    #expect(input.diagnostics.contains(.whatIf(edits: edits.map(\.description))))
  }

  /// A hand-worked case (marked so): node 1 of `Examples/two-sockets-cxl.yaml` prefers node 0
  /// (21) to node 2 (24); at distance 20 node 2 wins on the distance term alone.
  @Test func aDistanceFlipIsBlamedOnTheDistance() throws {
    let path = Repository.examples + "/two-sockets-cxl.yaml"
    let (a, _) = try DiffInputs.load(path: path, kernel: nil, edits: [])
    let (b, _) = try DiffInputs.load(path: path, kernel: nil, edits: [try MachineEdit(option: "set-distance", value: "1,2=20")])
    let diff = MachineDiff(try DiffInputs.side(a, sysroot: nil, context: .boot, label: "A").0, try DiffInputs.side(b, sysroot: nil, context: .boot, label: "B").0)
    #expect(diff.nodeOrders.map(\.node) == [1])
    #expect(diff.nodeOrders.first?.flip?.causes.map(\.term) == ["distance"])
    #expect(diff.nodeOrders.first?.b == [1, 2, 0])
  }
}

enum Repository {
  static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Examples").path
}
