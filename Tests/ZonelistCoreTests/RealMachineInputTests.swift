import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// hwloc's snapshots of real machines as `--sysroot FILE.tar.bz2` (unpacked by the tool's own
/// checked reader), and hwloc's XML of them (`Fixtures/real-machines/hwloc-xml/`).
@Suite struct RealMachineInputTests {
  static let xmlDirectory = BootFixture.directory + "/real-machines/hwloc-xml"

  static func xmlFiles() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: xmlDirectory)) ?? []).filter { $0.hasSuffix(".xml") }.sorted()
  }

  /// Every hwloc-gather-topology tarball reads through `--sysroot FILE.tar.bz2` as it reads
  /// unpacked by the system's tar.
  @Test(arguments: try RealMachineTests.archives())
  func everyTarballReadsAsSysroot(_ archive: String) throws {
    let root = try SysrootArchive.root(of: RealMachineTests.archiveDirectory + "/" + archive)
    #expect(root.contains("zonelist-sysroot-"))
    let unpacked = try RealMachineTests.unpack(archive)
    defer { try? FileManager.default.removeItem(atPath: unpacked.temporary) }
    let viaTool = try Sysroot.read(root)
    let viaTar = try Sysroot.read(unpacked.root)
    #expect(viaTool.topology == viaTar.topology, "\(archive)")
    #expect(viaTool.diagnostics.count == viaTar.diagnostics.count, "\(archive)")
  }

  @Test func everyLstopoXMLIsThere() {
    #expect(Self.xmlFiles().filter { $0.hasPrefix("lstopo-") }.count == 40)
    #expect(FileManager.default.fileExists(atPath: Self.xmlDirectory + "/COPYING"))
  }

  /// hwloc's XML of a machine names the kernel's nodes with the kernel's distances: each NUMA node
  /// of the XML is a node of the snapshot, with memory when hwloc gives it some, and the
  /// distances between them are the snapshot's.
  @Test(arguments: xmlFiles().filter { $0.hasPrefix("lstopo-") })
  func lstopoXMLAgreesWithItsSnapshot(_ file: String) throws {
    let imported = try MachineInputFile.load(path: Self.xmlDirectory + "/" + file, format: nil)
    #expect(imported.format == .hwloc)
    let archive = String(file.dropFirst("lstopo-".count).dropLast(".xml".count)) + ".tar.bz2"
    let snapshot = try Sysroot.read(try SysrootArchive.root(of: RealMachineTests.archiveDirectory + "/" + archive)).topology
    let ids = imported.spec.nodes.map(\.id)
    let realOwner = Dictionary(snapshot.nodes.values.flatMap { node in node.cpus.map { ($0, node.id) } }, uniquingKeysWith: { first, _ in first })
    for node in imported.spec.nodes {
      guard let real = snapshot.nodes[node.id] else {
        Issue.record("\(file): node \(node.id) is not in the snapshot")
        continue
      }
      if node.memoryBytes > 0 { #expect(real.hasMemory, "\(file): node \(node.id)") }
      // Each CPU on its node, where the XML has that node (hwloc leaves memoryless nodes out:
      // their CPUs go to a memory node by locality, as the import's note says).
      for cpu in node.cpus {
        guard let owner = realOwner[cpu], ids.contains(owner) else { continue }
        #expect(owner == node.id, "\(file): CPU \(cpu) is on node \(owner), read onto node \(node.id)")
      }
    }
    if let distances = imported.spec.distances, snapshot.nodes.count > 1 {
      for from in ids {
        for to in ids { #expect(distances[from: from, to: to] == snapshot.distances[from: from, to: to], "\(file): \(from)->\(to)") }
      }
    }
  }

  /// hwloc writes a zero 32-bit word of a bitmap between others as nothing (`0xffffff00,,0x0` is
  /// CPUs 72-95): read, each node keeps its CPUs, and written back, each NUMA node's cpuset is
  /// hwloc's own text.
  @Test func bitmapsWithZeroWordsReadAndWriteAsHwlocDoes() throws {
    let path = Self.xmlDirectory + "/lstopo-96em64t-4no4pa3ca2co.xml"
    let imported = try MachineInputFile.load(path: path, format: nil)
    #expect(imported.spec.nodes.map(\.cpus) == (0..<4).map { Array($0 * 24..<($0 + 1) * 24) })
    func cpusets(_ xml: String) -> [String] {
      xml.split(separator: "\n").filter { $0.contains("type=\"NUMANode\"") }.compactMap { line in
        line.split(separator: " ").first { $0.hasPrefix("cpuset=") }.map(String.init)
      }
    }
    let original = cpusets(try String(contentsOfFile: path, encoding: .utf8))
    #expect(original == ["cpuset=\"0x00ffffff\"", "cpuset=\"0x0000ffff,0xff000000\"", "cpuset=\"0x000000ff,0xffff0000,0x0\"", "cpuset=\"0xffffff00,,0x0\""])
    #expect(cpusets(MachineExport.hwlocXML(imported.spec)) == original)
  }

  /// hwloc's own test XML: memory attributes become HMAT figures from the initiator node whose
  /// CPUs are exactly the initiator cpuset (64intel64-heteromem: DRAM 22500 MiB/s and HBM
  /// 90000 MiB/s from each cluster, as the file states them).
  @Test func heteromemBandwidthBecomesHMATFigures() throws {
    let imported = try MachineInputFile.load(path: Self.xmlDirectory + "/hwloc-tests-64intel64-heteromem.xml", format: nil)
    let byID = Dictionary(uniqueKeysWithValues: imported.spec.nodes.map { ($0.id, $0) })
    #expect(byID.count == 8)
    #expect(byID[0]?.tiering?.hmat[0]?.bandwidth == 22500)
    #expect(byID[7]?.tiering?.hmat[0]?.bandwidth == 90000)
    #expect(byID[7]?.cpus == [], "an HBM node shares its DRAM node's locality but has no CPUs")
    #expect(byID[0]?.cpus.count == 16)
    #expect(imported.diagnostics.contains(.importedCPUsFromLocality))
  }

  /// XML v1 (hwloc 1.x): NUMA nodes as parents, distances as latency_base × value.
  @Test func version1ReadsNodesAndDistances() throws {
    let imported = try MachineInputFile.load(path: Self.xmlDirectory + "/hwloc-tests-v1-16amd64-8n2c-cpusets.xml", format: nil)
    #expect(imported.spec.nodes.map(\.id.rawValue) == Array(0..<8))
    #expect(imported.spec.nodes[0].memoryBytes == 0, "node 0 has no local_memory= in this file (outside the cpuset)")
    #expect(imported.spec.nodes[1].memoryBytes == 8_589_934_592)
    #expect(imported.spec.distances?[from: 0, to: 0] == 10)
    #expect(imported.spec.distances?[from: 0, to: 1] == 20)
  }
}
