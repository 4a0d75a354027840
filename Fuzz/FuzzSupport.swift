import Foundation
import ZonelistCore
import ZonelistHarness

/// What every fuzz target shares: the input as bytes, split into sections, and a private
/// folder for targets that go through the CLI's own file reading.
enum FuzzInput {
  /// The fuzzer's bytes.
  static func data(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Data {
    Data(bytes: bytes, count: count)
  }

  /// Splits `data` at lines holding just `--` into at most `limit` sections; the last takes the rest.
  static func sections(_ data: Data, limit: Int) -> [Data] {
    // On the raw bytes: slicing and comparing `Data` per byte cost a quarter of a run.
    data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [Data] in
      let bytes = raw.bindMemory(to: UInt8.self)
      var result: [Data] = []
      var start = 0
      var index = 0
      while index + 4 <= bytes.count, result.count < limit - 1 {
        if bytes[index] == 0x0A, bytes[index + 1] == 0x2D, bytes[index + 2] == 0x2D, bytes[index + 3] == 0x0A {
          result.append(Data(UnsafeRawBufferPointer(rebasing: raw[start..<index])))
          index += 4
          start = index
        } else {
          index += 1
        }
      }
      result.append(Data(UnsafeRawBufferPointer(rebasing: raw[start..<bytes.count])))
      return result
    }
  }

  /// A folder of this process's own for the targets that go through the CLI's file reading.
  /// `Scripts/fuzz.sh` makes it (`ZONELIST_FUZZ_FOLDER`) and removes it afterwards.
  nonisolated(unsafe) static var folder: String = {
    if let folder = ProcessInfo.processInfo.environment["ZONELIST_FUZZ_FOLDER"] { return folder }
    // In memory where there is a tmpfs (/dev/shm): each input is written to a file.
    let base = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    var template = Array((base + "/zonelist-fuzz-XXXXXX").utf8CString)
    let path = template.withUnsafeMutableBufferPointer { buffer -> String in
      guard let result = mkdtemp(buffer.baseAddress!) else { fatalError("mkdtemp failed") }
      return String(cString: result)
    }
    return path
  }()

  /// The folders ``write(_:to:)`` has made.
  nonisolated(unsafe) static var folders: Set<String> = []

  /// Writes `data` to `relative` under ``folder`` (creating folders) and returns the full path;
  /// `nil` data removes the file.
  @discardableResult
  static func write(_ data: Data?, to relative: String) -> String {
    let path = folder + "/" + relative
    if let data {
      let parent = String(path[..<path.lastIndex(of: "/")!])
      if !folders.contains(parent) {
        try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        folders.insert(parent)
      }
      // Plain stdio: Data.write(to:) syncs the file to disk, which costs more than the parse.
      guard let file = fopen(path, "w") else { fatalError("cannot write \(path)") }
      let written = data.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
      guard written == data.count, fclose(file) == 0 else { fatalError("cannot write \(path)") }
    } else {
      unlink(path)
    }
    return path
  }

  /// An error must name a file and an expectation; a line past the end of the file it names
  /// (when that is one of `files`, by path suffix) is a bug too.
  static func check(_ error: ImportError, files: [String: Data] = [:]) {
    // fatalError, not precondition: an optimized build drops a precondition's message.
    if error.file.isEmpty { fatalError("an ImportError without a file: \(error)") }
    if error.expected.isEmpty { fatalError("an ImportError without an expectation: \(error)") }
    if error.line < 0 { fatalError("an ImportError with a negative line: \(error)") }
    for (path, text) in files where error.file.hasSuffix(path) {
      let lines = lineCount(text)
      if error.line > lines { fatalError("an ImportError naming line \(error.line) of a \(lines)-line file: \(error)") }
    }
  }

  /// Lines as the most generous reader counts them: breaks at LF, CR (CR LF once), and
  /// YAML's NEL, LS and PS.
  static func lineCount(_ text: Data) -> Int {
    let bytes = [UInt8](text)
    var count = 1
    var index = 0
    while index < bytes.count {
      switch bytes[index] {
      case 0x0A: count += 1
      case 0x0D: if index + 1 >= bytes.count || bytes[index + 1] != 0x0A { count += 1 }
      case 0xC2: if index + 1 < bytes.count && bytes[index + 1] == 0x85 { count += 1 }
      case 0xE2:
        if index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9) { count += 1 }
      default: break
      }
      index += 1
    }
    return count
  }

  /// Reads a snapshot the way `Sysroot.read` does after reading the files; errors are checked.
  @discardableResult
  static func snapshot(_ files: [String: Data], nodes: [Int], cpus: [Int] = []) -> SystemSnapshot? {
    do {
      return try Sysroot.snapshot(contents: files, nodeDirectories: nodes, cpuDirectories: cpus, root: "fuzz")
    } catch {
      check(error, files: files)
      return nil
    }
  }

  /// The sysfs files of a two-node machine (CPU 0 on node 0, CPU 1 on node 1), to change one file of.
  static let twoNodes: [String: Data] = [
    "sys/devices/system/node/online": "0-1\n", "sys/devices/system/node/possible": "0-1\n",
    "sys/devices/system/node/has_cpu": "0-1\n", "sys/devices/system/node/has_memory": "0-1\n",
    "sys/devices/system/node/has_normal_memory": "0-1\n",
    "sys/devices/system/cpu/online": "0-1\n", "sys/devices/system/cpu/possible": "0-1\n",
    "sys/devices/system/node/node0/cpulist": "0\n", "sys/devices/system/node/node1/cpulist": "1\n",
    "sys/devices/system/node/node0/distance": "10 20\n", "sys/devices/system/node/node1/distance": "20 10\n",
    "sys/devices/system/node/node0/meminfo": "Node 0 MemTotal:        1048576 kB\n",
    "sys/devices/system/node/node1/meminfo": "Node 1 MemTotal:        1048576 kB\n",
  ].mapValues { Data($0.utf8) }
}

extension FuzzInput {
  /// `--input --input-format FORMAT`: the bytes as the file's text (``ImportedMachine/read(_:file:format:)``);
  /// a machine read is also laid out and written in every export format.
  static func machine(_ bytes: UnsafePointer<UInt8>, _ count: Int, format: MachineFormat) {
    let input = data(bytes, count)
    guard let text = String(data: input, encoding: .utf8) else { return }
    let machine: ImportedMachine
    do { machine = try ImportedMachine.read(text, file: "input", format: format) } catch {
      check(error, files: ["input": input])
      return
    }
    // A machine the kernel cannot lay out (a spec error, not a reading error) is an outcome.
    guard let topology = try? machine.spec.topology(kernel: KernelVersion(6, 12)) else { return }
    // The exports grow with the square of the CPU ids (hwloc writes a cpuset per CPU, one word per
    // 32 ids): past 256 CPUs one execution wrote megabytes and the fuzzer ran at 400 inputs a second,
    // chasing `-smp 8192`. Larger machines are read and laid out, not exported.
    guard machine.spec.nodes.reduce(0, { $0 + $1.cpus.count }) <= 256 else { return }
    _ = NumactlHardware.text(topology)
    _ = MachineExport.topologyFile(machine.spec)
    _ = MachineExport.hwlocXML(machine.spec)
    _ = MachineExport.libvirtDomain(MachineExport.bootable(machine.spec).0)
  }
}
