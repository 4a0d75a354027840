import Foundation
import Testing
import ZonelistCore
import ZonelistHarness

/// `simulate --stop-at-failure`, Ctrl-C and the progress line.
@Suite struct SimulateControlTests {
  /// A 256 MiB one-node machine and a workload asking for more than it has, then a small step.
  static func overcommit() throws -> (topology: String, workload: String) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("simulate-control-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let topology = directory.appendingPathComponent("machine.yaml").path
    try "kernel: \"6.12\"\nnodes:\n  - id: 0\n    cpus: 0-1\n    memory: 256M\n".write(toFile: topology, atomically: true, encoding: .utf8)
    let workload = directory.appendingPathComponent("workload.yaml").path
    try "start: free\nsteps:\n  - cpu: 0\n    pages: 100\n  - cpu: 0\n    allocate: 1G\n  - cpu: 1\n    pages: 10\n"
      .write(toFile: workload, atomically: true, encoding: .utf8)
    return (topology, workload)
  }

  struct Output: Decodable {
    struct Step: Decodable {
      var step: Int
      var failures: Int
      var pages: [String: Int]
    }
    var steps: [Step]
  }

  @Test func stopAtFailureEndsTheWorkloadAtTheFirstFailedAllocation() throws {
    let (topology, workload) = try Self.overcommit()
    let whole = try Tool.run(["simulate", "--topology", topology, "--workload", workload, "--format", "json"])
    #expect(whole.status == 0, "\(whole.stderr)")
    let all = try JSONDecoder().decode(Output.self, from: Data(whole.stdout.utf8))
    #expect(all.steps.map(\.step) == [1, 2, 3])
    let failures = try #require(all.steps.dropFirst().first?.failures)
    try #require(failures > 1, "the second step should fail many times over")

    let stopped = try Tool.run(["simulate", "--topology", topology, "--workload", workload, "--format", "json", "--stop-at-failure"])
    #expect(stopped.status == 0, "\(stopped.stderr)")
    let cut = try JSONDecoder().decode(Output.self, from: Data(stopped.stdout.utf8))
    #expect(cut.steps.map(\.step) == [1, 2])
    #expect(cut.steps.last?.failures == 1)
    // Up to the failure the step went as it did without the flag: same pages served.
    #expect(cut.steps.last?.pages == all.steps[1].pages)
    #expect(stopped.stderr.contains("step 2's allocation failed: the workload ends there (--stop-at-failure)"))
  }

  /// Under a pseudo-terminal (script(1)) a long step shows its progress; SIGINT then ends the
  /// run with status 130, printing the steps finished before it.
  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1)"))
  func progressShowsOnATerminalAndSIGINTPrintsTheFinishedSteps() throws {
    let (topology, _) = try Self.overcommit()
    let directory = URL(fileURLWithPath: topology).deletingLastPathComponent()
    // A second step that fails page after page for as long as it is let run.
    let workload = directory.appendingPathComponent("endless.yaml").path
    try "start: free\nsteps:\n  - cpu: 0\n    pages: 100\n  - cpu: 0\n    allocate: 1G\n    repeat: 1000000\n  - cpu: 1\n    pages: 10\n"
      .write(toFile: workload, atomically: true, encoding: .utf8)
    let pidFile = directory.appendingPathComponent("pid").path
    let command = "echo $$ > \(pidFile); exec \(Tool.binary) simulate --topology \(topology) --workload \(workload)"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    process.arguments = ["-qefc", command, "/dev/null"]
    let output = Pipe()
    process.standardOutput = output
    process.standardInput = Pipe()
    try process.run()
    // Read the terminal until the second step's progress line shows, then interrupt.
    var seen = Data()
    let handle = output.fileHandleForReading
    while !String(decoding: seen, as: UTF8.self).contains("step 2/3: ") {
      let chunk = handle.availableData
      if chunk.isEmpty { break }
      seen.append(chunk)
    }
    let text = String(decoding: seen, as: UTF8.self)
    try #require(text.contains("step 2/3: "), "no progress line: \(text)")
    #expect(text.contains(" pages"))
    let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
    kill(pid, SIGINT)
    seen.append(handle.readDataToEndOfFile())
    process.waitUntilExit()
    let all = String(decoding: seen, as: UTF8.self)
    #expect(process.terminationStatus == 130, "\(all)")
    #expect(all.contains("step 1: CPU 0 default 100 pages order 0"))
    #expect(!all.contains("\nstep 2: "))
    #expect(all.contains("interrupted (SIGINT) during step 2: the steps before it are shown"))
  }

  /// The progress line: nothing for a step's first second, then a line rewritten in place at
  /// most every fifth of a second, ended when the step ends; a quick step shows nothing.
  @Test func progressShowsOnlyForStepsLongerThanASecond() {
    var time = 0.0
    var written: [String] = []
    var reporter = StepProgress(now: { time }, write: { written.append($0) })
    func report(_ step: Int, _ done: Int, finished: Bool = false) {
      reporter.report(WorkloadRun.Progress(step: step, steps: 2, pagesDone: done, pagesAsked: 1000, stepFinished: finished))
    }
    report(1, 10)
    time = 0.5
    report(1, 500)
    time = 0.9
    report(1, 1000, finished: true)
    #expect(written.isEmpty)
    time = 1.0
    report(2, 0)
    time = 2.1
    report(2, 300)
    time = 2.2
    report(2, 350)
    time = 2.5
    report(2, 600)
    time = 3.0
    report(2, 1000, finished: true)
    #expect(written == ["\rstep 2/2: 300 of 1000 pages", "\rstep 2/2: 600 of 1000 pages", "\rstep 2/2: 1000 of 1000 pages\n"])
  }
}
