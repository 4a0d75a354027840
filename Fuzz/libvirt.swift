import ZonelistCore

/// `--input --input-format libvirt`: see ``FuzzInput/machine(_:_:format:)``.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLibvirt(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  FuzzInput.machine(bytes, count, format: .libvirt)
  return 0
}
