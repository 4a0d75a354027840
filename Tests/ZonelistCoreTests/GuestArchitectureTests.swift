import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// What a guest of each architecture boots with, and the refusals before QEMU starts.
@Suite struct GuestArchitectureTests {
  /// A header as the x86 boot protocol lays it out: `HdrS` at 0x202, `xloadflags` at 0x236.
  static func bzImage(kernel64: Bool) -> [UInt8] {
    var header = [UInt8](repeating: 0, count: 0x240)
    header.replaceSubrange(0x202..<0x206, with: Array("HdrS".utf8))
    header[0x236] = kernel64 ? 0x7F : 0x00
    return header
  }

  @Test func theImageHeaderNamesTheArchitecture() {
    #expect(KernelImage.architecture(header: Self.bzImage(kernel64: true)) == .x86_64)
    #expect(KernelImage.architecture(header: Self.bzImage(kernel64: false)) == .x86_32)
    var image = [UInt8](repeating: 0, count: 0x40)
    image.replaceSubrange(0x38..<0x3C, with: [0x41, 0x52, 0x4D, 0x64])
    #expect(KernelImage.architecture(header: image) == .arm64)
    #expect(KernelImage.architecture(header: [0x1F, 0x8B, 8, 0]) == .arm64)
    #expect(KernelImage.architecture(header: Array("#!/bin/sh\n".utf8)) == nil)
  }

  @Test func aKernelOfAnotherArchitectureIsRefusedBeforeBooting() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("bzimage-\(UUID().uuidString)").path
    try Data(Self.bzImage(kernel64: false)).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    try KernelImage.check(path, expected: .x86_32, what: "the topology's architecture")
    #expect {
      try KernelImage.check(path, expected: .arm64, what: "the topology's architecture")
    } throws: { error in
      (error as? HarnessError)?.description
        == "kernel image \(path) is built for x86_32 (i386), but the topology's architecture is arm64 (arm64): give a arm64 image (Scripts/fetch-kernels.sh --arch arm64) or change the architecture"
    }
  }

  @Test func eachArchitectureBootsOnItsOwnMachineAndConsole() {
    #expect(Architecture.arm64.qemuProgram == "qemu-system-aarch64")
    #expect(Architecture.x86_32.qemuProgram == "qemu-system-i386")
    #expect(Architecture.arm64.commandLine(QEMURunner.baseCommandLine) == "console=ttyAMA0 panic=-1 loglevel=7 mminit_loglevel=4")
    #expect(Architecture.x86_32.commandLine(QEMURunner.baseCommandLine) == QEMURunner.baseCommandLine)
    #expect(Architecture(name: "i386") == .x86_32 && Architecture(name: "arm64") == .arm64 && Architecture(name: "x86_64") == .x86_64)
    #expect(Architecture(name: "sparc") == nil)
  }

  @Test func arm64TopologiesBootOnVirtWithTheirOwnNodeIDs() throws {
    var spec = MachineSpec(nodes: [
      .init(id: 0, cpus: [], memoryBytes: 1 << 30), .init(id: 1, cpus: [0], memoryBytes: 1 << 30),
    ])
    spec.architecture = .arm64
    let arguments = try QEMUArguments(spec)
    #expect(Array(arguments.machineOptions.prefix(4)) == ["-machine", "virt", "-cpu", "max"])
    #expect(arguments.linuxNodeIDs == [0: 0, 1: 1])
    spec.architecture = .x86_64
    #expect(try QEMUArguments(spec).linuxNodeIDs == [0: 1, 1: 0])
  }

  /// A busybox of another architecture cannot run in the guest: refused by name.
  @Test func aBusyboxOfAnotherArchitectureIsRefused() throws {
    let busybox = FileManager.default.temporaryDirectory.appendingPathComponent("busybox-\(UUID().uuidString)")
    var elf = Data([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1]) + Data(count: 0x80)
    elf[0x12] = 62  // EM_X86_64
    elf[0x20] = 0x40
    elf[0x36] = 0x38
    try elf.write(to: busybox)
    defer { try? FileManager.default.removeItem(at: busybox) }
    #expect(try Initramfs.locateBusybox(architecture: .x86_64, environment: ["BUSYBOX": busybox.path]) == busybox.path)
    #expect {
      _ = try Initramfs.locateBusybox(architecture: .arm64, environment: ["BUSYBOX_ARM64": busybox.path, "ZONELIST_KERNEL_DIR": "/nonexistent"])
    } throws: { error in
      (error as? HarnessError)?.description
        == "\(busybox.path) is not a arm64 program: run Scripts/fetch-kernels.sh --arch arm64 (it fetches arm64's busybox-static)"
    }
  }
}
