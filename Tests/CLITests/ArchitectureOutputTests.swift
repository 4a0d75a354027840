import Foundation
import Testing

/// What `build` and `explain` say about the kernel's architecture, on captures of real
/// kernels of each (`Fixtures/arch`, `Fixtures/boot`).
@Suite struct ArchitectureOutputTests {
  static let fixtures = Tool.repositoryRoot.appendingPathComponent("Tests/ZonelistCoreTests/Fixtures").path
  static let i386 = fixtures + "/arch/i386-07-1g-6.1"
  static let arm64 = fixtures + "/arch/arm64-16-boot-cpu-on-node1-7.2"
  static let amd64 = fixtures + "/boot/03-two-nodes-default-6.12"

  /// A kernel without NUMA has one zonelist per node, no `policy_zone` and no `node_load[]`:
  /// the table and the JSON show none of them; a NUMA kernel's show all three.
  @Test func theTableAndJSONShowOnlyWhatTheKernelHas() throws {
    let flat = try Tool.run(["build", "--sysroot", Self.i386, "--format", "table"])
    #expect(flat.status == 0, "\(flat.stderr)")
    #expect(flat.stdout.contains("FALLBACK    : 0:HighMem 0:Normal 0:DMA"))
    for absent in ["NOFALLBACK", ", policy zone", "node_load after"] { #expect(!flat.stdout.contains(absent), "\(absent)") }
    let numa = try Tool.run(["build", "--sysroot", Self.arm64, "--format", "table"])
    for present in ["NOFALLBACK", ", policy zone DMA", "node_load after"] { #expect(numa.stdout.contains(present), "\(present)") }
    let json = try Tool.run(["build", "--sysroot", Self.i386, "--format", "json"])
    #expect(json.stdout.contains("\"numa\" : false"))
    #expect(!json.stdout.contains("policyZone") && !json.stdout.contains("thisNode"))
  }

  /// The CPU-penalty line names the architecture whose CPU bring-up fills the node masks.
  @Test(arguments: [(arm64, "arm64 adds CPUs"), (amd64, "x86 adds CPUs")])
  func explainNamesTheArchitecture(_ fixture: String, _ expected: String) throws {
    let result = try Tool.run(["explain", "--sysroot", fixture, "--node", "0"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("CPU penalty: none at boot (\(expected) to node masks after the boot build)"), "\(result.stdout)")
  }
}
