import Testing
import ZonelistCore

/// The what-if edits: malformed values and edits that do not fit the machine are refused
/// naming the option and what was expected; the rest change exactly what they say.
@Suite struct MachineEditTests {
  /// A hand-made machine: nodes 0 (CPUs 0-1) and 1 (CPUs 2-3), 1 GiB each, distance 21.
  static func machine() throws -> Topology {
    let size = ZoneSize(spanned: 262144, present: 262144, managed: 262144)
    return try Topology(
      nodes: [Node(id: 0, cpus: [0, 1], zones: [.dma32: size]), Node(id: 1, cpus: [2, 3], zones: [.dma32: size])],
      distances: DistanceMatrix(nodes: [0, 1], rows: [[10, 21], [21, 10]]))
  }

  @Test(arguments: [
    ("set-distance", "0,1", "A,B=DISTANCE"), ("set-distance", "0,1=300", "11...255"), ("set-distance", "1,1=20", "two different nodes"),
    ("set-distance", "0,x=20", "A,B=DISTANCE"), ("offline-node", "-1", "a node id"), ("offline-node", "1024", "a node id"),
    ("remove-cpus", "4-", "a CPU list"), ("remove-cpus", "", "a CPU list"), ("add-node", "cpus=none distance=20,10", "memory=SIZE"),
    ("add-node", "memory=1Q cpus=none distance=20,10", "memory=SIZE"), ("add-node", "memory=1G distance=20,10", "cpus=LIST"),
    ("add-node", "memory=1G cpus=none", "distance="), ("add-node", "memory=1G cpus=none distance=20,,10", "distance="),
    ("add-node", "memory=1G cpus=none distance=20,10 color=red", "KEY=VALUE"),
    ("add-node", "memory=1G cpus=none distance=20,10 kind=dax-kmem adistance=9", "not both"),
    ("set", "vm.watermark_scale_factor=0", "vm.watermark_scale_factor"), ("set", "min_free_kbytes=1", "vm.NAME=VALUE"),
    ("unknown", "1", "one of --set-distance"),
  ])
  func malformedEditsAreRefusedByOption(_ option: String, _ value: String, _ expected: String) {
    #expect {
      _ = try MachineEdit(option: option, value: value)
    } throws: { error in
      guard let error = error as? MachineEditError else { return false }
      return error.option == option && error.value == value && error.expected.contains(expected)
        && error.description.hasPrefix("--\(option) '\(value)': expected ")
    }
  }

  @Test(arguments: [
    ("set-distance", "0,2=17", "a node of the machine (nodes 0-1), not 2"),
    ("offline-node", "0", "the boot CPU"), ("offline-node", "5", "not 5"),
    ("remove-cpus", "0", "the boot CPU"), ("remove-cpus", "7", "not CPU 7"),
    ("add-node", "memory=1G cpus=none distance=20,10", "3 values"), ("add-node", "memory=1G cpus=2 distance=20,24,10", "CPU 2 is on node 1"),
    ("add-node", "id=1 memory=1G cpus=none distance=20,24,10", "a node the machine does not have"),
    ("add-node", "memory=1G cpus=none distance=20,24,11", "to itself is 11"),
  ])
  func editsThatDoNotFitTheMachineAreRefused(_ option: String, _ value: String, _ expected: String) throws {
    let edit = try MachineEdit(option: option, value: value)
    #expect {
      _ = try MachineEdit.apply([edit], to: try Self.machine())
    } throws: { error in
      (error as? MachineEditError).map { $0.option == option && $0.expected.contains(expected) } ?? false
    }
  }

  /// The last node with memory cannot go offline (node 0 holds the boot CPU, so node 1 is
  /// offlined first, then node 0 is refused for the boot CPU).
  @Test func offliningTakesMemoryAndCPUsAway() throws {
    let (machine, diagnostics) = try MachineEdit.apply([try MachineEdit(option: "offline-node", value: "1")], to: try Self.machine())
    #expect(!machine[1].isOnline && !machine[1].hasMemory && machine[1].cpus.isEmpty)
    #expect(machine.memoryNodeIDs == [0])
    #expect(diagnostics == [.whatIf(edits: ["--offline-node 1"])])
  }

  @Test func addedNodeTakesTheLowestFreeIDAndItsRow() throws {
    let edit = try MachineEdit(option: "add-node", value: "memory=64G cpus=4-5 distance=20,24,10 kind=dax-kmem")
    let (machine, diagnostics) = try MachineEdit.apply([edit], to: try Self.machine())
    #expect(machine.nodeIDs == [0, 1, 2])
    #expect(machine[2].cpus == [4, 5] && machine[2][.normal].present == Pages(16_777_216))
    #expect(machine.distances[from: 0, to: 2] == 20 && machine.distances[from: 2, to: 1] == 24)
    #expect(diagnostics.contains(.managedEstimatedAsPresent))
    #expect(MachineEdit.tierKinds([edit], of: try Self.machine()) == [2: .daxKmem])
    #expect(edit.description == "--add-node 'memory=64G cpus=4-5 distance=20,24,10 kind=dax-kmem'")
  }

  @Test func oneWayDistanceLeavesTheOtherWay() throws {
    let (machine, _) = try MachineEdit.apply([try MachineEdit(option: "set-distance", value: "1>0=30")], to: try Self.machine())
    #expect(machine.distances[from: 1, to: 0] == 30 && machine.distances[from: 0, to: 1] == 21)
  }

  @Test func removedCPUsLeaveTheirNodes() throws {
    let (machine, _) = try MachineEdit.apply([try MachineEdit(option: "remove-cpus", value: "2-3")], to: try Self.machine())
    #expect(machine[1].cpus.isEmpty && machine[0].cpus == [0, 1])
  }
}
