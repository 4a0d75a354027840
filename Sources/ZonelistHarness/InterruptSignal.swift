import Dispatch
import Foundation
import Synchronization

/// Ctrl-C (SIGINT) noted rather than ending the process: a long run asks ``isRaised`` at its
/// checkpoints and ends cleanly, showing what it finished.
public final class InterruptSignal {
  private final class Flag: Sendable {
    let raised = Atomic<Bool>(false)
  }
  private let flag = Flag()
  private let source: any DispatchSourceSignal

  /// The exit status of a run that SIGINT ended: 128 + the signal's number, as a shell reports it.
  public static let exitStatus: Int32 = 128 + SIGINT

  /// Starts catching SIGINT (its default action, ending the process, is off until ``stop()``).
  public init() {
    signal(SIGINT, SIG_IGN)
    source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    source.setEventHandler { [flag] in flag.raised.store(true, ordering: .relaxed) }
    source.resume()
  }

  /// Whether SIGINT has arrived.
  public var isRaised: Bool { flag.raised.load(ordering: .relaxed) }

  /// Restores SIGINT's default action.
  public func stop() {
    source.cancel()
    signal(SIGINT, SIG_DFL)
  }
}
