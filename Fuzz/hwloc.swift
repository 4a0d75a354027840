import ZonelistCore

/// `--input --input-format hwloc`: see ``FuzzInput/machine(_:_:format:)``.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHwloc(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  FuzzInput.machine(bytes, count, format: .hwloc)
  return 0
}
