import ArgumentParser
import Foundation
import ZonelistCore
import ZonelistHarness

struct CaptureCasesCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "capture-cases",
    abstract: "Boot the cases of a case list (raw QEMU options, dax/kmem, QMP hot-add) on kernel images and store fixtures.",
    discussion: """
      Each case becomes <output-root>/<case>-<series>/ (series from the guest's /proc/version): a
      sysroot snapshot, dmesg, qemu-args and case.md. Existing folders are kept (the boot is skipped).
      The case list format is documented in Scripts/tiers-capture/README.md.
      """)

  @Option(help: "The case list (YAML).") var cases: String
  @Option(help: "A kernel image to boot (repeat for several kernels).") var kernelImage: [String]
  @Option(help: "The folder that receives one folder per case and kernel.") var outputRoot: String
  @Option(help: "Only this case (repeatable); default: every case.") var `case`: [String] = []
  @Option(help: "Guests booted at once (1 or 2).") var jobs: Int = 2
  @Option(help: "Seconds to wait for each guest.") var timeout: Double = 600

  func validate() throws {
    guard (1...2).contains(jobs) else { throw ValidationError("'--jobs' is 1 or 2 (QEMU software emulation is CPU-bound).") }
    guard !kernelImage.isEmpty else { throw ValidationError("give at least one '--kernel-image'.") }
  }

  func run() async throws {
    let list = try reportingErrors { try CaptureCase.load(path: cases) }
    for name in `case` where !list.contains(where: { $0.name == name }) {
      Output.error("\(cases) has no case named '\(name)'")
      throw ExitCode.validationFailure
    }
    var work: [(CaptureCase, String)] = []
    for entry in list where `case`.isEmpty || `case`.contains(entry.name) {
      for image in kernelImage {
        guard let series = CaptureCase.release(ofImage: image).flatMap(CaptureCase.series(of:)) else {
          Output.error("cannot tell the kernel release from the image name \(image) (expected …/vmlinuz-RELEASE or …/modules/RELEASE/vmlinuz)")
          throw ExitCode.validationFailure
        }
        if let kernels = entry.kernels, !kernels.contains(series) { continue }
        if FileManager.default.fileExists(atPath: "\(outputRoot)/\(entry.name)-\(series)") { continue }
        work.append((entry, image))
      }
    }
    let failures = boot(work)
    for failure in failures { Output.error(failure) }
    if !failures.isEmpty { throw ExitCode.failure }
  }

  /// Boots the cases, `jobs` at a time; returns the failures.
  func boot(_ work: [(CaptureCase, String)]) -> [String] {
    let failures = CaptureFailures()
    let queue = OperationQueue()
    queue.maxConcurrentOperationCount = jobs
    for (entry, image) in work {
      let home = FileManager.default.homeDirectoryForCurrentUser.path
      let shownImage = image.hasPrefix(home + "/") ? "~" + image.dropFirst(home.count) : image
      let command = "zonelist capture-cases --cases \(cases) --case \(entry.name) --kernel-image \(shownImage) --output-root \(outputRoot)"
      let (root, seconds) = (outputRoot, timeout)
      queue.addOperation {
        do {
          let folder = try entry.capture(kernelImage: image, outputRoot: root, timeout: seconds, command: command)
          print("captured \(folder)")
        } catch {
          failures.add("\(entry.name) on \(image): \(error)")
        }
      }
    }
    queue.waitUntilAllOperationsAreFinished()
    return failures.all
  }
}

final class CaptureFailures: @unchecked Sendable {
  private let lock = NSLock()
  private var list: [String] = []
  func add(_ message: String) {
    lock.lock()
    list.append(message)
    lock.unlock()
  }
  var all: [String] {
    lock.lock()
    defer { lock.unlock() }
    return list
  }
}
