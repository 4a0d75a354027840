import Foundation
import Testing
import ZonelistCore

/// Bad input to the `--input` readers and the sysroot archive reader: a clear error naming the
/// file, the line and what was expected, never a crash or a silent default.
@Suite struct MachineInputBadInputTests {
  static let numactl = """
    available: 2 nodes (0-1)
    node 0 cpus: 0 1
    node 0 size: 969 MB
    node 0 free: 936 MB
    node 1 cpus: 2 3
    node 1 size: 1007 MB
    node 1 free: 968 MB
    node distances:
    node   0   1
      0:  10  20
      1:  20  10

    """

  func error(_ body: () throws -> Void) -> ImportError? {
    do { try body() } catch { return error as? ImportError }
    return nil
  }

  @Test func wellFormedNumactlReads() throws {
    let machine = try NumactlHardware.read(Self.numactl, file: "n.txt")
    #expect(machine.spec.nodes.map(\.memoryBytes) == [969 << 20, 1007 << 20])
    #expect(machine.spec.distances?[from: 0, to: 1] == 20)
  }

  @Test func numactlFromAnotherLocaleOrVersionIsRefused() {
    let german = Self.numactl.replacingOccurrences(of: "available: 2 nodes", with: "verfügbar: 2 Knoten")
    let found = error { _ = try NumactlHardware.read(german, file: "n.txt") }
    #expect(found?.line == 1 && found?.expected.contains("available: N nodes") == true)
    let newer = Self.numactl.replacingOccurrences(of: "node 1 size: 1007 MB", with: "node 1 size: 0.98 GiB")
    let sized = error { _ = try NumactlHardware.read(newer, file: "n.txt") }
    #expect(sized?.file == "n.txt" && sized?.line == 6)
  }

  @Test func unknownUnitsAreRefused() {
    let numactl = error { _ = try NumactlHardware.read(Self.numactl.replacingOccurrences(of: "969 MB", with: "969 XB"), file: "n.txt") }
    #expect(numactl?.line == 3 && numactl?.expected.contains("MB") == true)
    let domain = "<domain>\n<cpu><numa>\n<cell id='0' cpus='0' memory='1' unit='furlongs'/>\n</numa></cpu>\n</domain>\n"
    let libvirt = error { _ = try LibvirtDomain.read(domain, file: "d.xml") }
    #expect(libvirt?.line == 3 && libvirt?.expected.contains("libvirt unit") == true)
    let qemu = error { _ = try QEMUCommandLine.read("-m 1Q -smp 1\n", file: "q") }
    #expect(qemu?.line == 1 && qemu?.expected.contains("suffixes") == true)
  }

  /// Found in review of the `qemu` fuzz target: without `cpus=`, `-smp`'s CPU count is the product
  /// of its factors, each up to 8192, so 2^52 CPUs were laid out one by one.
  @Test func anSMPTopologyPastNRCPUsIsALocatedError() {
    let found = error { _ = try QEMUCommandLine.read("-m 1G\n-smp sockets=8192,cores=8192,threads=8192\n", file: "q") }
    #expect(found?.line == 2 && found?.expected.contains("at most 8192 CPUs") == true)
    let most = try? QEMUCommandLine.read("-m 1G\n-smp sockets=2,dies=2,cores=2,threads=1024\n", file: "q")
    #expect(most?.spec.nodes.first?.cpus.count == 8192)
  }

  @Test func distanceMatrixOfTheWrongSizeIsRefused() {
    let short = Self.numactl.replacingOccurrences(of: "  1:  20  10", with: "  1:  20")
    let found = error { _ = try NumactlHardware.read(short, file: "n.txt") }
    #expect(found?.line == 11 && found?.expected.contains("2 distances") == true)
    let xml = """
      <topology version="2.0">
      <object type="NUMANode" os_index="0" local_memory="1048576"/>
      <object type="NUMANode" os_index="1" local_memory="1048576"/>
      <distances2 type="NUMANode" nbobjs="2" kind="5" name="NUMALatency" indexing="os">
      <indexes length="4">0 1 </indexes>
      <u64values length="9">10 20 10 </u64values>
      </distances2>
      </topology>
      """
    let hwloc = error { _ = try HwlocTopology.read(xml, file: "t.xml") }
    #expect(hwloc?.line == 4 && hwloc?.expected.contains("4 distances") == true)
  }

  @Test func truncatedXMLIsRefusedWithTheLine() {
    let found = error { _ = try XMLTree.parse("<topology version=\"2.0\">\n  <object type=\"NUMANode\" os_index=\"0\">\n", file: "t.xml") }
    #expect(found?.file == "t.xml" && found?.expected.contains("</object>") == true)
    let attribute = error { _ = try XMLTree.parse("<topology version=\"2.0\">\n<object type=\"NUMA", file: "t.xml") }
    #expect(attribute?.line == 2)
    let entity = error { _ = try XMLTree.parse("<a>&xxe;</a>", file: "t.xml") }
    #expect(entity?.expected.contains("no DTD entities") == true)
  }

  /// A ustar header for `name` (type `type`, `size` bytes, `link` target) with a valid checksum.
  static func header(_ name: String, type: Character = "0", size: Int = 0, link: String = "") -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: 512)
    func put(_ text: String, at offset: Int) { for (index, byte) in text.utf8.enumerated() { bytes[offset + index] = byte } }
    put(name, at: 0)
    put("0000644", at: 100)
    put(String(repeating: "0", count: 11 - String(size, radix: 8).count) + String(size, radix: 8), at: 124)
    bytes[156] = UInt8(ascii: type.unicodeScalars.first!)
    put(link, at: 157)
    put("ustar\u{0}00", at: 257)
    for index in 148..<156 { bytes[index] = 0x20 }
    let sum = bytes.reduce(0) { $0 + Int($1) }
    put(String(repeating: "0", count: 6 - String(sum, radix: 8).count) + String(sum, radix: 8) + "\u{0} ", at: 148)
    return bytes
  }

  static func archive(_ entries: [[UInt8]]) -> [UInt8] { entries.flatMap { $0 } + [UInt8](repeating: 0, count: 1024) }

  @Test func tarWithAbsoluteOrParentEntriesIsRefused() {
    for name in ["/etc/passwd", "../outside", "sys/../../outside"] {
      let found = error { _ = try TarArchive(bytes: Self.archive([Self.header(name)]), file: "x.tar") }
      #expect(found?.file == "x.tar" && found?.text.contains(name) == true && found?.expected.contains("without '..'") == true, "\(name)")
    }
    let link = error { _ = try TarArchive(bytes: Self.archive([Self.header("sys/evil", type: "2", link: "../../etc")]), file: "x.tar") }
    #expect(link?.expected.contains("stays inside") == true)
    let device = error { _ = try TarArchive(bytes: Self.archive([Self.header("dev/sda", type: "3")]), file: "x.tar") }
    #expect(device?.expected.contains("no device files") == true)
    let inside = try? TarArchive(bytes: Self.archive([Self.header("a/b", type: "2", link: "../c")]), file: "x.tar")
    #expect(inside?.entries.count == 1, "a link that stays inside is kept")
  }

  @Test func tarBombIsRefused() {
    let big = Self.header("sys/big", size: 4096) + [UInt8](repeating: 0x41, count: 4096)
    let found = error { _ = try TarArchive(bytes: Self.archive([big]), file: "x.tar", limits: .init(totalBytes: 1024, entries: 10)) }
    #expect(found?.expected.contains("tarball bomb") == true)
    let many = (0..<20).map { Self.header("sys/f\($0)") }
    let count = error { _ = try TarArchive(bytes: Self.archive(many), file: "x.tar", limits: .init(totalBytes: 1 << 20, entries: 10)) }
    #expect(count?.expected.contains("tarball bomb") == true)
    let truncated = error { _ = try TarArchive(bytes: Array(big.prefix(1000)), file: "x.tar") }
    #expect(truncated?.expected.contains("ends inside") == true)
  }
}
