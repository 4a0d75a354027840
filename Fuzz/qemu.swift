import ZonelistCore

/// `--input --input-format qemu`: see ``FuzzInput/machine(_:_:format:)``.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQemu(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  FuzzInput.machine(bytes, count, format: .qemu)
  return 0
}
