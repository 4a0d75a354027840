import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// A boot whose `vm` sysctls were rewritten phase by phase, `/proc/zoneinfo` read after each.
struct ZoneinfoFixture: CustomStringConvertible, Sendable {
  let name: String
  let path: String
  var description: String { name }

  static let all = BootFixture.folders("zoneinfo").map { ZoneinfoFixture(name: $0.name, path: $0.path) }

  var phases: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path + "/phases")) ?? []).sorted()
  }

  func text(_ file: String) throws -> String { try String(contentsOfFile: path + "/" + file, encoding: .utf8) }
}

/// The computed fields of one zone in a real `/proc/zoneinfo`.
struct KernelZoneFields: Equatable, CustomStringConvertible {
  var min = 0, low = 0, high = 0, promo: Int? = nil
  var protection: [Int] = []
  var batch: [Int] = []
  var pagesetHigh: [Int] = []
  var threshold: [Int] = []
  var description: String {
    "min \(min) low \(low) high \(high) promo \(promo.map(String.init) ?? "-") protection \(protection) batch \(Set(batch)) high: \(Set(pagesetHigh)) threshold \(Set(threshold))"
  }

  static func parse(_ text: String) -> [ZoneReference: KernelZoneFields] {
    var result: [ZoneReference: KernelZoneFields] = [:]
    var current: ZoneReference? = nil
    var inPagesets = false
    for line in text.split(separator: "\n") {
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "," })
      if line.hasPrefix("Node "), fields.count >= 4, let node = Int(fields[1]), let type = ZoneType(kernelName: String(fields[3])) {
        current = ZoneReference(node: NodeID(node), type: type)
        result[current!] = KernelZoneFields()
        inPagesets = false
        continue
      }
      guard let zone = current else { continue }
      let key = fields.first.map(String.init) ?? ""
      let value = fields.count > 1 ? Int(fields[1]) : nil
      if line.hasPrefix("  pagesets") { inPagesets = true }
      switch key {
      case "min" where !inPagesets && line.hasPrefix("        "): result[zone]!.min = value ?? -1
      case "low" where !inPagesets && line.hasPrefix("        "): result[zone]!.low = value ?? -1
      case "high" where !inPagesets && line.hasPrefix("        "): result[zone]!.high = value ?? -1
      case "promo": result[zone]!.promo = value
      case "protection:":
        let inside = line.split(separator: "(").last!.dropLast()
        result[zone]!.protection = inside.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
      case "batch:": result[zone]!.batch.append(value ?? -1)
      case "high:": result[zone]!.pagesetHigh.append(value ?? -1)
      case "vm" where line.contains("stats threshold:"): result[zone]!.threshold.append(Int(fields.last!) ?? -1)
      default: break
      }
    }
    return result
  }
}

@Suite struct ZoneinfoPhaseTests {
  /// Every phase of every capture: the model from the boot snapshot's zone sizes and the
  /// sysctls as written so far, against the kernel's zoneinfo after the phase.
  @Test(arguments: ZoneinfoFixture.all)
  func computedFieldsMatchTheKernelAfterEverySysctlWrite(_ fixture: ZoneinfoFixture) throws {
    let snapshot = try Sysroot.read(fixture.path)
    let profile = KernelProfile(version: try #require(snapshot.kernelVersion))
    var (tunables, found) = try Sysroot.tunables(fixture.path, zoneTypes: profile.zoneTypes)
    #expect(found.count == VMTunables.Name.allCases.count)
    let onlineCPUs = snapshot.topology.cpus.count
    let calculator = TuningCalculator(topology: snapshot.topology, profile: profile, onlineCPUCount: onlineCPUs)
    let phases = fixture.phases
    #expect(phases.count == 14, "\(fixture.name) has \(phases.count) phases, expected 14")
    for phase in phases {
      for line in try fixture.text("phases/\(phase)/status").split(separator: "\n") {
        let accepted = line.hasSuffix(" ok")
        let assignment = String(line.dropLast(accepted ? 3 : 6))
        var attempt = tunables
        let modelAccepts = (try? attempt.set(assignment, zoneTypes: profile.zoneTypes)) != nil
        #expect(modelAccepts == accepted, "\(fixture.name) \(phase): the kernel \(accepted ? "accepted" : "refused") \(assignment)")
        if accepted { tunables = attempt }
      }
      let report = calculator.compute(tunables)
      let kernel = KernelZoneFields.parse(try fixture.text("phases/\(phase)/zoneinfo"))
      for (zone, real) in kernel {
        let model = try #require(report.zones[zone], "\(fixture.name) \(phase): no model for \(zone)")
        var expected = real
        expected.min = model.min
        expected.low = model.low
        expected.high = model.high
        if real.promo != nil { expected.promo = model.promo }
        expected.protection = model.protection
        expected.batch = real.batch.map { _ in model.batch }
        expected.threshold = real.threshold.map { _ in model.statThreshold ?? -1 }
        // 6.1's pcp->high is a fixed value; 6.12's is auto-tuned at run time (see the README).
        if profile.version < KernelVersion(6, 7) { expected.pagesetHigh = real.pagesetHigh.map { _ in model.highMin } }
        #expect(real == expected, "\(fixture.name) \(phase) \(zone)")
      }
    }
  }

  @Test func zoneinfoFixturesCoverBothKernels() {
    BootFixture.expectCount("zoneinfo")
    #expect(ZoneinfoFixture.all.filter { $0.name.hasSuffix("-6.1") }.count == 8)
    #expect(ZoneinfoFixture.all.filter { $0.name.hasSuffix("-6.12") }.count == 8)
  }
}

/// The model never reads a zoneinfo's computed fields: a cut-down file gives the same numbers.
@Suite struct ZoneinfoInputTests {
  @Test(arguments: ZoneinfoFixture.all.prefix(4))
  func cutDownZoneinfoGivesTheSameNumbers(_ fixture: ZoneinfoFixture) throws {
    let full = try fixture.text("proc/zoneinfo")
    let kept = full.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
      line.hasPrefix("Node ") || ["spanned", "present", "managed"].contains(line.split(separator: " ").first.map(String.init) ?? "")
    }
    let cut = kept.joined(separator: "\n") + "\n"
    #expect(cut.count < full.count / 4)
    func report(_ zoneinfo: String) throws -> TuningReport {
      var files: [String: String] = [:]
      let root = URL(fileURLWithPath: fixture.path)
      for path in [SystemSnapshot.Path.possible, SystemSnapshot.Path.online, SystemSnapshot.Path.version, SystemSnapshot.Path.cpuOnline] {
        files[path] = try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
      }
      let directories = try FileManager.default.contentsOfDirectory(atPath: fixture.path + "/" + SystemSnapshot.Path.nodeRoot)
        .filter { $0.hasPrefix("node") }.compactMap { Int($0.dropFirst(4)) }
      for id in directories {
        for file in ["distance", "cpulist"] {
          files[SystemSnapshot.Path.node(id, file)] = try String(contentsOf: root.appendingPathComponent(SystemSnapshot.Path.node(id, file)), encoding: .utf8)
        }
      }
      files[SystemSnapshot.Path.zoneinfo] = zoneinfo
      let snapshot = try SystemSnapshot(files: files, nodeDirectories: directories, root: fixture.name)
      let profile = KernelProfile(version: try #require(snapshot.kernelVersion))
      return TuningCalculator(topology: snapshot.topology, profile: profile).compute(VMTunables())
    }
    #expect(try report(full).zones == report(cut).zones)
  }
}

/// The kernel's default `min_free_kbytes` (the THP recommendation on these machines),
/// computed from the boot snapshot, against the value the booted kernel chose.
@Suite struct DefaultMinFreeTests {
  @Test(arguments: ZoneinfoFixture.all)
  func defaultMinFreeKbytesMatchesTheBootValue(_ fixture: ZoneinfoFixture) throws {
    let snapshot = try Sysroot.read(fixture.path)
    let profile = KernelProfile(version: try #require(snapshot.kernelVersion))
    let booted = try #require(Int(try fixture.text("proc/sys/vm/min_free_kbytes").trimmingCharacters(in: .whitespacesAndNewlines)))
    var explain: [String: [String]] = [:]
    let computed = TuningCalculator(topology: snapshot.topology, profile: profile)
      .defaultMinFreeKibibytes(scaleFactor: 10, explain: &explain)
    #expect(computed == booted, "\(fixture.name): \(explain["global"] ?? [])")
  }
}
