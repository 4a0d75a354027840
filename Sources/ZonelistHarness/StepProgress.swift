public import ZonelistCore

/// Shows a long step's progress on a terminal: once a step has run for a second, one line,
/// rewritten in place, `step N/M: D of A pages`, ended when the step ends; steps that take
/// less show nothing. Also counts steps for workloads of many short steps.
///
/// The clock and the sink are given, so the reporter is tested without a terminal or time passing.
public struct StepProgress {
  /// Seconds since some fixed point.
  private let now: () -> Double
  private let write: (String) -> Void
  /// How long a step runs before its progress shows, and how often the line is rewritten.
  private let after: Double
  private let every: Double
  private var step = 0
  private var stepStart = 0.0
  private var lastShown: Double? = nil

  public init(after: Double = 1, every: Double = 0.2, now: @escaping () -> Double, write: @escaping (String) -> Void) {
    self.now = now
    self.write = write
    self.after = after
    self.every = every
  }

  /// Notes where the run is.
  public mutating func report(_ progress: WorkloadRun.Progress) {
    let time = now()
    if progress.step != step {
      step = progress.step
      stepStart = time
      lastShown = nil
    }
    let line = "\rstep \(progress.step)/\(progress.steps): \(progress.pagesDone) of \(progress.pagesAsked) pages"
    if progress.stepFinished {
      if lastShown != nil { write(line + "\n") }
      lastShown = nil
      return
    }
    guard time - stepStart >= after, lastShown.map({ time - $0 >= every }) ?? true else { return }
    write(line)
    lastShown = time
  }
}
