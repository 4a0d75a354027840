/// Per allocation run, how far the model may be from the kernel: the worst reached when the run
/// was recorded (all re-recorded in session 8 when the simulator took the snapshot's stated
/// watermarks: `Scripts/alloc-capture/tolerances.py`), rounded up to 0.1 and 0.1 added (percent), so that a run within 0.3% does not
/// drift to 3% unnoticed. Above 1% the reason is in Docs/verification.md, and the run's
/// boot-to-boot spread (``measuredSpread``) must be at least as large. A new fixture needs its
/// entry (`AllocationFixtureTests` prints the figures).
struct AllocationTolerance: Sendable {
  /// Pages per node and step, percent of the step.
  let placement: Double
  /// Free pages (buddy plus per-CPU lists) per zone and step, percent of the zone's managed pages.
  let free: Double
  /// Pages per node and step from the snapshot without `proc/pagetypeinfo` (nil: the run's
  /// snapshot has none, `placement` is that case).
  let placementWithoutPagetypeinfo: Double?

  init(_ placement: Double, free: Double, withoutPagetypeinfo: Double?) {
    self.placement = placement
    self.free = free
    placementWithoutPagetypeinfo = withoutPagetypeinfo
  }

  static let fixtureCount = 80
  static let withoutPagetypeinfoCount = 26
  /// Placement, free pages, placement without `pagetypeinfo` (nil where the snapshot has none).
  static let byRun: [String: AllocationTolerance] = [
    "churn-four-steps-6.1": .init(0.3, free: 0.2, withoutPagetypeinfo: 0.4),
    "churn-four-steps-6.12": .init(3.7, free: 2.2, withoutPagetypeinfo: 2.1),
    "churn-four-steps-timed-6.12": .init(1.8, free: 1.0, withoutPagetypeinfo: 1.8),
    "decay-idle-6.1": .init(0.3, free: 0.3, withoutPagetypeinfo: 0.3),
    "decay-idle-6.12": .init(0.8, free: 0.7, withoutPagetypeinfo: 0.8),
    "expire-remote-6.1": .init(1.1, free: 1.1, withoutPagetypeinfo: nil),
    "expire-remote-6.12": .init(0.7, free: 0.6, withoutPagetypeinfo: nil),
    // Held-out batch 2 (session 8, Docs/verification.md "Held-out batch 2").
    "h2-four-hotadd-6.1": .init(0.6, free: 0.7, withoutPagetypeinfo: 0.6),
    "h2-four-hotadd-6.12": .init(0.9, free: 1.5, withoutPagetypeinfo: 0.9),
    "h2-four-tie-6.1": .init(1.3, free: 0.6, withoutPagetypeinfo: 1.3),
    "h2-four-tie-6.12": .init(1.1, free: 0.7, withoutPagetypeinfo: 1.1),
    "h2-four-weighted-6.1": .init(1.1, free: 0.6, withoutPagetypeinfo: nil),
    "h2-four-weighted-6.12": .init(0.9, free: 0.5, withoutPagetypeinfo: nil),
    "h2-initrd-spill-6.1": .init(1.1, free: 1.1, withoutPagetypeinfo: 1.1),
    "h2-initrd-spill-6.12": .init(1.9, free: 1.3, withoutPagetypeinfo: 1.9),
    "h2-onegig-spill-6.1": .init(0.5, free: 0.5, withoutPagetypeinfo: nil),
    "h2-onegig-spill-6.12": .init(1.6, free: 1.3, withoutPagetypeinfo: nil),
    "h2-onegig-thp-6.1": .init(0.1, free: 0.3, withoutPagetypeinfo: 0.1),
    "h2-onegig-thp-6.12": .init(0.5, free: 0.4, withoutPagetypeinfo: 0.5),
    // Held-out runs (sim-heldout, Docs/verification.md "held-out runs").
    "ho-asym-spill3-6.1": .init(0.2, free: 0.4, withoutPagetypeinfo: nil),
    "ho-asym-spill3-6.12": .init(0.9, free: 2.1, withoutPagetypeinfo: nil),
    "ho-asym-thp-6.1": .init(0.9, free: 0.9, withoutPagetypeinfo: 0.9),
    "ho-asym-thp-6.12": .init(0.8, free: 13.1, withoutPagetypeinfo: 0.8),
    "ho-memless-local-6.1": .init(1.8, free: 1.3, withoutPagetypeinfo: 1.8),
    "ho-memless-local-6.12": .init(1.3, free: 1.4, withoutPagetypeinfo: 1.3),
    "ho-memless-mix-6.1": .init(0.5, free: 0.4, withoutPagetypeinfo: 0.5),
    "ho-memless-mix-6.12": .init(1.6, free: 1.6, withoutPagetypeinfo: 1.6),
    "ho-six-mixed-6.1": .init(0.3, free: 0.4, withoutPagetypeinfo: nil),
    "ho-six-mixed-6.12": .init(0.9, free: 0.8, withoutPagetypeinfo: nil),
    "ho-six-prefmany-6.1": .init(0.2, free: 0.4, withoutPagetypeinfo: nil),
    "ho-six-prefmany-6.12": .init(1.5, free: 6.0, withoutPagetypeinfo: nil),
    "ho-three-bind-6.1": .init(0.4, free: 1.3, withoutPagetypeinfo: nil),
    "ho-three-bind-6.12": .init(2.7, free: 4.7, withoutPagetypeinfo: nil),
    "ho-three-interleave-6.1": .init(0.5, free: 0.4, withoutPagetypeinfo: 0.5),
    "ho-three-interleave-6.12": .init(2.2, free: 1.9, withoutPagetypeinfo: 2.2),
    "interleave-spill-6.1": .init(0.3, free: 0.4, withoutPagetypeinfo: 0.3),
    "interleave-spill-6.12": .init(0.9, free: 2.2, withoutPagetypeinfo: 0.9),
    "memoryless-cpu-6.1": .init(0.3, free: 0.3, withoutPagetypeinfo: 0.3),
    "memoryless-cpu-6.12": .init(0.3, free: 0.3, withoutPagetypeinfo: 0.3),
    "memoryless-ties-6.1": .init(0.2, free: 1.2, withoutPagetypeinfo: 0.2),
    "memoryless-ties-6.12": .init(1.4, free: 1.0, withoutPagetypeinfo: 1.4),
    "normal-only-6.1": .init(0.2, free: 0.2, withoutPagetypeinfo: 0.2),
    "normal-only-6.12": .init(0.2, free: 0.2, withoutPagetypeinfo: 0.2),
    "pcp-stranding-6.1": .init(0.2, free: 0.3, withoutPagetypeinfo: 0.2),
    "pcp-stranding-6.12": .init(1.7, free: 1.7, withoutPagetypeinfo: 1.7),
    "pcp-stranding-timed-6.12": .init(1.3, free: 1.4, withoutPagetypeinfo: 1.3),
    "policies-6.1": .init(0.1, free: 0.2, withoutPagetypeinfo: 0.1),
    "policies-6.12": .init(0.1, free: 0.2, withoutPagetypeinfo: 0.1),
    "policies-many-6.1": .init(0.7, free: 0.7, withoutPagetypeinfo: 0.7),
    "policies-many-6.12": .init(0.3, free: 0.3, withoutPagetypeinfo: 0.3),
    "prefmany-spill-6.1": .init(0.2, free: 0.3, withoutPagetypeinfo: nil),
    "prefmany-spill-6.12": .init(0.5, free: 1.2, withoutPagetypeinfo: nil),
    "six-boot-order-6.1": .init(0.9, free: 1.1, withoutPagetypeinfo: 0.9),
    "six-boot-order-6.12": .init(1.1, free: 1.0, withoutPagetypeinfo: 1.1),
    "six-hotadd-6.1": .init(0.3, free: 0.3, withoutPagetypeinfo: 0.3),
    "six-hotadd-6.12": .init(0.9, free: 1.1, withoutPagetypeinfo: 0.9),
    "slow-spill-6.1": .init(0.4, free: 0.3, withoutPagetypeinfo: 0.4),
    "slow-spill-6.12": .init(0.2, free: 0.2, withoutPagetypeinfo: 0.2),
    "spill-asym-6.1": .init(0.3, free: 0.3, withoutPagetypeinfo: 0.3),
    "spill-asym-6.12": .init(0.6, free: 0.5, withoutPagetypeinfo: 0.6),
    "spill-two-nodes-6.1": .init(0.2, free: 0.2, withoutPagetypeinfo: 0.2),
    "spill-two-nodes-6.12": .init(0.6, free: 0.6, withoutPagetypeinfo: 0.6),
    "thp-always-6.1": .init(0.1, free: 0.2, withoutPagetypeinfo: 0.1),
    "thp-always-6.12": .init(0.2, free: 0.5, withoutPagetypeinfo: 0.2),
    "thp-madvise-6.1": .init(0.1, free: 0.2, withoutPagetypeinfo: nil),
    "thp-madvise-6.12": .init(2.2, free: 13.5, withoutPagetypeinfo: nil),
    "thp-policies-6.1": .init(0.1, free: 0.7, withoutPagetypeinfo: 0.1),
    "thp-policies-6.12": .init(1.2, free: 2.0, withoutPagetypeinfo: 1.2),
    "three-ties-boot-6.1": .init(0.4, free: 0.4, withoutPagetypeinfo: nil),
    "three-ties-boot-6.12": .init(0.9, free: 0.8, withoutPagetypeinfo: nil),
    "three-ties-hotadd-6.1": .init(0.3, free: 0.3, withoutPagetypeinfo: 0.3),
    "three-ties-hotadd-6.12": .init(0.6, free: 1.0, withoutPagetypeinfo: 0.6),
    "three-ties-movable-6.1": .init(0.2, free: 0.4, withoutPagetypeinfo: nil),
    "three-ties-movable-6.12": .init(0.3, free: 1.4, withoutPagetypeinfo: nil),
    "ties-uniform-6.1": .init(1.1, free: 1.4, withoutPagetypeinfo: nil),
    "ties-uniform-6.12": .init(2.6, free: 3.3, withoutPagetypeinfo: nil),
    "weighted-6.1": .init(0.1, free: 0.2, withoutPagetypeinfo: 0.1),
    "weighted-6.12": .init(0.9, free: 6.1, withoutPagetypeinfo: 0.9),
    "weighted-six-6.1": .init(0.1, free: 0.3, withoutPagetypeinfo: nil),
    "weighted-six-6.12": .init(0.6, free: 1.3, withoutPagetypeinfo: nil),
  ]

  /// The kernel's own boot-to-boot spread of a run (percent of the step: over three boots of the
  /// same run on the same kernel, six for ho-three-interleave-6.12, the largest max − min of one
  /// node's pages in one step), for every run whose placement tolerance is above 1%. Measured with
  /// `Scripts/alloc-capture/spread.py` (Docs/verification.md, "Boot-to-boot spread"); the comment
  /// gives the step and the boots.
  static let measuredSpread: [String: Double] = [
    "churn-four-steps-6.12": 4.39,  // step 6 node 0: 61019, 58139, 60621 of 65536
    "churn-four-steps-timed-6.12": 6.48,  // step 6 node 0: 56075, 55676, 59926 of 65536
    "memoryless-ties-6.12": 8.96,  // step 3 node 1: 27338, 23666, 23683 of 40960 (step 2: 0.00%)
    "pcp-stranding-6.12": 3.80,  // step 3 node 0: 101775, 101281, 97419 of 114688
    "pcp-stranding-timed-6.12": 3.84,  // step 3 node 0: 103699, 100305, 99296 of 114688
    "six-boot-order-6.12": 8.26,  // step 2 node 1: 18417, 17947, 23361 of 65536
    "thp-madvise-6.12": 11.46,  // step 4 node 0: 8704, 4096, 3072 of 49152
    "thp-policies-6.12": 2.08,  // step 3 node 0: 33792, 32768, 32768 of 49152
    "ties-uniform-6.1": 7.56,  // step 4 node 0: 44806, 41986, 38610 of 81920
    "ties-uniform-6.12": 5.01,  // step 2 node 2: 10655, 8601, 9771 of 40960
    // Held-out runs (sim-heldout): the fixture and two more boots.
    "ho-asym-thp-6.1": 4.17,  // step 5 node 0: 7680, 6656, 6656 of 24576
    "ho-memless-local-6.1": 7.27,  // step 2 node 0: 7462, 5463, 10228 of 65536
    "ho-memless-local-6.12": 8.65,  // step 2 node 0: 10461, 10462, 4790 of 65536
    "ho-memless-mix-6.12": 9.77,  // step 4 node 0: 6461, 10286, 5486 of 49152
    "ho-six-prefmany-6.12": 5.72,  // step 3 node 4: 28741, 26851, 30601 of 65536
    "ho-three-bind-6.12": 5.90,  // step 4 node 1: 18867, 17418, 18160 of 24576
    "ho-three-interleave-6.12": 2.34,  // step 2 node 0 over six boots: 25891, 25951, 25951, 26431, 24991, 25951 of 61440
    "expire-remote-6.1": 6.15,  // step 5 node 0: 98610, 102985, 95936 of 114688 (session 8)
    // Held-out batch 2 (session 8): the fixture and three more boots.
    "h2-four-tie-6.1": 3.37,  // step 5 node 0: 32752, 32768, 31664, 32382 of 32768
    "h2-four-tie-6.12": 4.26,  // step 4 node 0: 3054, 159, 0, 648 of 71680
    "h2-four-weighted-6.1": 8.10,  // step 3 node 0: 23096, 24576, 22586, 23516 of 24576
    "h2-initrd-spill-6.1": 18.91,  // step 4 node 0: 57276, 55893, 58984, 84937 of 153600
    "h2-initrd-spill-6.12": 18.42,  // step 4 node 0: 77153, 77233, 78812, 50519 of 153600
    "h2-onegig-spill-6.12": 2.28,  // step 5 node 0: 81920, 81438, 80054, 81694 of 81920
  ]

  /// Runs whose model error is above 1% and above the kernel's own spread: an open model
  /// residue, with what is known of it (Docs/verification.md, "Held-out runs"). None at present:
  /// ho-three-interleave-6.12, the last one, is within its spread measured over six boots.
  static let openResidues: [String: String] = [:]
}
