import ZonelistCore

/// `--input --input-format numactl`: see ``FuzzInput/machine(_:_:format:)``.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNumactl(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  FuzzInput.machine(bytes, count, format: .numactl)
  return 0
}
