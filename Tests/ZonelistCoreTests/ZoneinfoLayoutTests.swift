import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// `zonelist zoneinfo --format zoneinfo` against the real `/proc/zoneinfo` of every boot
/// fixture, in every proven series: the same lines, padded the same way, in the same order,
/// once the run-time lines the model does not compute are taken out of the kernel's file.
@Suite struct ZoneinfoLayoutTests {
  /// The model's zoneinfo and the kernel's computed lines, for one boot.
  static func both(_ fixture: BootFixture) throws -> (model: [Substring], kernel: [Substring], layout: ZoneinfoLayout) {
    let snapshot = try fixture.snapshot()
    let version = try #require(snapshot.kernelVersion)
    let profile = KernelProfile(version: version)
    let report = TuningCalculator(topology: snapshot.topology, profile: profile).compute(VMTunables())
    let model = ZoneinfoFormat.text(report, topology: snapshot.topology, profile: profile, onlineCPUs: snapshot.topology.cpus)
    let layout = ZoneinfoLayout(version: version)
    let real = try String(contentsOfFile: fixture.path + "/proc/zoneinfo", encoding: .utf8)
    let kernel = real.split(separator: "\n").filter { ZoneinfoFormat.isComputedLine($0, layout: layout) }
    return (model.split(separator: "\n"), kernel, layout)
  }

  /// Digits become `#`, so that the comparison is about lines and padding alone.
  static func shape(_ line: Substring) -> String {
    var out = ""
    var lastWasDigit = false
    for character in line {
      let digit = character.isASCII && character.isNumber
      if digit && !lastWasDigit { out.append("#") }
      if !digit { out.append(character) }
      lastWasDigit = digit
    }
    return out
  }

  @Test(arguments: BootFixture.all)
  func layoutMatchesTheKernelLineForLine(_ fixture: BootFixture) throws {
    let (model, kernel, layout) = try Self.both(fixture)
    #expect(layout.isKnown)
    #expect(model.count == kernel.count, "\(fixture.name): \(model.count) lines vs the kernel's \(kernel.count)")
    for (index, (ours, theirs)) in zip(model, kernel).enumerated() where Self.shape(ours) != Self.shape(theirs) {
      Issue.record("\(fixture.name) line \(index + 1): '\(ours)' is laid out unlike the kernel's '\(theirs)'")
      break
    }
    // Lines that depend neither on min_free_kbytes (which a boot snapshot does not hold) nor
    // finely on the managed pages of the boot's early initcalls (watermarks, high_max: exact
    // after a rewrite, see ZoneinfoTextTests) are the kernel's to the digit: sizes, batch,
    // thresholds, and 5.10's static high (6 * batch).
    for (index, (ours, theirs)) in zip(model, kernel).enumerated() where Self.isExactAtBoot(theirs, layout: layout) && ours != theirs {
      Issue.record("\(fixture.name) line \(index + 1): '\(ours)', the kernel printed '\(theirs)'")
      break
    }
  }

  static func isExactAtBoot(_ line: Substring, layout: ZoneinfoLayout) -> Bool {
    let key = line.split(separator: " ").first ?? ""
    return ["Node", "spanned", "present", "managed", "cma", "boost", "pagesets", "cpu:", "batch:", "vm"].contains(key)
      || (key == "high:" && !layout.hasBoostAndCMA)
  }

  /// Every series of the fixtures, with the lines that set it apart: no `boost`/`cma` in 5.10,
  /// `promo` from 6.12, padded page sets with `high_min:`/`high_max:` in 7.2.
  @Test func everyProvenSeriesIsCoveredWithItsOwnLines() throws {
    var seen: [String: Set<String>] = [:]
    for series in KernelProfile.provenSeries {
      let fixture = try #require(BootFixture.all.first { $0.name.hasSuffix("-\(series)") }, "no \(series) boot")
      let (model, _, _) = try Self.both(fixture)
      let series = try #require(try fixture.snapshot().kernelVersion).series
      for line in model { seen[series, default: []].insert(String(line.split(separator: " ").first ?? "")) }
    }
    #expect(Set(seen.keys) == KernelProfile.provenSeries)
    #expect(seen["5.10"]?.contains("boost") == false && seen["5.10"]?.contains("high:") == true)
    #expect(seen["6.1"]?.contains("boost") == true && seen["6.1"]?.contains("promo") == false)
    #expect(seen["6.12"]?.contains("promo") == true && seen["6.12"]?.contains("high:") == false)
    #expect(seen["7.2"]?.contains("high_min:") == true && seen["7.2"]?.contains("high_max:") == true)
  }

  /// Series whose layout was neither read nor seen are said to be assumed.
  @Test func unknownLayoutsAreAssumptions() {
    #expect(ZoneinfoLayout.diagnostics(for: KernelVersion(6, 12, 117)).isEmpty)
    #expect(ZoneinfoLayout.diagnostics(for: KernelVersion(6, 15)) == [.zoneinfoLayoutAssumed(release: KernelVersion(6, 15))])
    #expect(ZoneinfoLayout.diagnostics(for: KernelVersion(5, 15)).first?.relies == [.zoneinfoLayout])
  }
}

/// After the sysctls are written back unchanged (phase `01-same`), the kernel's zoneinfo,
/// less its run-time lines, is the model's text character for character, in 6.1 and 6.12.
@Suite struct ZoneinfoTextTests {
  @Test(arguments: ZoneinfoFixture.all)
  func textEqualsTheKernelsAfterARewrite(_ fixture: ZoneinfoFixture) throws {
    let snapshot = try Sysroot.read(fixture.path)
    let profile = KernelProfile(version: try #require(snapshot.kernelVersion))
    let (tunables, _) = try Sysroot.tunables(fixture.path, zoneTypes: profile.zoneTypes)
    let report = TuningCalculator(topology: snapshot.topology, profile: profile).compute(tunables)
    let model = ZoneinfoFormat.text(report, topology: snapshot.topology, profile: profile, onlineCPUs: snapshot.topology.cpus)
    let layout = ZoneinfoLayout(version: profile.version)
    let real = try fixture.text("phases/01-same/zoneinfo").split(separator: "\n")
      .filter { ZoneinfoFormat.isComputedLine($0, layout: layout) }
    #expect(model.split(separator: "\n") == real, "\(fixture.name)")
  }
}
